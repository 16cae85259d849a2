"""Random meetings: a facilitator and attendees doing anything, in any order.

A hypothesis state machine drives reducer.apply with random commands from a
facilitator, attendees and the system (timers, dropped connections, resumes)
on a clock that only moves forward, and checks the room's invariants after
every step.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from rooms import protocol as p
from rooms import reducer, views
from rooms.state import Room
from tests.rooms.test_core_support import HOUR_MS, START_MS, config

IDS = st.integers(min_value=0, max_value=40)


class RandomMeeting(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.room = Room.empty("m1")
        self.now = START_MS
        self.last_seq = 0
        self.steps = 0
        self.joins = 0
        self.host = ""
        self.pids: list[str] = []  # everyone who ever got an id
        self.tokens: dict[str, str] = {}
        self.conns: dict[str, list[str]] = {}  # every conn a participant ever had
        self.removed: set[str] = set()
        self.turns_seen: set[int] = set()
        self.messages: list[str] = []

    # Applying ------------------------------------------------------------------

    def apply(self, actor: str | None, command: p.Command) -> p.Ok | p.Err:
        self.steps += 1
        before = self.room.event_seq
        result = reducer.apply(self.room, p.Submission(actor, "w1", command), self.now)
        outcome = result.outcome
        assert isinstance(outcome, p.Ok | p.Err)
        seqs = [e.seq for e in result.events]
        assert seqs == list(range(before + 1, before + 1 + len(seqs)))
        if seqs:
            assert seqs[0] > self.last_seq
            self.last_seq = seqs[-1]
        assert self.room.event_seq == self.last_seq or not seqs
        if isinstance(outcome, p.Err):
            assert outcome.code in p.ERROR_CODES
            assert seqs == [], "a refused command emitted events"
        else:
            assert outcome.seq == (seqs[0] if seqs else None)
        for event in result.events:
            assert event.type in p.EVENT_TYPES
            assert event.at_ms == self.now
            p.encode_event(event)  # every event encodes
            if event.type == "floor_granted":
                self.turns_seen.add(event.body["turn_id"])
            elif event.type == "message":
                self.messages.append(event.body["message_id"])
            elif event.type == "left" and event.body["reason"] == "removed":
                self.removed.add(event.body["participant_id"])
            elif event.type in {"poll", "poll_closed", "poll_results"}:
                assert not set(self.pids) & set(map(str, event.body.values())), "who voted"
                if event.type == "poll_results":
                    assert sum(event.body["counts"]) == event.body["total"] <= len(self.pids)
        return outcome

    def _not_in(self) -> str:
        person = self.room.participants.get(self.host)
        if person is None or person.status == "gone":
            return "You are not in this meeting."
        return "Only a facilitator may do that."

    def pick(self, n: int, people: list[str]) -> str:
        return people[n % len(people)] if people else "p0"

    def anyone(self, n: int) -> str:
        return self.pick(n, self.pids)

    def present(self, n: int) -> str:
        return self.pick(n, [x.id for x in self.room.present()])

    def join(self, role: str, name: str | None, exempt: bool) -> None:
        self.joins += 1
        token, conn = f"t{self.joins}", f"c{self.joins}"
        outcome = self.apply(
            None,
            p.Join(
                conn=conn,
                role=role,  # type: ignore[arg-type]
                pseudonym=name,
                name_seed=self.joins * 7,
                token_hash=token,
                lobby_exempt=exempt,
            ),
        )
        if isinstance(outcome, p.Ok):
            pid = outcome.participant_id
            assert pid is not None and pid not in self.pids
            self.pids.append(pid)
            self.tokens[pid] = token
            self.conns[pid] = [conn]
            assert outcome.waiting == (self.room.participants[pid].status == "waiting")

    @initialize()
    def open_room(self) -> None:
        outcome = self.apply(None, p.Open(config=config(ends_at_ms=START_MS + 2 * HOUR_MS)))
        assert outcome == p.Ok()
        self.join("facilitator", "Host", False)
        self.host = self.pids[0]
        for name in ("Ann", "Bea", "Cy"):
            self.join("attendee", name, False)

    # Time ----------------------------------------------------------------------

    @rule(seconds=st.integers(min_value=0, max_value=240))
    def tick(self, seconds: int) -> None:
        self.now += seconds * 1000

    @rule()
    def run_due_timers(self) -> None:
        for command in reducer.due_actions(self.room, self.now):
            self.apply(None, command)

    @rule(to_the_end=st.integers(min_value=0, max_value=9))
    def jump_to_the_next_deadline(self, to_the_end: int) -> None:
        deadline = reducer.next_deadline_ms(self.room)
        assert self.room.config is not None
        if deadline is not None and (deadline < self.room.config.ends_at_ms or to_the_end == 0):
            self.now = max(self.now, deadline)
        due = reducer.due_actions(self.room, self.now)
        assert deadline is None or self.now < deadline or due, "a deadline with nothing due"
        for command in due:
            self.apply(None, command)

    @rule(turn=st.integers(min_value=0, max_value=30))
    def expire(self, turn: int) -> None:
        floor = self.room.floor
        before = None if floor is None else (floor.turn_id, floor.participant_id)
        due = floor is not None and floor.turn_id == turn and self.now >= floor.ends_at_ms
        self.apply(None, p.Expire(turn_id=turn))
        if not due:
            floor = self.room.floor
            assert before == (None if floor is None else (floor.turn_id, floor.participant_id))

    # People come and go ------------------------------------------------------------

    @rule(
        name=st.none() | st.sampled_from(["Wren", "wren", "Robin", "نور", "a@b.c", "x"]),
        exempt=st.booleans(),
        facilitator=st.booleans(),
    )
    def join_someone(self, name: str | None, exempt: bool, facilitator: bool) -> None:
        role = "facilitator" if facilitator and self.joins % 5 == 0 else "attendee"
        self.join(role, name, exempt)

    @rule(n=IDS)
    def leave(self, n: int) -> None:
        pid = self.anyone(n)
        if pid != self.host:
            self.apply(pid, p.Leave())

    @rule(lobby=st.booleans())
    def lobby(self, lobby: bool) -> None:
        self.apply(self.host, p.SettingsChange(lobby=lobby, locked=False))
        if lobby:
            self.join("attendee", None, False)  # a newcomer knocks

    @rule(n=IDS, admit=st.booleans())
    def admit_or_deny(self, n: int, admit: bool) -> None:
        waiting = [x.id for x in self.room.participants.values() if x.status == "waiting"]
        target = self.pick(n, waiting)
        command = p.Admit(participant_id=target) if admit else p.Deny(participant_id=target)
        self.apply(self.host, command)

    @rule(n=IDS, stale=st.booleans())
    def disconnect(self, n: int, stale: bool) -> None:
        pid = self.anyone(n)
        conns = self.conns.get(pid, ["c0"])
        conn = conns[0] if stale else conns[-1]
        person = self.room.participants.get(pid)
        before = None if person is None else person.disconnected_at_ms
        self.apply(None, p.Disconnect(participant_id=pid, conn=conn))
        if person is not None and conn != person.conn:
            assert person.disconnected_at_ms == before, "a stale disconnect counted"

    @rule(n=IDS)
    def resume(self, n: int) -> None:
        pid = self.anyone(n)
        self.joins += 1
        conn = f"c{self.joins}"
        outcome = self.apply(None, p.Resume(conn=conn, token_hash=self.tokens.get(pid, "?")))
        if pid in self.removed:
            assert isinstance(outcome, p.Err)
            assert outcome.code == ("meeting_ended" if self.room.ended else "removed")
        if isinstance(outcome, p.Ok):
            assert outcome.participant_id == pid
            self.conns[pid].append(conn)

    @rule(n=IDS)
    def timeout(self, n: int) -> None:
        pid = self.anyone(n)
        person = self.room.participants.get(pid)
        due = (
            person is not None
            and person.status != "gone"
            and person.disconnected_at_ms is not None
            and self.now >= person.disconnected_at_ms + 60_000
        )
        status = None if person is None else person.status
        self.apply(None, p.Timeout(participant_id=pid))
        if person is not None and not due:
            assert person.status == status

    @precondition(lambda self: bool(self.removed))
    @rule(n=IDS)
    def removed_person_tries_to_come_back(self, n: int) -> None:
        pid = sorted(self.removed)[n % len(self.removed)]
        token = self.tokens[pid]
        outcome = self.apply(None, p.Resume(conn="c-back", token_hash=token))
        assert isinstance(outcome, p.Err) and outcome.code in {"removed", "meeting_ended"}
        self.joins += 1
        join = p.Join(conn="c-back", role="attendee", pseudonym=None, name_seed=1,
                      token_hash=token)  # fmt: skip
        outcome = self.apply(None, join)
        assert isinstance(outcome, p.Err) and outcome.code in {"removed", "meeting_ended"}
        outcome = self.apply(pid, p.RaiseHand())
        assert isinstance(outcome, p.Err)

    # Attendees -------------------------------------------------------------------

    @rule(n=IDS, up=st.booleans())
    def hand(self, n: int, up: bool) -> None:
        self.apply(self.anyone(n), p.RaiseHand() if up else p.LowerHand())

    @rule(n=IDS)
    def say(self, n: int) -> None:
        self.apply(self.anyone(n), p.Say(text="sharing something"))

    @rule(n=IDS, m=IDS, emoji=st.sampled_from(p.REACTIONS))
    def react(self, n: int, m: int, emoji: str) -> None:
        mid = self.pick(m, self.messages) if self.messages else "m1"
        self.apply(self.anyone(n), p.React(message_id=mid, emoji=emoji))

    @rule(n=IDS, m=IDS)
    def report(self, n: int, m: int) -> None:
        mid = self.pick(m, self.messages) if self.messages else "m1"
        self.apply(self.anyone(n), p.Report(message_id=mid, reason="r"))

    @rule(n=IDS)
    def help_(self, n: int) -> None:
        self.apply(self.anyone(n), p.Help(note="help"))

    @rule(n=IDS, holder=st.booleans())
    def yield_(self, n: int, holder: bool) -> None:
        actor = self.room.floor.participant_id if holder and self.room.floor else self.anyone(n)
        self.apply(actor, p.Yield())

    @rule(n=IDS, holder=st.booleans())
    def pass_(self, n: int, holder: bool) -> None:
        actor = self.room.floor.participant_id if holder and self.room.floor else self.anyone(n)
        self.apply(actor, p.Pass())

    # The facilitator (and attendees trying to be one) ------------------------------

    def facilitate(self, n: int, as_host: bool, command: p.Command) -> None:
        self.apply(self.host if as_host else self.anyone(n), command)

    @rule(n=IDS, named=st.booleans(), as_host=st.booleans())
    def grant(self, n: int, named: bool, as_host: bool) -> None:
        target = self.present(n) if named else None
        self.facilitate(n, as_host, p.Grant(participant_id=target))

    @rule(n=IDS, as_host=st.booleans())
    def revoke(self, n: int, as_host: bool) -> None:
        self.facilitate(n, as_host, p.Revoke())

    @rule(n=IDS, seconds=st.sampled_from([1, 60, 120, 600]), as_host=st.booleans())
    def extend_floor(self, n: int, seconds: int, as_host: bool) -> None:
        self.facilitate(n, as_host, p.ExtendFloor(seconds=seconds))

    @rule(n=IDS, start=st.booleans(), as_host=st.booleans())
    def round_(self, n: int, start: bool, as_host: bool) -> None:
        self.facilitate(n, as_host, p.StartRound() if start else p.EndRound())

    @rule(n=IDS, mute=st.booleans(), as_host=st.booleans())
    def mute(self, n: int, mute: bool, as_host: bool) -> None:
        target = self.anyone(n)
        command: p.Command = (
            p.Mute(participant_id=target) if mute else p.Unmute(participant_id=target)
        )
        self.facilitate(n + 1, as_host, command)

    @rule(n=IDS, as_host=st.booleans())
    def remove(self, n: int, as_host: bool) -> None:
        self.facilitate(n + 2, as_host, p.Remove(participant_id=self.anyone(n)))

    @rule(n=IDS, promote=st.booleans(), as_host=st.booleans())
    def promote_or_demote(self, n: int, promote: bool, as_host: bool) -> None:
        target = self.anyone(n)
        command: p.Command = (
            p.Promote(participant_id=target) if promote else p.Demote(participant_id=target)
        )
        self.facilitate(n + 1, as_host, command)

    @rule()
    def a_facilitator_arrives(self) -> None:
        """Someone signed in takes the room (after the host went, as a new host)."""
        before = len(self.pids)
        self.join("facilitator", None, True)
        if len(self.pids) > before and not views.is_facilitator(self.room, self.host):
            self.host = self.pids[-1]

    @rule(m=IDS, as_host=st.booleans())
    def delete(self, m: int, as_host: bool) -> None:
        mid = self.pick(m, self.messages) if self.messages else "m1"
        self.facilitate(m, as_host, p.Delete(message_id=mid))

    @rule(
        crosstalk=st.none() | st.booleans(),
        share=st.none() | st.sampled_from([30, 60, 180]),
        locked=st.none() | st.booleans(),
        lobby=st.none() | st.booleans(),
        slow=st.none() | st.sampled_from([0, 5, 30]),
        policy=st.none() | st.sampled_from(["fifo", "fewest_shares_first"]),
    )
    def change_settings(self, **values: Any) -> None:
        command = p.SettingsChange(
            crosstalk=values["crosstalk"],
            share_seconds=values["share"],
            locked=values["locked"],
            lobby=values["lobby"],
            slow_mode_seconds=values["slow"],
            queue_policy=values["policy"],
        )
        outcome = self.apply(self.host, command)
        if isinstance(outcome, p.Ok):
            body = views.snapshot(self.room, self.host)["settings"]
            assert body == self.room.settings.as_dict()

    @rule(n=IDS, scale=st.booleans(), as_host=st.booleans())
    def poll_start(self, n: int, scale: bool, as_host: bool) -> None:
        command = (
            p.PollStart(scale="arriving")
            if scale
            else p.PollStart(question="Which?", options=["a", "b", "c"])
        )
        self.facilitate(n, as_host, command)

    @rule(n=IDS, option=st.integers(min_value=-1, max_value=5), current=st.booleans())
    def vote(self, n: int, option: int, current: bool) -> None:
        poll = self.room.poll
        poll_id = poll.id if poll is not None and current else "q0"
        self.apply(self.anyone(n), p.Vote(poll_id=poll_id, option=option))

    @rule(n=IDS, as_host=st.booleans())
    def poll_close(self, n: int, as_host: bool) -> None:
        poll_id = self.room.poll.id if self.room.poll is not None else "q0"
        self.facilitate(n, as_host, p.PollClose(poll_id=poll_id))

    @precondition(lambda self: self.steps > 45)
    @rule()
    def end(self) -> None:
        if not views.is_facilitator(self.room, self.host):
            # The host timed out or left: nobody may end the meeting early.
            assert self.apply(self.host, p.End()) == p.Err("not_allowed", self._not_in())
            return
        self.apply(self.host, p.End())
        outcome = self.apply(self.host, p.Ping())
        assert isinstance(outcome, p.Err) and outcome.code == "meeting_ended"

    # Invariants ---------------------------------------------------------------------

    @invariant()
    def an_open_poll_holds_one_vote_per_participant_in_range(self) -> None:
        poll = self.room.poll
        if poll is not None:
            assert set(poll.votes) <= set(self.pids)
            assert all(0 <= v < len(poll.options) for v in poll.votes.values())

    @invariant()
    def one_floor_holder_present_and_not_muted(self) -> None:
        floor = self.room.floor
        if floor is None:
            return
        holder = self.room.participants[floor.participant_id]
        assert holder.status == "in"
        assert not holder.muted
        assert floor.turn_id in self.turns_seen
        assert floor.turn_id == max(self.turns_seen)
        assert not self.room.ended

    @invariant()
    def queue_is_sane(self) -> None:
        queue = self.room.queue()
        assert len(queue) == len(set(queue))
        holder = None if self.room.floor is None else self.room.floor.participant_id
        for pid in queue:
            person = self.room.participants[pid]
            assert person.status == "in"
            assert not person.muted
            assert pid != holder
        for person in self.room.participants.values():
            if person.muted or person.status != "in":
                assert person.hand_raised_at is None or person.status == "gone"

    @invariant()
    def removed_people_never_return(self) -> None:
        for pid in self.removed:
            person = self.room.participants.get(pid)  # freed after the entry that removed it
            assert person is None or person.status == "gone"
            assert self.tokens[pid] in self.room.removed_tokens
        present = {x.id for x in self.room.present()}
        assert not present & self.removed

    @invariant()
    def seq_matches_the_room(self) -> None:
        assert self.room.event_seq == self.last_seq

    @invariant()
    def timers_only_expire_the_current_turn(self) -> None:
        if self.room.config is None:
            return
        for ahead in (0, 30_000, 10 * HOUR_MS):
            for command in reducer.due_actions(self.room, self.now + ahead):
                if isinstance(command, p.Expire):
                    assert self.room.floor is not None
                    assert command.turn_id == self.room.floor.turn_id
                    assert self.now + ahead >= self.room.floor.ends_at_ms
                elif isinstance(command, p.Timeout):
                    person = self.room.participants[command.participant_id]
                    assert person.status != "gone" and person.disconnected_at_ms is not None
        deadline = reducer.next_deadline_ms(self.room)
        if self.room.ended:
            assert deadline is None
        else:
            assert deadline is not None
            assert reducer.due_actions(self.room, deadline) != []

    @invariant()
    def the_departed_are_freed_by_the_next_entry(self) -> None:
        gone = {x.id for x in self.room.participants.values() if x.status == "gone"}
        assert gone <= set(self.room.departed)

    @invariant()
    def the_figures_bound_who_is_here(self) -> None:
        """The organisers' counts never fall behind the room: the most at once is at
        least who is in now, and no more than everyone ever let in."""
        room = self.room
        assert len(room.present()) <= room.peak_present <= room.counter_attended
        assert room.counter_let_in <= room.counter_attended <= room.counter_participants

    @invariant()
    def nobody_has_a_negative_share_count(self) -> None:
        for person in self.room.participants.values():
            assert person.shares >= 0

    @invariant()
    def round_is_sane(self) -> None:
        rnd = self.room.round
        if rnd is not None:
            assert 0 <= rnd.index < len(rnd.order)
            assert len(set(rnd.order)) == len(rnd.order)
            assert not self.room.ended

    @invariant()
    def the_chair_is_held_while_a_facilitator_is_connected(self) -> None:
        facilitators = [x for x in self.room.present() if x.role == "facilitator"]
        if any(x.disconnected_at_ms is None for x in facilitators):
            assert self.room.chair == "held"
        elif facilitators:
            assert self.room.chair == "reconnecting"
        else:
            assert self.room.chair == "empty"
        floor = self.room.floor
        if floor is not None:
            assert (floor.paused_left_ms is not None) == (self.room.chair == "empty")

    @invariant()
    def snapshot_agrees(self) -> None:
        if self.room.config is None:
            return
        snap = views.snapshot(self.room, self.host)
        assert [x["id"] for x in snap["participants"]] == sorted(
            (x.id for x in self.room.present()), key=lambda pid: int(pid[1:])
        )
        assert snap["queue"] == self.room.queue()
        names = [x.pseudonym.casefold() for x in self.room.participants.values()
                 if x.status != "gone"]  # fmt: skip
        assert len(names) == len(set(names))


RandomMeeting.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_meetings = RandomMeeting.TestCase
