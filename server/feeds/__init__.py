"""Feeds for other systems (meeting finders, directories): read-only, public, listed groups only."""
