"""Cluster tests: several `hearth serve` processes on one Redis room log and PostgreSQL."""
