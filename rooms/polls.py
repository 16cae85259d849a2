"""Anonymous check-ins and polls: a facilitator asks, everyone in the room answers,
and only the counts come out.

Who chose what is room state only while the poll is open (`Poll.votes`), because
"once per participant" needs it; `vote` emits no event at all (its ack is the
voter's confirmation), and closing the poll drops the map: `poll_closed` tells
everyone it is over, and `poll_results` carries counts alone to whom `results` says.
No one, facilitators included, ever receives who voted. A vote is in the room log
like a message is (a submission with its actor), which expires with the room; it is
never written to the database.

Once per participant means once per participant id: a resume keeps the id, so it
cannot vote again, but someone who joins afresh under a new token is a new
participant, as they are everywhere else in the room.

Deterministic like the reducer: poll ids come from the room's counter.
"""

from __future__ import annotations

from rooms import protocol as p
from rooms.entry import Ctx, Refused
from rooms.state import ALL, FACILITATORS, Participant, Poll

MAX_QUESTION = 200
MAX_OPTION = 80
MIN_OPTIONS, MAX_OPTIONS = 2, 6
# The built-in check-in: "How are you arriving today?", 1 to 5; clients translate
# the question and the labels, so the room keeps only the values.
SCALES: dict[str, list[str]] = {"arriving": ["1", "2", "3", "4", "5"]}


def start(ctx: Ctx, command: p.PollStart) -> p.Ok:
    room = ctx.room
    if room.poll is not None:
        raise Refused("not_allowed", "A poll is already open; close it before starting another.")
    question = _question(command)
    options = _options(command)
    room.counter_polls += 1
    room.poll = Poll(f"q{room.counter_polls}", question, options, command.scale, command.results)
    ctx.emit("poll", room.poll.public())
    return p.Ok()


def vote(ctx: Ctx, person: Participant, command: p.Vote) -> p.Ok:
    """Voting again changes the choice: still one vote. Muted people may vote."""
    poll = open_poll(ctx, command.poll_id)
    if not 0 <= command.option < len(poll.options):
        raise Refused("bad_request", f"Choose an option from 0 to {len(poll.options) - 1}.")
    poll.votes[person.id] = command.option
    return p.Ok()


def close(ctx: Ctx, command: p.PollClose) -> p.Ok:
    poll = open_poll(ctx, command.poll_id)
    counts = [0] * len(poll.options)
    for option in poll.votes.values():
        counts[option] += 1
    ctx.room.poll = None
    ctx.emit("poll_closed", {"poll_id": poll.id})
    body = poll.public()
    body.update(counts=counts, total=sum(counts))
    ctx.emit("poll_results", body, ALL if poll.results == "everyone" else FACILITATORS)
    return p.Ok()


def open_poll(ctx: Ctx, poll_id: str) -> Poll:
    poll = ctx.room.poll
    if poll is None or poll.id != poll_id:
        raise Refused("no_such_poll", "That poll is closed, or there is no such poll.")
    return poll


def _question(command: p.PollStart) -> str | None:
    question = (command.question or "").strip()
    if not question and command.scale is not None:
        return None
    if not 1 <= len(question) <= MAX_QUESTION:
        raise Refused("bad_request", f"A question takes 1 to {MAX_QUESTION} characters.")
    return question


def _options(command: p.PollStart) -> list[str]:
    if command.scale is not None:
        if command.options is not None:
            raise Refused("bad_request", "Give either options or a scale, not both.")
        return list(SCALES[command.scale])
    if command.options is None:
        raise Refused("bad_request", "Give the options, or a scale.")
    options = [option.strip() for option in command.options]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise Refused("bad_request", f"A poll has {MIN_OPTIONS} to {MAX_OPTIONS} options.")
    if any(not 1 <= len(option) <= MAX_OPTION for option in options):
        raise Refused("bad_request", f"Each option takes 1 to {MAX_OPTION} characters.")
    if len({option.casefold() for option in options}) != len(options):
        raise Refused("bad_request", "Two options are the same.")
    return options
