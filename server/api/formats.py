"""A group's formats: the plans its meetings follow, segment by segment.

Organisers write them; the group's facilitators may read them (they run the
meetings). Two templates ship with Hearth (server/db/format_templates.py); POST with
`{"template": key}` stores an editable copy. The shape of a segment is defined once,
in server/db/formats.py; this module adds what the API checks on the way in: text is
trimmed and cleaned, names are unique per group whatever their case, and the limits.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import delete_and_commit, group_access
from server.api.errors import ApiError, invalid, not_found
from server.api.jsonio import decode_body, json_response
from server.api.live_rooms import open_meetings, reconfigure_rooms
from server.api.validation import clean_text
from server.db.format_templates import TEMPLATES
from server.db.formats import (
    MAX_FORMATS,
    MAX_TOTAL_MINUTES,
    NAME_MAX,
    READING_MAX,
    TITLE_MAX,
    Segment,
    Segments,
    format_of_group,
    group_formats,
    segment_dict,
    segments_of,
    total_minutes,
)
from server.db.models import Format, Group

TemplateKey = Annotated[str, msgspec.Meta(max_length=40)]


class FormatIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    segments: Segments | None = None
    template: TemplateKey | None = None


class FormatPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    segments: Segments | None = None


def _name(value: str) -> str:
    return clean_text(value, "name", min_len=1, max_len=NAME_MAX)


def _segments(segments: list[Segment]) -> list[dict[str, Any]]:
    out = []
    for i, segment in enumerate(segments):
        segment.title = clean_text(
            segment.title, f"segments[{i}].title", min_len=1, max_len=TITLE_MAX
        )
        if segment.reading is not None:
            segment.reading = clean_text(
                segment.reading, f"segments[{i}].reading", max_len=READING_MAX, multiline=True
            )
        if segment.invite_commitment and segment.kind != "closing":
            field = f"segments[{i}].invite_commitment"
            raise invalid({field: "Only a closing segment may invite commitments."})
        out.append(segment_dict(segment))
    if total_minutes(out) > MAX_TOTAL_MINUTES:
        raise invalid({"segments": f"At most {MAX_TOTAL_MINUTES} minutes in all."})
    return out


def format_out(format: Format) -> dict[str, Any]:
    segments = segments_of(format)
    return {
        "id": format.id,
        "group_id": format.group_id,
        "name": format.name,
        "segments": segments,
        "total_minutes": total_minutes(segments),
        "created_at": format.created_at,
        "updated_at": format.updated_at,
    }


def template_out(key: str) -> dict[str, Any]:
    template = TEMPLATES[key]
    segments = [segment_dict(s) for s in msgspec.convert(template["segments"], list[Segment])]
    return {
        "key": key,
        "name": template["name"],
        "segments": segments,
        "total_minutes": total_minutes(segments),
    }


def _name_taken() -> ApiError:
    message = "This group already has a format of that name."
    return ApiError(409, "name_taken", message, {"name": "taken"})


async def _name_free(session: AsyncSession, group_id: str, key: str, own_id: str = "") -> None:
    clash = await session.scalar(
        select(Format.id).where(
            Format.group_id == group_id, Format.name_key == key, Format.id != own_id
        )
    )
    if clash is not None:
        raise _name_taken()


async def _refused(session: AsyncSession, group_id: str) -> ApiError:
    """After an IntegrityError: the group deleted meanwhile (404), else a concurrent
    twin of the name (409); the session is rolled back."""
    await session.rollback()
    if await session.scalar(select(Group.id).where(Group.id == group_id)) is None:
        return not_found("group")
    return _name_taken()


async def _commit(session: AsyncSession, group_id: str) -> None:
    try:
        await session.commit()
    except IntegrityError:
        raise await _refused(session, group_id) from None
    except StaleDataError:  # the format was deleted meanwhile
        await session.rollback()
        raise not_found("format") from None


async def check_format_id(session: AsyncSession, group_id: str, format_id: str | None) -> None:
    """For `format_id` on a group or a meeting: null, or one of that group's formats."""
    if format_id is not None and await format_of_group(session, group_id, format_id) is None:
        raise invalid({"format_id": "Not a format of this group."})


async def commit_with_format(session: AsyncSession, group_id: str, format_id: str | None) -> None:
    """Commits a group or meetings naming `format_id`; the format (or the group) deleted
    since it was checked is the same 400 (or 404) as before, not a foreign-key 500."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if await session.scalar(select(Group.id).where(Group.id == group_id)) is None:
            raise not_found("group") from None
        await check_format_id(session, group_id, format_id)
        raise


async def list_formats(request: Request) -> Response:
    async with group_access(request, write=False) as (_, session, _, group):
        return json_response([format_out(f) for f in await group_formats(session, group.id)])


async def list_templates(request: Request) -> Response:
    async with group_access(request, write=False):
        return json_response([template_out(key) for key in TEMPLATES])


async def create_format(request: Request) -> Response:
    """A new format from `{name, segments}`, or a copy of a template (`{template, name?}`).

    The group's row is locked first (FOR UPDATE on PostgreSQL; SQLite has one writer),
    and the count taken after the insert, so two at once cannot pass the limit.
    """
    async with group_access(request, write=True) as (_, session, _, group):
        body = await decode_body(request, FormatIn)
        if body.template is not None:
            if body.segments is not None:
                raise invalid({"segments": "Give either template or segments, not both."})
            if body.template not in TEMPLATES:
                known = ", ".join(TEMPLATES)
                raise invalid({"template": f"Not a template; use one of {known}."})
            copy = template_out(body.template)
            name, segments = body.name or copy["name"], copy["segments"]
        else:
            if body.name is None:
                raise invalid({"name": "This field is required."})
            if body.segments is None:
                raise invalid({"segments": "This field is required."})
            name, segments = body.name, _segments(body.segments)
        name = _name(name)
        await _name_free(session, group.id, name.casefold())
        await session.scalar(select(Group.id).where(Group.id == group.id).with_for_update())
        format = Format(group_id=group.id, name=name, name_key=name.casefold(), segments=segments)
        session.add(format)
        gid = group.id  # a failed flush expires `group`: its id must not be loaded again
        try:
            await session.flush()
        except IntegrityError:
            raise await _refused(session, gid) from None
        count = await session.scalar(
            select(func.count()).select_from(Format).where(Format.group_id == group.id)
        )
        if (count or 0) > MAX_FORMATS:
            await session.rollback()
            message = f"A group has at most {MAX_FORMATS} formats; delete one first."
            raise ApiError(409, "limit_reached", message)
        await _commit(session, group.id)
        return json_response(format_out(format), status=201)


async def _the_format(session: AsyncSession, group_id: str, format_id: str) -> Format:
    format = await format_of_group(session, group_id, format_id)
    if format is None:
        raise not_found("format")
    return format


async def get_format(request: Request) -> Response:
    async with group_access(request, write=False) as (_, session, _, group):
        return json_response(
            format_out(await _the_format(session, group.id, request.path_params["fid"]))
        )


async def patch_format(request: Request) -> Response:
    """Renames a format, or replaces its segments (the whole list: they are one plan)."""
    async with group_access(request, write=True) as (app, session, _, group):
        format = await _the_format(session, group.id, request.path_params["fid"])
        body = await decode_body(request, FormatPatch)
        if body.name is not None:
            name = _name(body.name)
            await _name_free(session, group.id, name.casefold(), format.id)
            format.name, format.name_key = name, name.casefold()
        if body.segments is not None:
            format.segments = _segments(body.segments)
        await _commit(session, group.id)
        await reconfigure_rooms(app, session, await open_meetings(app, session, group.id))
        return json_response(format_out(format))


async def delete_format(request: Request) -> Response:
    """The database sets format_id to null wherever it was the default or a meeting's pick."""
    async with group_access(request, write=True) as (app, session, _, group):
        statement = delete(Format).where(
            Format.id == request.path_params["fid"], Format.group_id == group.id
        )
        if await delete_and_commit(session, statement) == 0:
            raise not_found("format")
        await reconfigure_rooms(app, session, await open_meetings(app, session, group.id))
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups/{id}/formats", list_formats, methods=["GET"]),
    Route("/api/groups/{id}/formats", create_format, methods=["POST"]),
    Route("/api/groups/{id}/formats/templates", list_templates, methods=["GET"]),
    Route("/api/groups/{id}/formats/{fid}", get_format, methods=["GET"]),
    Route("/api/groups/{id}/formats/{fid}", patch_format, methods=["PATCH"]),
    Route("/api/groups/{id}/formats/{fid}", delete_format, methods=["DELETE"]),
]
