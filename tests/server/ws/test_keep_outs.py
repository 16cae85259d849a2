"""A removal sticks: the removed browser's `device` is kept out of the group's meetings.

The browser sends HMAC-SHA-256(its own secret, group id) as `hello.device`
(static/js/device.js does the same with WebCrypto); the server keeps only a keyed hash
of that, per group, with an expiry (docs/protocol.md, `hello.device`).
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from server.db.models import KeepOut
from tests.devices import device
from tests.server.ws.inprocess import InProcessHearth, Meeting


def another_meeting(meeting: Meeting) -> Meeting:
    start = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    r = meeting.organiser.post(
        f"/api/groups/{meeting.group_id}/meetings",
        json={"starts_at": start, "timezone": "UTC", "duration_minutes": 60},
    )
    assert r.status_code == 201, r.text
    return Meeting(meeting.hearth, r.json()[0]["id"], meeting.group_id)


def keep_outs(meeting: Meeting, want: int | None = None) -> int:
    """The group's active keep-outs, once there are `want` (they are written beside the room)."""
    deadline = time.monotonic() + 5
    while True:
        r = meeting.organiser.get(f"/api/groups/{meeting.group_id}/keep-outs")
        assert r.status_code == 200, r.text
        active: int = r.json()["active"]
        if want is None or active == want or time.monotonic() > deadline:
            return active
        time.sleep(0.05)


def remove(meeting: Meeting, host: Any, hello: dict[str, Any]) -> None:
    troll = meeting.join("troll", **hello)
    assert host.command("remove", participant_id=troll.me)["type"] == "ack"
    assert troll.wait_for("error")["code"] == "removed"
    assert troll.closed() == 4403


def refused(meeting: Meeting, **hello: Any) -> tuple[str, int | None]:
    client = meeting.connect("again")
    reply = client.hello(**hello)
    assert reply["type"] == "error", reply
    return reply["code"], client.closed()


def test_a_removed_browser_is_kept_out_of_every_meeting_of_its_group(
    hearth: InProcessHearth,
) -> None:
    browser = secrets.token_bytes(32)
    first = hearth.create_meeting()
    second = another_meeting(first)
    elsewhere = hearth.create_meeting()  # another group: the same browser sends another value
    host = first.facilitator()
    mine = device(browser, first.group_id)
    assert device(browser, elsewhere.group_id) != mine
    remove(first, host, {"pseudonym": "Troll", "device": mine})
    assert keep_outs(first, want=1) == 1
    assert keep_outs(elsewhere) == 0

    assert refused(first, device=mine) == ("banned", 4403)  # a new name, no resume token
    assert refused(second, pseudonym="Someone New", device=mine) == ("banned", 4403)
    back = elsewhere.join("elsewhere", device=device(browser, elsewhere.group_id))
    assert back.welcome is not None
    # Honestly, not a person: a browser that clears its storage sends another value.
    assert second.join("cleared", device=device(secrets.token_bytes(32), first.group_id))
    # A facilitator is never kept out.
    token = second.facilitator_token()
    assert second.join("host2", facilitator_token=token, device=mine).welcome is not None


def test_lifting_every_keep_out_lets_the_browser_back(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    mine = device(secrets.token_bytes(32), meeting.group_id)
    remove(meeting, host, {"device": mine})
    keep_outs(meeting, want=1)
    assert refused(meeting, device=mine)[0] == "banned"
    r = meeting.organiser.delete(f"/api/groups/{meeting.group_id}/keep-outs")
    assert r.status_code == 204, r.text
    assert keep_outs(meeting) == 0
    assert meeting.join("back", device=mine).welcome is not None


def test_a_keep_out_ends_when_it_expires(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(keep_out_days=1)
    host = meeting.facilitator()
    mine = device(secrets.token_bytes(32), meeting.group_id)
    remove(meeting, host, {"device": mine})
    keep_outs(meeting, want=1)
    assert refused(meeting, device=mine)[0] == "banned"

    async def expire() -> None:
        async with hearth.http.app.state.ctx.session() as session:  # type: ignore[attr-defined]
            past = datetime.now(UTC) - timedelta(seconds=1)
            await session.execute(update(KeepOut).values(expires_at=past))
            await session.commit()

    assert hearth.http.portal is not None
    hearth.http.portal.call(expire)
    # The open room's admission cache holds each keep-out with its expiry, as read; an
    # expiry rewritten behind the server's back (instead of days passing) needs it dropped.
    hearth.http.app.state.ctx.hub.admissions.forget(meeting.id)  # type: ignore[attr-defined]
    assert meeting.join("back", device=mine).welcome is not None
    assert keep_outs(meeting) == 0


def test_a_group_can_keep_nobody_out(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(keep_out_days=0)
    host = meeting.facilitator()
    mine = device(secrets.token_bytes(32), meeting.group_id)
    remove(meeting, host, {"device": mine})
    assert host.command("leave")["type"] == "ack"  # one more entry: the removal is done
    time.sleep(0.3)
    assert keep_outs(meeting) == 0
    assert meeting.join("back", device=mine).welcome is not None


def test_a_single_use_invite_stays_used_after_a_removal(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(visibility="closed", keep_out_days=0)
    host = meeting.facilitator()
    code = meeting.invite(max_uses=1)
    remove(meeting, host, {"invite": code})
    assert refused(meeting, invite=code) == ("invite_invalid", 4403)


def test_the_device_value_is_in_neither_the_room_log_nor_the_database(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    mine = device(secrets.token_bytes(32), meeting.group_id)
    remove(meeting, host, {"device": mine})
    keep_outs(meeting, want=1)
    ctx: Any = hearth.http.app.state.ctx  # type: ignore[attr-defined]
    payloads = b"".join(
        entry.payload for room in ctx.hub.log._rooms.values() for entry in room.entries
    )
    assert b'"device_hash"' in payloads  # the join carried the hash
    assert mine.encode() not in payloads
    for path in ctx.settings.data_dir.iterdir():  # the SQLite file, its -wal, the key
        if path.is_file():
            assert mine.encode() not in path.read_bytes(), path


def test_after_a_removal_every_newcomer_meets_a_facilitator_first(
    hearth: InProcessHearth,
) -> None:
    """Even someone who cleared their storage (another device value, or none) waits in
    the lobby of every meeting of the group for lobby_after_removal_minutes."""
    meeting = hearth.create_meeting(lobby_after_removal_minutes=30)
    second = another_meeting(meeting)
    host = meeting.facilitator()
    before = meeting.join("before")
    assert before.welcome is not None  # no removal yet: straight in
    remove(meeting, host, {"device": device(secrets.token_bytes(32), meeting.group_id)})
    deadline = time.monotonic() + 5
    while True:
        newcomer = meeting.connect("newcomer")
        reply = newcomer.hello(device=device(secrets.token_bytes(32), meeting.group_id))
        if reply["type"] == "waiting" or time.monotonic() > deadline:
            break
        newcomer.close()
        time.sleep(0.05)
    assert reply["type"] == "waiting", reply
    knock = host.wait_for("knock")
    assert host.command("admit", participant_id=knock["participant_id"])["type"] == "ack"
    assert newcomer.wait_for("welcome") is not None
    assert second.join("elsewhere").welcome is None  # waiting in the group's other meeting
    assert second.join("host2", facilitator_token=second.facilitator_token()).welcome


def test_a_malformed_device_is_a_bad_hello(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting()
    for bad in ("short", "x" * 65, "not base64url!" * 2, 12345):
        client = meeting.connect("bad")
        reply = client.hello(device=bad)
        assert reply["type"] == "error" and reply["code"] == "bad_request", reply
        assert client.closed() == 4400


def test_removing_someone_also_removes_their_other_tabs_in_the_meeting(
    hearth: InProcessHearth,
) -> None:
    """A hostile attendee opens the meeting in two tabs of one browser: removing one
    must not leave the other in the room until it is closed."""
    meeting = hearth.create_meeting()
    host = meeting.facilitator()
    mine = device(secrets.token_bytes(32), meeting.group_id)
    first = meeting.join("tab1", pseudonym="Troll One", device=mine)
    second = meeting.join("tab2", pseudonym="Troll Two", device=mine)
    bystander = meeting.join("other", pseudonym="Bystander")
    assert host.command("remove", participant_id=first.me)["type"] == "ack"
    for tab in (first, second):
        assert tab.wait_for("error")["code"] == "removed"
        assert tab.closed() == 4403
    gone = {bystander.wait_for("left")["participant_id"] for _ in range(2)}
    assert gone == {first.me, second.me}
    assert bystander.command("say", text="still here")["type"] == "ack"
    assert keep_outs(meeting, want=1) == 1  # one browser, one keep-out
    assert refused(meeting, device=mine) == ("banned", 4403)
