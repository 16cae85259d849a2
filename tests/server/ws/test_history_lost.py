"""The room log loses a room's history (Redis restarted empty), in process.

The attack: with the room's history gone, every connection rejoined as let in and
unmuted, so a closed group's lobby emptied into the room with no facilitator there,
and a muted attendee came back able to speak. The rebuilt room keeps each person's
waiting state, mute and role.
"""

from __future__ import annotations

import time

from server.log.memory import MemoryRoomLog
from tests.server.ws.inprocess import Client, InProcessHearth, Meeting


def lose_history(hearth: InProcessHearth, meeting: Meeting) -> None:
    """What an empty Redis looks like to a worker: the room's log is gone, then the
    log reconnects and the hub looks again."""
    app = hearth.http.app
    hub = app.state.ctx.hub  # type: ignore[attr-defined]
    log = hub.log
    assert isinstance(log, MemoryRoomLog)
    portal = hearth.http.portal
    assert portal is not None

    async def expire() -> None:
        await log.expire(meeting.id, 0)  # gone after a second (the log's least TTL)

    async def reconnect() -> None:
        log.simulate_reconnect()

    portal.call(expire)
    time.sleep(1.2)
    portal.call(reconnect)


def back(client: Client, kind: str) -> dict[str, object]:
    client.wait_for("history_lost")
    return client.wait_for(kind)


def test_a_rebuilt_room_keeps_its_lobby_its_mutes_and_its_roles(
    hearth: InProcessHearth,
) -> None:
    meeting = hearth.create_meeting(visibility="closed", lobby=True)
    amber = meeting.join("amber", invite=meeting.invite(), pseudonym="Amber")
    heron = meeting.join("heron", invite=meeting.invite(), pseudonym="Heron")
    host = meeting.facilitator("Host")
    assert host.welcome is not None
    amber_id = next(x["id"] for x in host.welcome["state"]["lobby"] if x["pseudonym"] == "Amber")
    assert host.command("admit", participant_id=amber_id)["type"] == "ack"
    amber.wait_for("welcome")
    assert host.command("mute", participant_id=amber_id)["type"] == "ack"
    amber.wait_for("muted")
    host.command("leave")  # the facilitator goes: nobody is left to admit anyone
    amber.wait_for("left")

    lose_history(hearth, meeting)

    # Heron waited in the lobby before, and waits there still.
    waiting = back(heron, "waiting")
    assert waiting["you"]["pseudonym"] == "Heron"  # type: ignore[index]
    heron.drain(0.3)
    assert not [f for f in heron.frames[heron.frames.index(waiting) :] if f["type"] == "welcome"]
    assert heron.command("say", text="am I in?")["code"] == "not_allowed"
    # Amber was let in and muted: in, and muted still.
    welcome = back(amber, "welcome")
    me = next(x for x in welcome["state"]["participants"] if x["pseudonym"] == "Amber")  # type: ignore[index]
    assert me["muted"] is True and me["role"] == "attendee"
    assert [x["pseudonym"] for x in welcome["state"]["participants"]] == ["Amber"]  # type: ignore[index]
    assert amber.command("say", text="unmuted by the restart?")["code"] == "muted"

    # A facilitator who comes back finds Heron in the lobby, and admits them.
    host = meeting.facilitator("Host")
    assert host.welcome is not None
    lobby = host.welcome["state"]["lobby"]
    assert [x["pseudonym"] for x in lobby] == ["Heron"]
    assert host.command("admit", participant_id=lobby[0]["id"])["type"] == "ack"
    assert heron.wait_for("welcome")["you"]["role"] == "attendee"
    assert heron.command("say", text="now I am in")["type"] == "ack"


def test_a_facilitator_comes_back_a_facilitator(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(lobby=True)
    host = meeting.facilitator("Host")
    lose_history(hearth, meeting)
    welcome = back(host, "welcome")
    assert welcome["you"]["role"] == "facilitator"  # type: ignore[index]
    assert "lobby" in welcome["state"]  # type: ignore[operator]
