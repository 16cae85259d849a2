"""Groups themselves: create, list, read, change and delete.

Organisers manage every group; a facilitator reads the groups they run (see
access.py). What hangs off a group has its own module: facilitators.py,
invites.py, resources.py and meetings.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import delete_and_commit, group_access
from server.api.auth import signed_in
from server.api.errors import invalid, not_found
from server.api.formats import check_format_id, commit_with_format
from server.api.jsonio import decode_body, json_response
from server.api.languages import normalise
from server.api.live_rooms import end_rooms, open_meetings, reconfigure_rooms
from server.api.validation import check_zone, clean_text
from server.db.models import Group, GroupFacilitator

# A BCP 47 tag, checked and put in canonical case by _normalise (languages.py).
Language = Annotated[str, msgspec.Meta(min_length=2, max_length=35)]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Capacity = Annotated[int, msgspec.Meta(ge=2, le=500)]
ShareSeconds = Annotated[int, msgspec.Meta(ge=30, le=1800)]
KeepOutDays = Annotated[int, msgspec.Meta(ge=0, le=90)]  # 0: a removal keeps nobody out
LobbyMinutes = Annotated[int, msgspec.Meta(ge=0, le=1440)]  # 0: no lobby after a removal
Visibility = Literal["open", "closed"]
FormatId = Annotated[str, msgspec.Meta(max_length=32)]

_GROUP_FIELDS = (
    "name", "description", "guidelines", "topics", "language", "visibility", "listed",
    "timezone", "capacity", "lobby", "late_joiners_see_history", "share_seconds", "crosstalk",
    "keep_out_days", "lobby_after_removal_minutes", "lobby_when_unattended",
    "links_from_facilitators_only", "masked_words", "format_id",
)  # fmt: skip
MASKED_WORDS = 200  # entries, each of 1-40 characters (rooms/messages.py masks them)
MaskedWords = Annotated[list[str], msgspec.Meta(max_length=MASKED_WORDS)]


# Text lengths are checked after trimming, in _normalise.
class GroupIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    description: str = ""
    guidelines: str = ""
    topics: Annotated[list[str], msgspec.Meta(max_length=10)] = []
    language: Language = "en"
    visibility: Visibility = "open"
    listed: bool = True
    timezone: TimeZone = "UTC"
    capacity: Capacity = 30
    lobby: bool = False
    late_joiners_see_history: bool = False
    share_seconds: ShareSeconds = 180
    crosstalk: bool = False
    keep_out_days: KeepOutDays = 7
    lobby_after_removal_minutes: LobbyMinutes = 0
    lobby_when_unattended: bool = False
    links_from_facilitators_only: bool = False
    masked_words: MaskedWords = []
    format_id: FormatId | None = None  # a new group has no formats: null is all it can be


class GroupPatch(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    name: str | msgspec.UnsetType = msgspec.UNSET
    description: str | msgspec.UnsetType = msgspec.UNSET
    guidelines: str | msgspec.UnsetType = msgspec.UNSET
    topics: Annotated[list[str], msgspec.Meta(max_length=10)] | msgspec.UnsetType = msgspec.UNSET
    language: Language | msgspec.UnsetType = msgspec.UNSET
    visibility: Visibility | msgspec.UnsetType = msgspec.UNSET
    listed: bool | msgspec.UnsetType = msgspec.UNSET
    timezone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    capacity: Capacity | msgspec.UnsetType = msgspec.UNSET
    lobby: bool | msgspec.UnsetType = msgspec.UNSET
    late_joiners_see_history: bool | msgspec.UnsetType = msgspec.UNSET
    share_seconds: ShareSeconds | msgspec.UnsetType = msgspec.UNSET
    crosstalk: bool | msgspec.UnsetType = msgspec.UNSET
    keep_out_days: KeepOutDays | msgspec.UnsetType = msgspec.UNSET
    lobby_after_removal_minutes: LobbyMinutes | msgspec.UnsetType = msgspec.UNSET
    lobby_when_unattended: bool | msgspec.UnsetType = msgspec.UNSET
    links_from_facilitators_only: bool | msgspec.UnsetType = msgspec.UNSET
    masked_words: MaskedWords | msgspec.UnsetType = msgspec.UNSET
    format_id: FormatId | msgspec.UnsetType | None = msgspec.UNSET


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = clean_text(out["name"], "name", min_len=1, max_len=120)
    for field in ("description", "guidelines"):
        if field in out:
            out[field] = clean_text(out[field], field, max_len=4000, multiline=True)
    if "topics" in out:
        topics: list[str] = []
        for i, t in enumerate(out["topics"]):
            topic = " ".join(clean_text(t, f"topics[{i}]", min_len=1, max_len=40).lower().split())
            if topic not in topics:
                topics.append(topic)
        out["topics"] = topics
    if "masked_words" in out:
        out["masked_words"] = _masked_words(out["masked_words"])
    if "timezone" in out:
        check_zone(out["timezone"])
    if "language" in out:
        language = normalise(out["language"])
        if language is None:
            raise invalid({"language": "A language tag such as en, ar or pt-BR."})
        out["language"] = language
    return out


def _masked_words(entries: list[str]) -> list[str]:
    """Trimmed, spaces folded, without duplicates (ignoring case); each needs a letter
    or digit, or it could never match a word."""
    words: list[str] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        word = " ".join(clean_text(entry, f"masked_words[{i}]", min_len=1, max_len=40).split())
        if not any(ch.isalnum() for ch in word):
            raise invalid({f"masked_words[{i}]": "A masked word needs a letter or digit."})
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return words


def group_out(group: Group) -> dict[str, Any]:
    out: dict[str, Any] = {"id": group.id}
    out.update({f: getattr(group, f) for f in _GROUP_FIELDS})
    out["created_at"] = group.created_at
    return out


async def create_group(request: Request) -> Response:
    async with signed_in(request, "organiser") as (_, session, user):
        body = await decode_body(request, GroupIn)
        values = _normalise(msgspec.structs.asdict(body))
        if values.pop("format_id") is not None:
            raise invalid({"format_id": "Not a format of this group."})
        group = Group(owner_id=user.id, **values)
        session.add(group)
        await session.commit()
        return json_response(group_out(group), status=201)


async def list_groups(request: Request) -> Response:
    async with signed_in(request) as (_, session, user):
        query = select(Group).order_by(Group.name, Group.id)
        if user.role != "organiser":
            query = query.join(GroupFacilitator, GroupFacilitator.group_id == Group.id).where(
                GroupFacilitator.user_id == user.id
            )
        groups = (await session.scalars(query)).all()
        return json_response([group_out(g) for g in groups])


async def get_group(request: Request) -> Response:
    async with group_access(request, write=False) as (_, _, _, group):
        return json_response(group_out(group))


async def patch_group(request: Request) -> Response:
    async with group_access(request, write=True) as (app, session, _, group):
        body = await decode_body(request, GroupPatch)
        values = _normalise(
            {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        )
        if "format_id" in values:
            await check_format_id(session, group.id, values["format_id"])
        for key, value in values.items():
            setattr(group, key, value)
        try:
            await commit_with_format(session, group.id, values.get("format_id"))
        except StaleDataError:  # deleted meanwhile
            raise not_found("group") from None
        await reconfigure_rooms(app, session, await open_meetings(app, session, group.id))
        return json_response(group_out(group))


async def delete_group(request: Request) -> Response:
    async with group_access(request, write=True) as (app, session, _, group):
        live = [m.id for m in await open_meetings(app, session, group.id)]
        # A statement, not session.delete: a concurrent delete then finds no row
        # instead of tripping the ORM. The database cascades to meetings (and
        # their audit), facilitators, invites and resources.
        if await delete_and_commit(session, delete(Group).where(Group.id == group.id)) == 0:
            raise not_found("group")
        await end_rooms(app, live)
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups", create_group, methods=["POST"]),
    Route("/api/groups", list_groups, methods=["GET"]),
    Route("/api/groups/{id}", get_group, methods=["GET"]),
    Route("/api/groups/{id}", patch_group, methods=["PATCH"]),
    Route("/api/groups/{id}", delete_group, methods=["DELETE"]),
]
