"""The two formats Hearth ships for organisers to copy and change.

Every word here was written for Hearth; none is taken from another organisation's
meeting scripts, so a group may use, edit and share them freely. They are not stored:
a group gets its own editable copy when an organiser starts a format from one.
"""

from __future__ import annotations

from typing import Any

_WELCOME = (
    "Welcome, and thank you for coming. This is a space to be heard and to listen.\n"
    "A few things keep it safe for everyone:\n"
    "- What is shared here stays here. Messages are not stored, and we do not repeat "
    "anyone's story outside this room.\n"
    "- Speak for yourself, from your own experience.\n"
    "- When someone has the floor, we listen; we do not fix, judge or advise unless "
    "they ask.\n"
    "- You can always pass. Listening is taking part too.\n"
    "- If you are in danger or need urgent help, the crisis lines are pinned at the "
    "top of the room, and you can ask a facilitator privately at any time."
)

_CHECK_IN_CLOSING = (
    "Thank you, everyone, for what you shared and for how you listened.\n"
    "Take a moment before you go: one breath, and one thing you will take with you.\n"
    "Look after yourselves until we meet again. The crisis lines stay pinned on the "
    "group's page if you need them before then."
)

_PURPOSE = (
    "Welcome. We meet to support each other in recovery, one week at a time.\n"
    "Nobody here is an expert on anyone else's life: each of us speaks from our own "
    "experience, and each of us decides what recovery means for us.\n"
    "What is said here stays here. You can pass at any point, and a facilitator is "
    "here if you need a quiet word.\n"
    "Tonight we will check in, agree on what we want to spend our time on, work on "
    "it together, and close with what each of us will do next."
)

_COMMITMENTS = (
    "Before we close: if you like, name one small, doable thing you will try before "
    "we meet again. It can be as simple as a walk, a phone call or an early night.\n"
    "Thank you for your honesty and your care for one another. Go gently."
)

TEMPLATES: dict[str, dict[str, Any]] = {
    "check-in": {
        "name": "Peer-support check-in",
        "segments": [
            {"title": "Welcome and ground rules", "kind": "reading", "minutes": 5,
             "reading": _WELCOME, "settings": {"queue_open": False}},
            {"title": "Check-in round", "kind": "round", "minutes": 20,
             "settings": {"crosstalk": False, "share_seconds": 120, "queue_open": False}},
            {"title": "Open sharing", "kind": "shares", "minutes": 25,
             "settings": {"crosstalk": False, "queue_open": True,
                          "queue_policy": "fewest_shares_first"}},
            {"title": "Short break", "kind": "break", "minutes": 5,
             "settings": {"queue_open": False}},
            {"title": "Closing", "kind": "closing", "minutes": 5,
             "reading": _CHECK_IN_CLOSING, "settings": {"queue_open": False},
             "invite_commitment": True},
        ],
    },
    "five-part": {
        "name": "Recovery meeting, five parts",
        "segments": [
            {"title": "Welcome and purpose", "kind": "reading", "minutes": 5,
             "reading": _PURPOSE, "settings": {"queue_open": False}},
            {"title": "Check-in round", "kind": "round", "minutes": 15,
             "settings": {"crosstalk": False, "share_seconds": 90, "queue_open": False}},
            {"title": "Setting the agenda", "kind": "discussion", "minutes": 5,
             "settings": {"crosstalk": True, "queue_open": True}},
            {"title": "Working time", "kind": "shares", "minutes": 30,
             "settings": {"crosstalk": False, "share_seconds": 300, "queue_open": True,
                          "queue_policy": "fifo"}},
            {"title": "Closing and commitments", "kind": "closing", "minutes": 5,
             "reading": _COMMITMENTS, "settings": {"queue_open": True},
             "invite_commitment": True},
        ],
    },
}  # fmt: skip
