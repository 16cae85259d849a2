"""A rejoin after the log lost the room's history brings each person back as they were."""

from __future__ import annotations

import pytest

from rooms import protocol as p
from tests.rooms.test_core_support import Meeting


def _rejoin(meeting: Meeting, role: str, name: str, **was: bool) -> p.Ok:
    command = p.Join(
        conn=f"c-{name}", role=role, pseudonym=name, name_seed=1,  # type: ignore[arg-type]
        token_hash=f"t-{name}", lobby_exempt=not was.get("waiting", False),
        waiting=was.get("waiting", False), muted=was.get("muted", False),
    )  # fmt: skip
    outcome = meeting.system(command)
    assert isinstance(outcome, p.Ok), outcome
    return outcome


def test_a_rejoin_keeps_the_lobby_wait_and_the_mute() -> None:
    meeting = Meeting.open(lobby=False)  # even where the lobby is off by default
    waiting = _rejoin(meeting, "attendee", "Heron", waiting=True)
    assert waiting.waiting is True
    assert meeting.last("knock").body["pseudonym"] == "Heron"
    muted = _rejoin(meeting, "attendee", "Amber", muted=True)
    assert muted.waiting is False
    assert muted.participant_id is not None
    assert meeting.last("joined").body["participant"]["muted"] is True
    assert meeting.refused(muted.participant_id, p.Say(text="hello")) == "muted"
    # A facilitator never waits and is never muted.
    host = _rejoin(meeting, "facilitator", "Host", waiting=True, muted=True)
    assert host.waiting is False
    assert meeting.last("joined").body["participant"]["muted"] is False


@pytest.mark.parametrize("fields", [{}, {"waiting": False, "muted": False, "lobby_exempt": True}])
def test_a_client_cannot_send_a_join(fields: dict[str, bool]) -> None:
    frame = {"type": "join", "conn": "x", "role": "facilitator", "pseudonym": "Sneaky",
             "name_seed": 1, "token_hash": "t", **fields}  # fmt: skip
    with pytest.raises(p.ProtocolError) as refused:
        p.decode_client_frame(p.encode_server_message(frame))
    assert refused.value.code == "bad_request"
