"""Many connections flooding the facilitators with help, reports and hands, in process.

The attack: 28 connections sent 56 help, report and hand events a second to the
facilitators, each report carrying the full message text. Now help requests and
reports are limited per participant and per room, raised hands per participant,
and reports of one message reach the facilitators as one alert with a count.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.ws.inprocess import InProcessHearth

PEOPLE = 8


@pytest.fixture
def hearth_settings() -> dict[str, Any]:
    # The per-connection frame limit out of the way: this is about the room's own rules.
    return {"rate_limit_commands": 1000}


def test_a_crowd_cannot_flood_the_facilitators(hearth: InProcessHearth) -> None:
    meeting = hearth.create_meeting(capacity=30)
    host = meeting.facilitator("Host")
    crowd = [meeting.join(f"c{i}", pseudonym=f"Crowd {i}") for i in range(PEOPLE)]
    text = ("a long message that someone will report " * 40).strip()
    said = crowd[0].command("say", text=text)
    message_id = host.wait_for("message", seq=said["seq"])["message_id"]

    refused: dict[str, int] = {"help": 0, "report": 0, "raise_hand": 0}
    for client in crowd:
        asks = (("help", {"note": "help me " * 50}),
                ("report", {"message_id": message_id, "reason": "spam"}))  # fmt: skip
        for _ in range(3):
            for type_, fields in asks:
                reply = client.command(type_, **fields)
                if reply["type"] == "error":
                    assert reply["code"] == "rate_limited", reply
                    refused[type_] += 1
        for _ in range(10):
            reply = client.command("raise_hand")
            if reply["type"] == "error":
                assert reply["code"] == "rate_limited", reply
                refused["raise_hand"] += 1
            assert client.command("lower_hand")["type"] == "ack"
    host.drain(0.5)

    got = [e["type"] for e in host.events if e["seq"] > said["seq"]]
    kinds = [e["alert"]["kind"] for e in host.events if e["type"] == "alert"]
    # One help alert each; the repeats were refused.
    assert kinds.count("help") == PEOPLE
    assert refused["help"] == 2 * PEOPLE
    # One alert for the message, with its text once, then only counts.
    assert kinds.count("report") == 1
    (report,) = [
        e["alert"] for e in host.events if e["type"] == "alert" and e["alert"]["kind"] == "report"
    ]
    reports = [report] + [
        e for e in host.events if e["type"] == "alert_updated" and e["alert_id"] == report["id"]
    ]
    assert len(reports) == PEOPLE
    assert reports[-1]["count"] == PEOPLE
    assert sum(text in str(e) for e in reports) == 1
    assert refused["report"] == 0  # reporting again is acknowledged, and changes nothing
    # At most six raised hands a minute each.
    assert got.count("hand_raised") == 6 * PEOPLE
    assert refused["raise_hand"] == 4 * PEOPLE
