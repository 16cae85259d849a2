"""A whole formatted meeting across three workers: the organiser's format, a facilitator
on one worker moving it on, attendees on the others sharing in its round, a check-in
poll, a live edit of the format and of the meeting's end, and every worker telling the
same story in the same order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from tests.cluster.cluster import (
    Cluster,
    assert_strictly_increasing,
    close_all,
    facilitator,
    join,
    public,
    settle,
)
from tests.service.rooms import Meeting, create_meeting
from tests.wsclient import Client

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _with_format(meeting: Meeting, template: str) -> dict[str, Any]:
    org = meeting.organiser
    r = org.post(f"/api/groups/{meeting.group_id}/formats", json={"template": template})
    assert r.status_code == 201, r.text
    plan: dict[str, Any] = r.json()
    r = org.patch(f"/api/groups/{meeting.group_id}", json={"format_id": plan["id"]})
    assert r.status_code == 200, r.text
    return plan


async def _part(client: Client, index: int) -> dict[str, Any]:
    """This part's `segment_started`, skipping earlier ones the client saw."""
    while (part := (await client.wait_for("segment_started"))["segment"])["index"] != index:
        pass
    return part  # type: ignore[no-any-return]


async def _everyone_on(clients: list[Client], index: int) -> dict[str, Any]:
    parts = [await _part(c, index) for c in clients]
    assert len({p["started_at"] for p in parts}) == 1, parts
    return parts[0]


async def test_a_five_part_meeting_runs_the_same_on_three_workers(cluster: Cluster) -> None:
    a, b, c = cluster.a, cluster.b, cluster.c
    meeting = create_meeting(a, crosstalk=True)
    plan = _with_format(meeting, "five-part")
    titles = [s["title"] for s in plan["segments"]]
    host = await facilitator(a, meeting)
    amber = await join(b, meeting, pseudonym="Amber Fox")
    birch = await join(c, meeting, pseudonym="Birch Leaf")
    cohost = await facilitator(c, meeting, "Cohost")
    clients = [host, amber, birch, cohost]
    try:
        for client in clients:
            agenda = client.welcome["agenda"]  # type: ignore[index]
            assert agenda["current"] is None
            assert [s["title"] for s in agenda["segments"]] == titles

        # 1, a reading: hands closed on every worker.
        assert (await host.command("next_segment", current=-1))["type"] == "ack"
        part = await _everyone_on(clients, 0)
        assert part["reading"] == plan["segments"][0]["reading"]
        assert (await birch.command("raise_hand"))["code"] == "queue_closed"

        # 2, the check-in round: everyone gets a turn, in order, whatever their worker.
        assert (await host.command("next_segment", current=0))["type"] == "ack"
        part = await _everyone_on(clients, 1)
        assert (part["settings"]["crosstalk"], part["settings"]["share_seconds"]) == (False, 90)
        order = (await amber.wait_for("round_started"))["order"]
        attendees = [x for x in (amber, birch) if x.me in order]
        assert len(attendees) == 2
        for speaker in sorted(attendees, key=lambda x: order.index(x.me)):
            await speaker.wait_for("floor_granted", participant_id=speaker.me)
            listener = birch if speaker is amber else amber
            assert (await listener.command("say", text="me too"))["code"] == "not_your_turn"
            assert (await speaker.command("say", text="I made it this week"))["type"] == "ack"
            assert (await speaker.command("yield"))["type"] == "ack"
        await amber.wait_for("round_ended")  # the last turn ends the round
        # A stale Next from the co-host on another worker does not skip a part.
        assert (await cohost.command("next_segment", current=0))["type"] == "ack"

        # 3, setting the agenda: crosstalk on, hands open; an arriving check-in poll.
        assert (await host.command("next_segment", current=1))["type"] == "ack"
        part = await _everyone_on(clients, 2)
        assert part["settings"]["crosstalk"] is True
        assert (await birch.command("say", text="thank you, Amber"))["type"] == "ack"
        assert (await cohost.command("poll_start", scale="arriving"))["type"] == "ack"
        poll_id = (await amber.wait_for("poll"))["poll_id"]
        await birch.wait_for("poll", poll_id=poll_id)
        for voter, option in ((amber, 3), (birch, 4), (amber, 2)):
            assert (await voter.command("vote", poll_id=poll_id, option=option))["type"] == "ack"
        assert (await host.command("poll_close", poll_id=poll_id))["type"] == "ack"
        results = [await x.wait_for("poll_results", poll_id=poll_id) for x in clients]
        assert {(tuple(r["counts"]), r["total"]) for r in results} == {((0, 0, 1, 0, 1), 2)}

        # The organiser shortens part 4 and lengthens the meeting while the room is open.
        fid = plan["id"]
        segments = [dict(s) for s in plan["segments"]]
        segments[3]["minutes"] = 20
        r = meeting.organiser.patch(
            f"/api/groups/{meeting.group_id}/formats/{fid}", json={"segments": segments}
        )
        assert r.status_code == 200, r.text
        changed = [await x.wait_for("agenda_changed") for x in clients]
        assert {x["agenda"]["segments"][3]["minutes"] for x in changed} == {20}
        assert {x["agenda"]["current"]["index"] for x in changed} == {2}
        ends_before = datetime.fromisoformat(host.welcome["meeting"]["ends_at"])  # type: ignore[index]
        r = meeting.organiser.patch(f"/api/meetings/{meeting.id}", json={"duration_minutes": 90})
        assert r.status_code == 200, r.text
        moved = [await x.wait_for("meeting_changed") for x in clients]
        ends = {datetime.fromisoformat(x["meeting"]["ends_at"]) for x in moved}
        assert len(ends) == 1 and ends.pop() > ends_before

        # 4 and 5: working time, hands in order; the closing part, then no further.
        assert (await host.command("next_segment", current=2))["type"] == "ack"
        part = await _everyone_on(clients, 3)
        assert (part["minutes"], part["settings"]["queue_policy"]) == (20, "fifo")
        assert (await birch.command("raise_hand"))["type"] == "ack"
        assert (await amber.command("raise_hand"))["type"] == "ack"
        raised = await cohost.wait_for("hand_raised", participant_id=amber.me)
        assert raised["queue"] == [birch.me, amber.me]
        assert (await cohost.command("goto_segment", index=4))["type"] == "ack"
        part = await _everyone_on(clients, 4)
        assert part["title"] == titles[4]
        assert (await host.command("next_segment", current=4))["code"] == "not_allowed"

        await settle(*clients)
        first = next(e["seq"] for e in host.events if e["type"] == "segment_started")
        story = public(host, after=first - 1)
        assert [t for _, t in story].count("segment_started") == 5
        for client in clients:
            assert_strictly_increasing(client)
            assert public(client, after=first - 1) == story, client.name
    finally:
        await close_all(*clients)
