"""SQLAlchemy models: only what organisers create, never what attendees say.

Message text has no column anywhere here, by design: the moderation audit records
what was done by which role to which role (and their order of joining), never the
words, nor a pseudonym.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from server.clock import utc_now

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """Short unguessable ids: they appear in public URLs."""
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


def utcnow() -> datetime:
    return utc_now()


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Carried in the signed session cookie; signing out adds one, ending every session.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    guidelines: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(16), default="en")
    visibility: Mapped[str] = mapped_column(String(16), default="open")
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    capacity: Mapped[int] = mapped_column(Integer, default=30)
    lobby: Mapped[bool] = mapped_column(Boolean, default=False)
    late_joiners_see_history: Mapped[bool] = mapped_column(Boolean, default=False)
    share_seconds: Mapped[int] = mapped_column(Integer, default=180)
    crosstalk: Mapped[bool] = mapped_column(Boolean, default=False)
    # How long a removal keeps the removed browser out of the group's meetings; 0: never.
    keep_out_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    # After a removal, every newcomer to the group's meetings waits in the lobby for
    # this long (0: off), until `lobby_until`.
    lobby_after_removal_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lobby_until: Mapped[datetime | None] = mapped_column(default=None)
    # Newcomers wait in the lobby while no facilitator is in the room (rooms/chair.py).
    lobby_when_unattended: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The message guard (rooms/messages.py): the organiser's settings, not what anyone said.
    links_from_facilitators_only: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="0"
    )
    masked_words: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # The default format of the group's meetings; use_alter: formats refer back to groups.
    format_id: Mapped[str | None] = mapped_column(
        ForeignKey("formats.id", ondelete="SET NULL", use_alter=True), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class GroupFacilitator(Base):
    __tablename__ = "group_facilitators"
    group_id: Mapped[str] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_group_starts", "group_id", "starts_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    series_id: Mapped[str | None] = mapped_column(String(32), index=True, default=None)
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    timezone: Mapped[str] = mapped_column(String(64))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    # This meeting's pick of its group's formats; NULL: the group's default.
    format_id: Mapped[str | None] = mapped_column(
        ForeignKey("formats.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Any change people's calendars and meeting finders must pick up (time, length,
    # title, cancellation): feeds and .ics files date their entries by it.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # RFC 5545 SEQUENCE: raised whenever the time, the length or the cancellation
    # changes, since a calendar keeps its copy unless the new one has a higher number.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Series(Base):
    """A repeating schedule: the rule its meetings were made by, in its zone.

    The meetings themselves are rows of their own (one per occurrence, sharing
    `series_id`), so one can be moved or cancelled alone; the rule is what a feed or a
    calendar says of the series as a whole. `rule` is the `repeat` object it was made
    from, such as {"weekly": {"interval": 1, "count": 10}}.
    """

    __tablename__ = "series"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Format(Base):
    """A meeting plan an organiser wrote: an ordered list of timed segments.

    `segments` is a JSON list in the shape server/db/formats.py validates; reading text
    is the organiser's own, which may be stored, unlike anything said in a meeting.
    `name_key` is the case-folded name, so two formats of a group cannot differ by case.
    """

    __tablename__ = "formats"
    __table_args__ = (UniqueConstraint("group_id", "name_key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    name_key: Mapped[str] = mapped_column(String(255))
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Invite(Base):
    __tablename__ = "invites"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(8))
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    max_uses: Mapped[int | None] = mapped_column(Integer, default=None)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Resource(Base):
    __tablename__ = "resources"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """A moderation action: what was done, by which role to which role, and when.

    People are named by role and ordinal in the meeting (the order they joined in, so
    "attendee #3"), never by pseudonym: a pseudonym lives only as long as its meeting's
    room, and this row as long as the meeting. Never message text either. Rows from
    before revision 0002 have no roles or ordinals (NULL).
    """

    __tablename__ = "moderation_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    actor_role: Mapped[str | None] = mapped_column(String(16), default=None)
    actor_ordinal: Mapped[int | None] = mapped_column(Integer, default=None)
    target_role: Mapped[str | None] = mapped_column(String(16), default=None)
    target_ordinal: Mapped[int | None] = mapped_column(Integer, default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """Failed sign-ins in the current window, so throttling holds across workers.

    One row per counter: `u:<username>` (every address together, a high limit) and
    `p:<keyed hash of username and address>` (one client, the low limit). No address is
    stored; rows are deleted once their window has passed.
    """

    __tablename__ = "login_failures"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class KeepOut(Base):
    """A removed browser kept out of one group's meetings until `expires_at`.

    `device_hash` is a keyed hash (HMAC-SHA-256 with a key derived from the server's
    secret key and the group id) of the value the browser sends in hello, itself
    derived from a browser secret and the group: never the value, and never the same
    hash for one browser in two groups. Nothing else about the person is kept; expired
    rows are deleted (server/keep_outs.py).
    """

    __tablename__ = "keep_outs"
    __table_args__ = (Index("ix_keep_outs_group_device", "group_id", "device_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    device_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class MeetingStats(Base):
    """What a meeting leaves for its organisers (rooms/tally.py): counts and minutes.

    No pseudonym, participant id, token, word or vote: who was there and what they said
    or chose stays in the room, and goes with it. `segments` is the format's parts as
    they ran, `[{"title": ..., "minutes": ...}]`, in order; titles are the organiser's.
    One row per meeting: written when its room ends, by whichever worker is first, and
    before that when the last person leaves a worker's room (`final` false), which a
    later tally of the same room (a higher `seq`, or the end) replaces.
    """

    __tablename__ = "meeting_stats"
    __table_args__ = (Index("ix_meeting_stats_group_starts", "group_id", "starts_at"),)
    meeting_id: Mapped[str] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()
    peak_present: Mapped[int] = mapped_column(Integer)
    attended: Mapped[int] = mapped_column(Integer)
    let_in: Mapped[int] = mapped_column(Integer)
    shares: Mapped[int] = mapped_column(Integer)
    polls: Mapped[int] = mapped_column(Integer)
    format_name: Mapped[str | None] = mapped_column(String(80), default=None)
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    final: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
