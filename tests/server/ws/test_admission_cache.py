"""Admission keeps an open room's facts (server/admission_cache.py); an organiser's edit
or a removal must still hold for the very next newcomer, as if nothing were kept."""

from __future__ import annotations

import secrets
import time
from typing import Any

import pytest
from sqlalchemy import update

from rooms import protocol
from server.db.models import Group
from server.replica import Replica
from server.room_setup import RoomSetup
from tests.devices import device
from tests.server.ws.inprocess import Client, InProcessHearth, Meeting


def refused(meeting: Meeting, **hello: Any) -> str:
    client = meeting.connect("newcomer")
    reply = client.hello(**hello)
    assert reply["type"] == "error", reply
    code: str = reply["code"]
    return code


def warm(meeting: Meeting, count: int = 2) -> list[Client]:
    """People in the room: its admission facts are read and kept."""
    return [meeting.join(f"early{i}") for i in range(count)]


def test_a_meeting_cancelled_while_open_refuses_the_next_newcomer(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    early = warm(meeting)
    r = meeting.organiser.patch(f"/api/meetings/{meeting.id}", json={"cancelled": True})
    assert r.status_code == 200, r.text
    assert early[0].wait_for("meeting_ended") is not None
    assert refused(meeting) == "meeting_ended"


def test_a_group_made_invite_only_while_open_wants_an_invite_from_the_next_newcomer(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    warm(meeting)
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"visibility": "closed"})
    assert r.status_code == 200, r.text
    assert refused(meeting) == "invite_required"
    assert refused(meeting, invite="not-a-real-code") == "invite_invalid"
    code = meeting.invite(max_uses=1)
    assert meeting.join("invited", invite=code).welcome is not None
    assert refused(meeting, invite=code) == "invite_invalid"  # its one use is spent
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"visibility": "open"})
    assert r.status_code == 200, r.text
    assert meeting.join("open again").welcome is not None


def test_a_capacity_lowered_while_open_holds_for_the_next_newcomer(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(capacity=10)
    warm(meeting, 3)
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"capacity": 3})
    assert r.status_code == 200, r.text
    assert refused(meeting) == "room_full"


def test_a_removed_browser_is_refused_before_its_keep_out_is_written(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(keep_out_days=1)
    host = meeting.facilitator()
    warm(meeting)
    mine = device(secrets.token_bytes(32), meeting.group_id)
    troll = meeting.join("troll", device=mine)
    assert host.command("remove", participant_id=troll.me)["type"] == "ack"
    # No wait for the keep-out row: the room's log already says who was removed.
    assert refused(meeting, pseudonym="Someone New", device=mine) == "banned"
    # The organiser lifts it once it shows in the console (a lift before the row is
    # written would be undone by it).
    keep_outs = f"/api/groups/{meeting.group_id}/keep-outs"
    deadline = time.monotonic() + 5
    while meeting.organiser.get(keep_outs).json()["active"] == 0:
        assert time.monotonic() < deadline, "the keep-out was never written"
        time.sleep(0.02)
    r = meeting.organiser.delete(f"/api/groups/{meeting.group_id}/keep-outs")
    assert r.status_code == 204, r.text
    assert meeting.join("back", device=mine).welcome is not None


def test_a_removal_sends_the_next_newcomer_to_the_lobby(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(lobby_after_removal_minutes=10)
    host = meeting.facilitator()
    warm(meeting)
    troll = meeting.join("troll")
    assert host.command("remove", participant_id=troll.me)["type"] == "ack"
    late = meeting.connect("late")
    assert late.hello(pseudonym="Late Comer")["type"] == "waiting"


def test_a_join_overtaken_by_an_edit_in_the_log_is_decided_again_before_any_welcome(
    hearth: InProcessHearth, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race a cache opens: admitted on kept facts, while the organiser's switch to
    invite-only is committed and reaches the log just before the join does."""
    meeting = hearth.create_meeting()
    early = warm(meeting, 1)[0]
    app = hearth.http.app.state.ctx  # type: ignore[attr-defined]
    hub = app.hub
    room = hub.room

    async def edit_then_room(setup: RoomSetup) -> Replica:
        replica: Replica = await room(setup)
        monkeypatch.setattr(hub, "room", room)  # once
        async with app.session() as session:
            await session.execute(
                update(Group).where(Group.id == meeting.group_id).values(visibility="closed")
            )
            await session.commit()
        await hub.tell_room(meeting.id, protocol.Reconfigure(config=setup.config), 2**41)
        return replica

    monkeypatch.setattr(hub, "room", edit_then_room)
    late = meeting.connect("late")
    reply = late.hello(pseudonym="Late Comer")
    assert reply["type"] == "error" and reply["code"] == "invite_required", reply
    assert not any(f["type"] == "welcome" for f in late.frames)
    joined = early.wait_for("joined")["participant"]
    assert early.wait_for("left")["participant_id"] == joined["id"]


def test_a_group_opened_while_nobody_got_in_admits_within_a_second(
    hearth: InProcessHearth,
) -> None:
    """Refusals leave no room here to watch the log, so what they were decided on is
    kept only for a rush's second, not for the cache's whole minute."""
    meeting = hearth.create_meeting(visibility="closed")
    assert refused(meeting) == "invite_required"
    r = meeting.organiser.patch(f"/api/groups/{meeting.group_id}", json={"visibility": "open"})
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 3
    while (reply := meeting.connect("newcomer").hello())["type"] == "error":
        assert reply["code"] == "invite_required", reply
        assert time.monotonic() < deadline, "still refused"
        time.sleep(0.1)
    assert reply["type"] == "welcome"
