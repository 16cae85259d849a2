"""What one connection was admitted on: a hello retried on the same connection after
`pseudonym_taken` reuses it (one invite use each), and an invite use not taken up is
given back when the connection ends."""

from __future__ import annotations

import logging

from rooms import protocol
from server.admission import Admission, admit, read_facts
from server.admission_cache import Basis
from server.context import AppContext
from server.db.availability import UNAVAILABLE_TYPES, database_unavailable
from server.db.invites import refund_invite
from server.hub import Hub

log = logging.getLogger("hearth.ws")


class Entry:
    __slots__ = ("admission", "admitted_for", "app", "basis", "hub", "meeting_id")

    def __init__(self, app: AppContext, hub: Hub, meeting_id: str) -> None:
        self.app = app
        self.hub = hub
        self.meeting_id = meeting_id
        self.admission: Admission | None = None
        self.admitted_for: tuple[str | None, str | None, bool] | None = None
        self.basis: Basis | None = None  # what the admission was decided on

    async def admit(self, hello: protocol.Hello, fresh: bool = False) -> Admission:
        credentials = (hello.invite, hello.facilitator_token, hello.resume is None)
        if self.admission is not None and self.admitted_for == credentials and not fresh:
            return self.admission
        await self.give_back_invite()
        try:
            admission = await self._admit_now(hello, fresh)
        except UNAVAILABLE_TYPES as exc:
            if not database_unavailable(exc):
                raise
            log.warning("the database is unavailable (%s)", type(exc).__name__)
            return Admission(
                error=protocol.Err(
                    "unavailable", "The meeting is unreachable right now; try again."
                )
            )
        if admission.error is None:
            self.admission, self.admitted_for = admission, credentials
        return admission

    async def _admit_now(self, hello: protocol.Hello, fresh: bool = False) -> Admission:
        """Admission from the cached facts of an open room (read once if missing), or,
        `fresh`, from the database now."""
        meeting_id = self.meeting_id
        replica = self.hub.replicas.get(meeting_id)
        if fresh:
            self.basis = None
            facts = await read_facts(self.app, meeting_id)
        else:
            self.basis = await self.hub.admissions.basis(
                meeting_id, replica, lambda: read_facts(self.app, meeting_id)
            )
            facts = self.basis.facts
        watch = replica.admission if replica is not None else None
        return await admit(self.app, meeting_id, hello, facts, watch)

    async def give_back_invite(self) -> None:
        """An invite use counts only for someone who got in (or into the lobby)."""
        admission, self.admission = self.admission, None
        if admission is None or admission.invite is None or admission.setup is None:
            return
        try:
            async with self.app.session() as session:
                await refund_invite(session, admission.setup.group_id, admission.invite)
        except Exception:
            log.warning("could not give back an unused invite use (%s)", self.meeting_id)
