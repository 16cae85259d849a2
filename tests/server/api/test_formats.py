"""Formats: a group's meeting plans, their limits, templates, and who may change them."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import msgspec
import pytest
from sqlalchemy import delete

from rooms.config import SegmentSettings as RoomSegmentSettings
from rooms.protocol import SettingsChange
from server.api.errors import ApiError
from server.api.formats import _commit, commit_with_format
from server.context import AppContext
from server.db.formats import SegmentSettings, meeting_format, segments_of
from server.db.models import Format, Group, Meeting

SEGMENT = {"title": "Check-in", "kind": "round", "minutes": 20}


async def new_group(client: httpx.AsyncClient, name: str = "Circle") -> str:
    r = await client.post("/api/groups", json={"name": name})
    assert r.status_code == 201, r.text
    gid: str = r.json()["id"]
    return gid


async def new_format(client: httpx.AsyncClient, gid: str, **body: Any) -> dict[str, Any]:
    body = {"name": "Evening", "segments": [SEGMENT], **body}
    r = await client.post(f"/api/groups/{gid}/formats", json=body)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


async def test_create_list_change_and_delete_a_format(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    base = f"/api/groups/{gid}/formats"
    assert (await organiser.get(base)).json() == []
    segments = [
        {"title": "  Welcome ", "kind": "reading", "minutes": 5, "reading": "Hello,\r\nall."},
        {**SEGMENT, "settings": {"crosstalk": False, "share_seconds": 120, "queue_open": None}},
        {"title": "Shares", "kind": "shares", "minutes": 30,
         "settings": {"queue_open": True, "queue_policy": "fewest_shares_first",
                      "slow_mode_seconds": 10}},
    ]  # fmt: skip
    made = await new_format(organiser, gid, name=" Tuesday ", segments=segments)
    assert made["name"] == "Tuesday" and made["group_id"] == gid
    assert made["total_minutes"] == 55
    assert made["segments"] == [
        {"title": "Welcome", "kind": "reading", "minutes": 5, "reading": "Hello,\nall.",
         "settings": {}, "invite_commitment": False},
        {"title": "Check-in", "kind": "round", "minutes": 20, "reading": None,
         "settings": {"crosstalk": False, "share_seconds": 120}, "invite_commitment": False},
        {"title": "Shares", "kind": "shares", "minutes": 30, "reading": None,
         "settings": {"queue_open": True, "queue_policy": "fewest_shares_first",
                      "slow_mode_seconds": 10}, "invite_commitment": False},
    ]  # fmt: skip
    url = f"{base}/{made['id']}"
    assert (await organiser.get(url)).json() == made
    assert (await organiser.get(base)).json() == [made]
    r = await organiser.patch(url, json={"name": "Tuesdays"})
    assert r.status_code == 200 and r.json()["segments"] == made["segments"]
    r = await organiser.patch(url, json={"segments": [{**SEGMENT, "minutes": 45}]})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Tuesdays" and r.json()["total_minutes"] == 45
    assert (await organiser.get(url)).json() == r.json()
    assert (await organiser.delete(url)).status_code == 204
    assert (await organiser.delete(url)).status_code == 404
    assert (await organiser.get(url)).status_code == 404
    assert (await organiser.patch(url, json={"name": "x"})).status_code == 404
    assert (await organiser.get(base)).json() == []


async def test_names_are_unique_per_group_whatever_their_case(
    organiser: httpx.AsyncClient,
) -> None:
    gid, other = await new_group(organiser), await new_group(organiser, "Other")
    first = await new_format(organiser, gid, name="Evening")
    r = await organiser.post(
        f"/api/groups/{gid}/formats", json={"name": " EVENING", "segments": [SEGMENT]}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "name_taken"
    await new_format(organiser, other, name="evening")  # another group's is no clash
    second = await new_format(organiser, gid, name="Morning")
    r = await organiser.patch(f"/api/groups/{gid}/formats/{second['id']}", json={"name": "evening"})
    assert r.status_code == 409
    r = await organiser.patch(f"/api/groups/{gid}/formats/{first['id']}", json={"name": "EVENING"})
    assert r.status_code == 200 and r.json()["name"] == "EVENING"  # its own name, recased


async def test_templates_are_listed_and_copied_as_editable_formats(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient
) -> None:
    gid = await new_group(organiser)
    templates = (await organiser.get(f"/api/groups/{gid}/formats/templates")).json()
    assert [t["key"] for t in templates] == ["check-in", "five-part"]
    assert [t["total_minutes"] for t in templates] == [60, 60]
    five = templates[1]
    assert len(five["segments"]) == 5
    assert all(s["reading"] for s in five["segments"] if s["kind"] == "reading")
    base = f"/api/groups/{gid}/formats"
    r = await organiser.post(base, json={"template": "five-part"})
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["name"] == five["name"] and copy["segments"] == five["segments"]
    r = await organiser.post(base, json={"template": "five-part"})
    assert r.status_code == 409  # the same name twice
    r = await organiser.post(base, json={"template": "five-part", "name": "Mine"})
    assert r.status_code == 201 and r.json()["name"] == "Mine"
    segments = copy["segments"]
    segments[1] = {**segments[1], "title": "Round", "minutes": 10}
    r = await organiser.patch(f"{base}/{copy['id']}", json={"segments": segments})
    assert r.status_code == 200 and r.json()["total_minutes"] == 55
    for body, field in [
        ({"template": "twelve-steps"}, "template"),
        ({"template": "check-in", "segments": [SEGMENT]}, "segments"),
        ({"template": 3}, "template"),
    ]:
        r = await organiser.post(base, json=body)
        assert r.status_code == 400 and field in r.json()["error"]["fields"], (body, r.text)
    await organiser.put(f"/api/groups/{gid}/facilitators/fern")
    r = await facilitator.get(f"/api/groups/{gid}/formats/templates")
    assert r.json() == templates


async def test_who_may_read_and_change_formats(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    mine, other = await new_group(organiser, "Mine"), await new_group(organiser, "Other")
    await organiser.put(f"/api/groups/{mine}/facilitators/fern")
    made = await new_format(organiser, mine)
    base, url = f"/api/groups/{mine}/formats", f"/api/groups/{mine}/formats/{made['id']}"
    body = {"name": "New", "segments": [SEGMENT]}
    for method, path in [("GET", base), ("POST", base), ("GET", f"{base}/templates"),
                         ("GET", url), ("PATCH", url), ("DELETE", url)]:  # fmt: skip
        r = await client.request(method, path, json=body if method != "GET" else None)
        assert r.status_code == 401, (method, path)
    assert (await facilitator.get(base)).json() == [made]
    assert (await facilitator.get(url)).json() == made
    assert (await facilitator.post(base, json=body)).status_code == 403
    assert (await facilitator.patch(url, json={"name": "x"})).status_code == 403
    assert (await facilitator.delete(url)).status_code == 403
    assert (await facilitator.get(f"/api/groups/{other}/formats")).status_code == 404
    assert (await organiser.get(f"/api/groups/{other}/formats/{made['id']}")).status_code == 404
    assert (await organiser.delete(f"/api/groups/{other}/formats/{made['id']}")).status_code == 404
    assert (await organiser.post("/api/groups/nope/formats", json=body)).status_code == 404
    assert (await organiser.get(base)).json() == [made]


async def test_every_rule_of_a_format_is_a_clear_400(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    base = f"/api/groups/{gid}/formats"

    def seg(**change: Any) -> dict[str, Any]:
        return {"name": "F", "segments": [{**SEGMENT, **change}]}

    for body, field in [
        ({"segments": [SEGMENT]}, "name"),
        ({"name": "F"}, "segments"),
        ({"name": "", "segments": [SEGMENT]}, "name"),
        ({"name": "n" * 81, "segments": [SEGMENT]}, "name"),
        ({"name": "a\nb", "segments": [SEGMENT]}, "name"),
        ({"name": "F", "segments": []}, "segments"),
        ({"name": "F", "segments": [SEGMENT] * 31}, "segments"),
        ({"name": "F", "segments": [{**SEGMENT, "minutes": 180}] * 4}, "segments"),
        ({"name": "F", "segments": "all of it"}, "segments"),
        (seg(kind="prayer"), "segments[0].kind"),
        (seg(kind=None), "segments[0].kind"),
        (seg(minutes=0), "segments[0].minutes"),
        (seg(minutes=181), "segments[0].minutes"),
        (seg(minutes=20.5), "segments[0].minutes"),
        (seg(minutes="20"), "segments[0].minutes"),
        (seg(minutes=True), "segments[0].minutes"),
        (seg(title=""), "segments[0].title"),
        (seg(title="   "), "segments[0].title"),
        (seg(title="t" * 81), "segments[0].title"),
        (seg(title="nul\x00"), "segments[0].title"),
        (seg(reading="r" * 4001), "segments[0].reading"),
        (seg(reading="bell\x07"), "segments[0].reading"),
        (seg(reading=["a"]), "segments[0].reading"),
        (seg(colour="red"), "segments[0].colour"),
        (seg(settings={"lobby": True}), "segments[0].settings.lobby"),
        (seg(settings={"locked": True}), "segments[0].settings.locked"),
        (seg(settings={"crosstalk": "yes"}), "segments[0].settings.crosstalk"),
        (seg(settings={"queue_open": 1}), "segments[0].settings.queue_open"),
        (seg(settings={"share_seconds": 29}), "segments[0].settings.share_seconds"),
        (seg(settings={"share_seconds": 1801}), "segments[0].settings.share_seconds"),
        (seg(settings={"slow_mode_seconds": -1}), "segments[0].settings.slow_mode_seconds"),
        (seg(settings={"slow_mode_seconds": 301}), "segments[0].settings.slow_mode_seconds"),
        (seg(settings={"queue_policy": "loudest"}), "segments[0].settings.queue_policy"),
        (seg(settings=[]), "segments[0].settings"),
        (seg(invite_commitment="yes"), "segments[0].invite_commitment"),
        (seg(invite_commitment=True), "segments[0].invite_commitment"),  # a round
        ({**seg(), "colour": "red"}, "colour"),
    ]:
        r = await organiser.post(base, json=body)
        assert r.status_code == 400, (body, r.text)
        error = r.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], (body, error)
    ok = await new_format(
        organiser, gid, segments=[{**SEGMENT, "minutes": 180, "reading": "r" * 4000}] * 3
        + [{**SEGMENT, "minutes": 60, "settings": {"share_seconds": 1800, "slow_mode_seconds": 0}}]
    )  # fmt: skip
    assert ok["total_minutes"] == 600
    r = await organiser.patch(f"{base}/{ok['id']}", json={"segments": [{**SEGMENT, "minutes": 0}]})
    assert r.status_code == 400 and "segments[0].minutes" in r.json()["error"]["fields"]
    r = await organiser.patch(f"{base}/{ok['id']}", json={"template": "check-in"})
    assert r.status_code == 400 and "template" in r.json()["error"]["fields"]
    assert (await organiser.get(f"{base}/{ok['id']}")).json() == ok


async def test_a_closing_segment_may_invite_commitments(organiser: httpx.AsyncClient) -> None:
    """The invitation is the organiser's choice, off unless set; both templates close with it."""
    gid = await new_group(organiser)
    closing = {"title": "Closing", "kind": "closing", "minutes": 5}
    made = await new_format(
        organiser, gid, segments=[SEGMENT, closing, {**closing, "invite_commitment": True}]
    )
    assert [s["invite_commitment"] for s in made["segments"]] == [False, False, True]
    templates = (await organiser.get(f"/api/groups/{gid}/formats/templates")).json()
    for template in templates:
        invited = [s["kind"] for s in template["segments"] if s["invite_commitment"]]
        assert invited == ["closing"], template["key"]


async def test_a_group_holds_at_most_twenty_formats(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    for i in range(20):
        await new_format(organiser, gid, name=f"F{i}")
    r = await organiser.post(
        f"/api/groups/{gid}/formats", json={"name": "One more", "segments": [SEGMENT]}
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "limit_reached"
    assert len((await organiser.get(f"/api/groups/{gid}/formats")).json()) == 20


async def test_a_groups_default_and_a_meetings_pick(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    gid, other = await new_group(organiser), await new_group(organiser, "Other")
    default = await new_format(organiser, gid, name="Default")
    special = await new_format(organiser, gid, name="Special")
    foreign = await new_format(organiser, other, name="Foreign")
    assert (await organiser.get(f"/api/groups/{gid}")).json()["format_id"] is None
    for body in ({"format_id": foreign["id"]}, {"format_id": "nope"}, {"format_id": "x" * 40}):
        r = await organiser.patch(f"/api/groups/{gid}", json=body)
        assert r.status_code == 400 and "format_id" in r.json()["error"]["fields"], r.text
    r = await organiser.post("/api/groups", json={"name": "New", "format_id": default["id"]})
    assert r.status_code == 400 and "format_id" in r.json()["error"]["fields"]
    r = await organiser.patch(f"/api/groups/{gid}", json={"format_id": default["id"]})
    assert r.status_code == 200 and r.json()["format_id"] == default["id"]
    r = await organiser.patch(f"/api/groups/{gid}", json={"format_id": None})
    assert r.status_code == 200 and r.json()["format_id"] is None
    r = await organiser.patch(f"/api/groups/{gid}", json={"format_id": default["id"]})
    assert r.json()["format_id"] == default["id"]
    assert (await organiser.patch(f"/api/groups/{gid}", json={"capacity": 9})).json()[
        "format_id"
    ] == default["id"]  # left out: kept

    when = {"starts_at": "2030-01-01T10:00", "duration_minutes": 60}
    r = await organiser.post(
        f"/api/groups/{gid}/meetings", json={**when, "format_id": foreign["id"]}
    )
    assert r.status_code == 400 and "format_id" in r.json()["error"]["fields"]
    plain = (await organiser.post(f"/api/groups/{gid}/meetings", json=when)).json()[0]
    assert plain["format_id"] is None
    r = await organiser.post(
        f"/api/groups/{gid}/meetings",
        json={**when, "format_id": special["id"], "repeat": {"weekly": {"count": 2}}},
    )
    picked = r.json()
    assert [m["format_id"] for m in picked] == [special["id"]] * 2
    mid = picked[0]["id"]
    r = await organiser.patch(f"/api/meetings/{mid}", json={"format_id": foreign["id"]})
    assert r.status_code == 400 and "format_id" in r.json()["error"]["fields"]
    assert (await organiser.patch(f"/api/meetings/{mid}", json={"title": "T"})).json()[
        "format_id"
    ] == special["id"]  # left out: kept
    public = (await organiser.get(f"/api/meetings/{mid}/public")).json()
    assert "format_id" not in public

    async def followed(meeting_id: str) -> str | None:
        async with context.session() as session:
            meeting = await session.get(Meeting, meeting_id)
            assert meeting is not None
            found = await meeting_format(session, meeting)
            if found is not None:
                assert segments_of(found) == [
                    {**SEGMENT, "reading": None, "settings": {}, "invite_commitment": False}
                ]
            return None if found is None else found.id

    assert await followed(plain["id"]) == default["id"]
    assert await followed(mid) == special["id"]
    # Deleting the default clears it; the meeting's pick goes the same way.
    assert (await organiser.delete(f"/api/groups/{gid}/formats/{default['id']}")).status_code == 204
    assert (await organiser.get(f"/api/groups/{gid}")).json()["format_id"] is None
    assert await followed(plain["id"]) is None
    assert (await organiser.delete(f"/api/groups/{gid}/formats/{special['id']}")).status_code == 204
    assert (await organiser.get(f"/api/meetings/{mid}")).json()["format_id"] is None
    assert await followed(mid) is None
    r = await organiser.patch(f"/api/meetings/{mid}", json={"format_id": None})
    assert r.status_code == 200 and r.json()["format_id"] is None


async def test_deleting_a_group_takes_its_formats_even_its_default(
    organiser: httpx.AsyncClient,
) -> None:
    gid = await new_group(organiser)
    made = await new_format(organiser, gid)
    await organiser.patch(f"/api/groups/{gid}", json={"format_id": made["id"]})
    when = {"starts_at": "2030-01-01T10:00", "duration_minutes": 60, "format_id": made["id"]}
    assert (await organiser.post(f"/api/groups/{gid}/meetings", json=when)).status_code == 201
    assert (await organiser.delete(f"/api/groups/{gid}")).status_code == 204
    assert (await organiser.get(f"/api/groups/{gid}/formats")).status_code == 404
    again = await new_group(organiser)
    assert (await new_format(organiser, again))["name"] == "Evening"


def test_segment_settings_have_the_rooms_names_and_bounds() -> None:
    """A segment's settings are the room's own (rooms/protocol.py SettingsChange), same
    names and same bounds, and the room core reads the same names from a room's agenda
    (rooms/protocol.py SegmentSettings): a change to any side fails here."""

    def fields(kind: type) -> dict[str, object]:
        info = msgspec.inspect.type_info(kind)
        assert isinstance(info, msgspec.inspect.StructType)
        return {f.name: f.type for f in info.fields}

    room, segment = fields(SettingsChange), fields(SegmentSettings)
    assert set(segment) <= set(room)
    assert set(room) - set(segment) == {"locked", "lobby", "id"}  # the facilitator's alone
    assert set(fields(RoomSegmentSettings)) == set(segment)
    for name in set(segment) & set(room):
        assert segment[name] == room[name], name


async def test_formats_created_at_once_do_not_pass_the_limit(organiser: httpx.AsyncClient) -> None:
    """Six at once on a group with 17: three are made, three refused, none a 500."""
    gid = await new_group(organiser)
    for i in range(17):
        await new_format(organiser, gid, name=f"F{i}")
    answers = await asyncio.gather(
        *(
            organiser.post(
                f"/api/groups/{gid}/formats", json={"name": f"G{i}", "segments": [SEGMENT]}
            )
            for i in range(6)
        )
    )
    assert sorted(r.status_code for r in answers) == [201] * 3 + [409] * 3
    assert len((await organiser.get(f"/api/groups/{gid}/formats")).json()) == 20


async def test_the_same_new_name_at_once_is_made_once(organiser: httpx.AsyncClient) -> None:
    gid = await new_group(organiser)
    body = {"name": "Twin", "segments": [SEGMENT]}
    answers = await asyncio.gather(
        *(organiser.post(f"/api/groups/{gid}/formats", json=body) for _ in range(4))
    )
    assert sorted(r.status_code for r in answers) == [201] + [409] * 3
    assert all(r.json()["error"]["code"] == "name_taken" for r in answers if r.status_code == 409)


async def test_a_format_deleted_before_the_commit_is_a_400_not_a_500(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    """The window between checking format_id and committing: the foreign key refuses the
    row, and the answer is the same 400 as for a format that was never there."""
    gid = await new_group(organiser)
    async with context.session() as session:
        group = await session.get(Group, gid)
        assert group is not None
        group.format_id = "gone"
        with pytest.raises(ApiError) as refused:
            await commit_with_format(session, gid, "gone")
    assert refused.value.status == 400 and "format_id" in refused.value.fields
    assert (await organiser.get(f"/api/groups/{gid}")).json()["format_id"] is None


async def test_a_format_deleted_while_it_is_changed_is_a_404(
    organiser: httpx.AsyncClient, context: AppContext
) -> None:
    """A PATCH that read the format before a DELETE committed: 404, not a stale-row 500."""
    gid = await new_group(organiser)
    made = await new_format(organiser, gid)
    async with context.session() as session, context.session() as other:
        format = await session.get(Format, made["id"])
        assert format is not None
        await other.execute(delete(Format).where(Format.id == made["id"]))
        await other.commit()
        format.name = "Renamed"
        with pytest.raises(ApiError) as refused:
            await _commit(session, gid)
    assert refused.value.status == 404
