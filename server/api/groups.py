"""Groups and what hangs off them: facilitators, invites, resources.

Organisers manage every group; a facilitator reads the groups they run (see
access.py). Invites may be created, listed and revoked by organisers and by the
group's own facilitators, who are the ones who meet newcomers; everything else
(the group itself, its facilitators, its resources) only organisers change.

Text fields are trimmed before their lengths are checked, and refuse control
characters (single-line fields any, multi-line ones all but newline and tab).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast
from urllib.parse import urlsplit

import msgspec
from sqlalchemy import CursorResult, Result, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from server.api.access import group_for, is_facilitator
from server.api.auth import require_user, user_out
from server.api.errors import invalid, not_found
from server.api.jsonio import decode_body, json_response
from server.api.live_rooms import end_rooms, open_meetings, pin_resources
from server.context import AppContext, ctx
from server.db.invites import plausible_code
from server.db.models import Group, GroupFacilitator, Invite, Resource, User, utcnow
from server.db.resources import group_resources
from server.schedule import known_zone
from server.security import hash_secret, new_code

Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Capacity = Annotated[int, msgspec.Meta(ge=2, le=500)]
ShareSeconds = Annotated[int, msgspec.Meta(ge=30, le=1800)]
Visibility = Literal["open", "closed"]
Kind = Literal["crisis", "article", "video", "link"]

_GROUP_FIELDS = (
    "name", "description", "guidelines", "topics", "language", "visibility", "listed",
    "timezone", "capacity", "lobby", "late_joiners_see_history", "share_seconds", "crosstalk",
)  # fmt: skip


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


class InviteIn(msgspec.Struct, forbid_unknown_fields=True):
    expires_at: datetime | None = None
    max_uses: Annotated[int, msgspec.Meta(ge=1, le=10000)] | None = None


class ResourceIn(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    url: str
    kind: Kind = "link"


def valid_timezone(name: str) -> bool:
    return known_zone(name) is not None


def _text(
    value: str, field: str, *, min_len: int = 0, max_len: int, multiline: bool = False
) -> str:
    """Trimmed text of min_len..max_len characters, without control characters.

    PostgreSQL refuses NUL outright; a newline in a one-line field breaks layouts.
    Multi-line text keeps newlines and tabs, with Windows line ends made plain.
    """
    text = value.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    allowed = "\n\t" if multiline else ""
    if any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in text):
        raise invalid({field: "Must not contain control characters."})
    if len(text) < min_len:
        raise invalid({field: "This field is required." if not text else "Too short."})
    if len(text) > max_len:
        raise invalid({field: f"At most {max_len} characters."})
    return text


def _normalise(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name"] = _text(out["name"], "name", min_len=1, max_len=120)
    for field in ("description", "guidelines"):
        if field in out:
            out[field] = _text(out[field], field, max_len=4000, multiline=True)
    if "topics" in out:
        topics: list[str] = []
        for i, t in enumerate(out["topics"]):
            topic = " ".join(_text(t, f"topics[{i}]", min_len=1, max_len=40).lower().split())
            if topic not in topics:
                topics.append(topic)
        out["topics"] = topics
    if "timezone" in out and not valid_timezone(out["timezone"]):
        raise invalid({"timezone": "Not a known IANA time zone, e.g. Europe/London."})
    return out


def _rowcount(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


async def _commit(session: AsyncSession, group_id: str, *, duplicate_ok: bool = False) -> None:
    """Commits; a group deleted since it was read is a 404, not a foreign-key 500."""
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if await session.scalar(select(Group.id).where(Group.id == group_id)) is None:
            raise not_found("group") from None
        if not duplicate_ok:
            raise


def group_out(group: Group) -> dict[str, Any]:
    out: dict[str, Any] = {"id": group.id}
    out.update({f: getattr(group, f) for f in _GROUP_FIELDS})
    out["created_at"] = group.created_at
    return out


async def create_group(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session, "organiser")
        body = await decode_body(request, GroupIn)
        values = _normalise(msgspec.structs.asdict(body))
        group = Group(owner_id=user.id, **values)
        session.add(group)
        await session.commit()
        return json_response(group_out(group), status=201)


async def list_groups(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        query = select(Group).order_by(Group.name, Group.id)
        if user.role != "organiser":
            query = query.join(GroupFacilitator, GroupFacilitator.group_id == Group.id).where(
                GroupFacilitator.user_id == user.id
            )
        groups = (await session.scalars(query)).all()
        return json_response([group_out(g) for g in groups])


async def get_group(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=False)
        return json_response(group_out(group))


async def patch_group(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=True)
        body = await decode_body(request, GroupPatch)
        values = _normalise(
            {k: v for k, v in msgspec.structs.asdict(body).items() if v is not msgspec.UNSET}
        )
        for key, value in values.items():
            setattr(group, key, value)
        try:
            await session.commit()
        except StaleDataError:  # deleted meanwhile
            raise not_found("group") from None
        return json_response(group_out(group))


async def delete_group(request: Request) -> Response:
    app = ctx(request)
    async with app.session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=True)
        live = [m.id for m in await open_meetings(app, session, group.id)]
        # A statement, not session.delete: a concurrent delete then finds no row
        # instead of tripping the ORM. The database cascades to meetings (and
        # their audit), facilitators, invites and resources.
        result = await session.execute(delete(Group).where(Group.id == group.id))
        await session.commit()
        if _rowcount(result) == 0:
            raise not_found("group")
        await end_rooms(app, live)
        return Response(status_code=204)


# Facilitators ---------------------------------------------------------------


async def _facilitators(session: AsyncSession, group_id: str) -> list[dict[str, Any]]:
    users = await session.scalars(
        select(User)
        .join(GroupFacilitator, GroupFacilitator.user_id == User.id)
        .where(GroupFacilitator.group_id == group_id)
        .order_by(User.username)
    )
    return [user_out(u) for u in users]


async def list_facilitators(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=False)
        return json_response(await _facilitators(session, group.id))


async def put_facilitator(request: Request) -> Response:
    """Idempotent; any existing account may be made a facilitator of the group."""
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=True)
        gid = group.id  # a rollback below expires the ORM objects
        name = request.path_params["username"].strip().lower()
        target = await session.scalar(select(User).where(User.username == name))
        if target is None:
            raise not_found("user")
        if not await is_facilitator(session, target.id, gid):
            session.add(GroupFacilitator(group_id=gid, user_id=target.id))
            await _commit(session, gid, duplicate_ok=True)  # a concurrent PUT won
        return json_response(await _facilitators(session, gid))


async def delete_facilitator(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=True)
        name = request.path_params["username"].strip().lower()
        target = await session.scalar(select(User).where(User.username == name))
        if target is None or not await is_facilitator(session, target.id, group.id):
            raise not_found("facilitator")
        await session.execute(
            delete(GroupFacilitator).where(
                GroupFacilitator.group_id == group.id, GroupFacilitator.user_id == target.id
            )
        )
        await session.commit()
        return Response(status_code=204)


# Invites --------------------------------------------------------------------


def invite_status(invite: Invite) -> str:
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and invite.expires_at <= utcnow():
        return "expired"
    if invite.max_uses is not None and invite.use_count >= invite.max_uses:
        return "used_up"
    return "active"


def invite_out(invite: Invite) -> dict[str, Any]:
    return {
        "id": invite.id,
        "hint": invite.hint,
        "expires_at": invite.expires_at,
        "max_uses": invite.max_uses,
        "use_count": invite.use_count,
        "revoked": invite.revoked_at is not None,
        "status": invite_status(invite),
        "created_at": invite.created_at,
    }


async def _invite_group(request: Request, session: AsyncSession) -> tuple[User, Group]:
    user = await require_user(request, session)
    group = await group_for(session, user, request.path_params["id"], write=False)
    return user, group


async def create_invite(request: Request) -> Response:
    """Organisers, and facilitators of this group (they welcome newcomers), may invite.

    The code is in this answer only: the database keeps its hash and a 4-character
    hint. The url carries it in the fragment, which never reaches a server log.
    """
    async with ctx(request).session() as session:
        user, group = await _invite_group(request, session)
        body = await decode_body(request, InviteIn)
        expires_at = body.expires_at
        if expires_at is not None:
            try:
                expires_at = expires_at.replace(tzinfo=expires_at.tzinfo or UTC).astimezone(UTC)
            except OverflowError:  # 9999-12-31T23:59-05:00 is past year 9999 in UTC
                raise invalid({"expires_at": "Too far in the future."}) from None
            if expires_at <= utcnow():
                raise invalid({"expires_at": "Must be in the future."})
        code = new_code()
        invite = Invite(
            group_id=group.id,
            code_hash=hash_secret(code),
            hint=code[:4],
            expires_at=expires_at,
            max_uses=body.max_uses,
            created_by=user.id,
        )
        session.add(invite)
        await _commit(session, group.id)
        out = invite_out(invite)
        out["code"] = code
        out["url"] = f"{request.url.scheme}://{request.url.netloc}/g/{group.id}#invite={code}"
        return json_response(out, status=201)


async def list_invites(request: Request) -> Response:
    async with ctx(request).session() as session:
        _, group = await _invite_group(request, session)
        invites = await session.scalars(
            select(Invite).where(Invite.group_id == group.id).order_by(Invite.created_at)
        )
        return json_response([invite_out(i) for i in invites])


async def revoke_invite(request: Request) -> Response:
    """Takes the code itself, or the invite's id (the code is shown only once)."""
    async with ctx(request).session() as session:
        _, group = await _invite_group(request, session)
        key = request.path_params["code"]
        invite = None
        if plausible_code(key):
            invite = await session.scalar(
                select(Invite).where(
                    Invite.group_id == group.id,
                    or_(Invite.id == key, Invite.code_hash == hash_secret(key)),
                )
            )
        if invite is None:
            raise not_found("invite")
        await session.execute(
            update(Invite)
            .where(Invite.id == invite.id, Invite.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        await session.commit()
        return Response(status_code=204)


# Resources ------------------------------------------------------------------


def resource_out(resource: Resource) -> dict[str, Any]:
    return {"id": resource.id, "title": resource.title, "url": resource.url, "kind": resource.kind}


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, at most 2048 characters, or a 400 on `url`.

    Refuses user:password@ too: "https://samaritans.org@example.com" goes to
    example.com, and these links are shown to people in distress.
    """
    url = url.strip()
    if not url:
        raise invalid({"url": "This field is required."})
    if len(url) > 2048:
        raise invalid({"url": "At most 2048 characters."})
    if any(ord(c) <= 32 or 127 <= ord(c) <= 159 for c in url):
        raise invalid({"url": "A URL must not contain spaces or control characters."})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise invalid({"url": "Not a valid URL."}) from None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise invalid({"url": "Only http:// and https:// links with a host are allowed."})
    if "@" in parts.netloc:
        raise invalid({"url": "A link must not contain a user name or password."})
    return url


async def _pin_in_open_rooms(app: AppContext, session: AsyncSession, group_id: str) -> None:
    meetings = await open_meetings(app, session, group_id)
    if meetings:
        await pin_resources(app, meetings, await group_resources(session, group_id))


async def create_resource(request: Request) -> Response:
    app = ctx(request)
    async with app.session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=True)
        body = await decode_body(request, ResourceIn)
        resource = Resource(
            group_id=group.id,
            title=_text(body.title, "title", min_len=1, max_len=200),
            url=check_url(body.url),
            kind=body.kind,
        )
        session.add(resource)
        await _commit(session, group.id)
        out = resource_out(resource)
        await _pin_in_open_rooms(app, session, group.id)
        return json_response(out, status=201)


async def list_resources(request: Request) -> Response:
    async with ctx(request).session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=False)
        return json_response([resource_out(r) for r in await group_resources(session, group.id)])


async def delete_resource(request: Request) -> Response:
    app = ctx(request)
    async with app.session() as session:
        user = await require_user(request, session)
        group = await group_for(session, user, request.path_params["id"], write=True)
        result = await session.execute(
            delete(Resource).where(
                Resource.id == request.path_params["rid"], Resource.group_id == group.id
            )
        )
        await session.commit()
        if _rowcount(result) == 0:
            raise not_found("resource")
        await _pin_in_open_rooms(app, session, group.id)
        return Response(status_code=204)


routes: list[BaseRoute] = [
    Route("/api/groups", create_group, methods=["POST"]),
    Route("/api/groups", list_groups, methods=["GET"]),
    Route("/api/groups/{id}", get_group, methods=["GET"]),
    Route("/api/groups/{id}", patch_group, methods=["PATCH"]),
    Route("/api/groups/{id}", delete_group, methods=["DELETE"]),
    Route("/api/groups/{id}/facilitators", list_facilitators, methods=["GET"]),
    Route("/api/groups/{id}/facilitators/{username}", put_facilitator, methods=["PUT"]),
    Route("/api/groups/{id}/facilitators/{username}", delete_facilitator, methods=["DELETE"]),
    Route("/api/groups/{id}/invites", create_invite, methods=["POST"]),
    Route("/api/groups/{id}/invites", list_invites, methods=["GET"]),
    Route("/api/groups/{id}/invites/{code}", revoke_invite, methods=["DELETE"]),
    Route("/api/groups/{id}/resources", create_resource, methods=["POST"]),
    Route("/api/groups/{id}/resources", list_resources, methods=["GET"]),
    Route("/api/groups/{id}/resources/{rid}", delete_resource, methods=["DELETE"]),
]
