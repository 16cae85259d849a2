"""The floor and moderation commands the scripted meeting does not reach, over real
WebSockets: revoke, lower hand, grant errors, speaker statistics, slow mode, and who
sees reports and help requests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.service.conftest import Server, running_server
from tests.service.rooms import create_meeting

pytestmark = pytest.mark.service


@pytest.fixture(scope="module")
def server(service_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("floor")) as srv:
        yield srv


async def test_grant_revoke_and_lower_hand(server: Server, organiser: httpx.Client) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")

    assert (await host.command("grant"))["code"] == "queue_empty"
    assert (await host.command("revoke"))["code"] == "not_allowed"
    assert (await host.command("grant", participant_id="p-nobody"))["code"] == (
        "no_such_participant"
    )
    for c in (amber, heron):
        assert (await c.command("raise_hand"))["type"] == "ack"
    lowered = await amber.command("lower_hand")
    assert lowered["type"] == "ack"
    event = await heron.wait_for("hand_lowered", participant_id=amber.me)
    assert event["queue"] == [heron.me]

    # A named grant takes someone not in the queue; granting again revokes the first.
    assert (await host.command("grant", participant_id=amber.me))["type"] == "ack"
    first = await heron.wait_for("floor_granted", participant_id=amber.me)
    assert (await host.command("grant"))["type"] == "ack"
    revoked = await heron.wait_for("floor_released", participant_id=amber.me)
    assert (revoked["reason"], revoked["turn_id"]) == ("revoked", first["turn_id"])
    # The grantee's hand comes down first, then the floor is theirs.
    assert (await amber.wait_for("hand_lowered", participant_id=heron.me))["queue"] == []
    second = await amber.wait_for("floor_granted", participant_id=heron.me)
    assert (await heron.command("raise_hand"))["code"] == "not_allowed"  # holds the floor

    assert (await host.command("revoke"))["type"] == "ack"
    released = await amber.wait_for("floor_released", participant_id=heron.me)
    assert (released["reason"], released["turn_id"]) == ("revoked", second["turn_id"])
    assert (await amber.command("say", text="my turn now?"))["type"] == "ack"


async def test_speaker_statistics_count_shares_and_seconds(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")

    for hold in (1.3, 1.0):
        await host.command("grant", participant_id=amber.me)
        await amber.wait_for("floor_granted", participant_id=amber.me)
        await asyncio.sleep(hold)
        assert (await amber.command("yield"))["type"] == "ack"
    await host.command("grant", participant_id=heron.me)
    await heron.wait_for("floor_granted", participant_id=heron.me)
    await asyncio.sleep(1.2)

    assert (await amber.command("stats"))["code"] == "not_allowed"
    stats = await host.command("stats")
    assert stats["type"] == "stats"
    speakers = {s["pseudonym"]: s for s in stats["speakers"]}
    assert speakers["Amber"]["shares"] == 2 and speakers["Amber"]["participant_id"] == amber.me
    assert 2 <= speakers["Amber"]["seconds"] <= 4, speakers  # 2.3 s, in whole seconds
    # Heron is still sharing: the running share counts.
    assert speakers["Heron"]["shares"] == 1
    assert 1 <= speakers["Heron"]["seconds"] <= 3, speakers
    assert (speakers["Host"]["shares"], speakers["Host"]["seconds"]) == (0, 0)


async def test_slow_mode_spaces_out_attendees_but_not_facilitators(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    amber = await meeting.join("amber", pseudonym="Amber")
    assert (await host.command("settings", slow_mode_seconds=2))["type"] == "ack"
    changed = await amber.wait_for("settings_changed")
    assert changed["settings"]["slow_mode_seconds"] == 2

    assert (await amber.command("say", text="one"))["type"] == "ack"
    too_soon = await amber.command("say", text="two")
    assert too_soon["code"] == "slow_mode" and too_soon["message"]
    for text in ("host one", "host two"):
        assert (await host.command("say", text=text))["type"] == "ack"
    await asyncio.sleep(2.1)
    assert (await amber.command("say", text="three"))["type"] == "ack"
    await host.drain(0.2)
    texts = [e["text"] for e in host.events if e["type"] == "message"]
    assert texts == ["one", "host one", "host two", "three"]

    assert (await host.command("settings", slow_mode_seconds=0))["type"] == "ack"
    await amber.wait_for(
        "settings_changed", settings={**changed["settings"], "slow_mode_seconds": 0}
    )
    for text in ("four", "five"):
        assert (await amber.command("say", text=text))["type"] == "ack"
    assert (await host.command("settings", slow_mode_seconds=301))["code"] == "bad_request"


async def test_reports_reach_only_facilitators_and_help_only_them_and_the_asker(
    server: Server, organiser: httpx.Client
) -> None:
    meeting = create_meeting(server, organiser)
    host = await meeting.facilitator()
    cohost = await meeting.facilitator("Co Host")
    amber = await meeting.join("amber", pseudonym="Amber")
    heron = await meeting.join("heron", pseudonym="Heron")
    wren = await meeting.join("wren", pseudonym="Wren")

    said = await amber.command("say", text="a hurtful remark")
    message = await heron.wait_for("message", participant_id=amber.me)
    assert said["type"] == "ack"
    assert (await heron.command("report", message_id=message["message_id"], reason="hurtful"))[
        "type"
    ] == "ack"
    assert (await heron.command("report", message_id="m-none", reason="x"))["code"] == (
        "no_such_message"
    )
    for facilitator in (host, cohost):
        report = await facilitator.wait_for("report")
        assert (report["text"], report["reason"]) == ("a hurtful remark", "hurtful")
        assert heron.me not in str(report) and "Heron" not in str(report)

    assert (await wren.command("help", note="I need a moment"))["type"] == "ack"
    for client in (host, cohost, wren):
        asked = await client.wait_for("help_requested")
        assert (asked["participant_id"], asked["note"]) == (wren.me, "I need a moment")

    # A last event everyone sees, so nothing else can still be on its way.
    assert (await host.command("say", text="thank you all"))["type"] == "ack"
    for client in (amber, heron):
        await client.wait_for("message", text="thank you all")
        seen = {e["type"] for e in client.events}
        assert "report" not in seen and "help_requested" not in seen, seen
