"""`hearth serve --demo`: a group with a meeting open now, to try Hearth by hand."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.api.formats import template_out
from server.config import Settings
from server.db.engine import create_engine, sessionmaker
from server.db.models import Format, Group, GroupFacilitator, Meeting, Resource, User, utcnow
from server.security import hash_password

DEMO_GROUP = "Demo circle"
DEMO_FORMAT = "check-in"
FACILITATOR = "demo-facilitator"
ORGANISER = "demo-organiser"


async def create_demo(settings: Settings, base_url: str) -> str:
    """Creates (or refreshes) the demo and returns what to print.

    Passwords are new on every run, so an old printout never signs anyone in.
    """
    engine = create_engine(settings)
    fac_password = secrets.token_urlsafe(9)
    org_password = secrets.token_urlsafe(9)
    try:
        async with sessionmaker(engine)() as session:
            users = {}
            for name, role, pw in (
                (ORGANISER, "organiser", org_password),
                (FACILITATOR, "facilitator", fac_password),
            ):
                user = await session.scalar(select(User).where(User.username == name))
                if user is None:
                    user = User(username=name, role=role, password_hash=hash_password(pw))
                    session.add(user)
                else:
                    user.password_hash = hash_password(pw)
                users[name] = user
            await session.flush()
            group = await session.scalar(select(Group).where(Group.name == DEMO_GROUP))
            if group is None:
                group = Group(
                    owner_id=users[ORGANISER].id,
                    name=DEMO_GROUP,
                    description="A practice room to try Hearth. Nothing said here is stored.",
                    guidelines="Speak from your own experience. Listen without fixing. "
                    "What is shared here stays here.",
                    topics=["demo", "peer support"],
                    language="en",
                    visibility="open",
                    listed=True,
                    timezone="UTC",
                    capacity=50,
                )
                session.add(group)
                await session.flush()
                session.add(GroupFacilitator(group_id=group.id, user_id=users[FACILITATOR].id))
                session.add_all(
                    [
                        Resource(
                            group_id=group.id,
                            title="Find a crisis line near you",
                            url="https://findahelpline.com/",
                            kind="crisis",
                        ),
                        Resource(
                            group_id=group.id,
                            title="How peer support groups work",
                            url="https://en.wikipedia.org/wiki/Support_group",
                            kind="article",
                        ),
                    ]
                )
            await _give_format(session, group)
            now = utcnow()
            meeting = await session.scalar(
                select(Meeting).where(
                    Meeting.group_id == group.id,
                    Meeting.starts_at <= now,
                    Meeting.ends_at > now + timedelta(minutes=30),
                    Meeting.cancelled.is_(False),
                    Meeting.ended_at.is_(None),
                )
            )
            if meeting is None:
                meeting = Meeting(
                    group_id=group.id,
                    title="Demo meeting",
                    starts_at=now.replace(microsecond=0) - timedelta(minutes=1),
                    ends_at=now.replace(microsecond=0) + timedelta(hours=2),
                    timezone="UTC",
                )
                session.add(meeting)
            await session.commit()
            login = f"{base_url}/login"
            return (
                "Hearth demo is ready.\n"
                f"  Attendee link:       {base_url}/m/{meeting.id}\n"
                f"  Facilitator sign-in: {login}  user {FACILITATOR}  password {fac_password}\n"
                f"  Organiser sign-in:   {login}  user {ORGANISER}  password {org_password}\n"
                f"  Meeting id:          {meeting.id}"
            )
    finally:
        await engine.dispose()


async def _give_format(session: AsyncSession, group: Group) -> None:
    """The demo runs through a shipped format, so that a newcomer sees the agenda and
    its Start and Next buttons without writing one; an older demo group gets it too."""
    if group.format_id is not None:
        return
    template = template_out(DEMO_FORMAT)
    format = Format(
        group_id=group.id,
        name=template["name"],
        name_key=template["name"].casefold(),
        segments=template["segments"],
    )
    session.add(format)
    await session.flush()
    group.format_id = format.id
