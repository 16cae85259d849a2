"""A private line: facilitator to one participant (lobby too), attendee to the
facilitators as a group, never attendee to attendee."""

from __future__ import annotations

from rooms import protocol as p
from rooms import views
from rooms.alerts import WHISPERS_PER_MINUTE
from tests.rooms.test_core_support import Meeting


def _meeting(**overrides: object) -> tuple[Meeting, str, str, str, str]:
    meeting = Meeting.open(**overrides)
    host = meeting.facilitator()
    cohost = meeting.join("facilitator", "Cohost")
    ann = meeting.join(pseudonym="Ann", lobby_exempt=True)
    bea = meeting.join(pseudonym="Bea", lobby_exempt=True)
    return meeting, host, cohost, ann, bea


def test_a_facilitator_whispers_to_one_participant_only() -> None:
    meeting, host, cohost, ann, bea = _meeting()
    meeting.ok(host, p.Whisper(text="are you all right?", to=ann))
    whisper = meeting.last("whisper")
    assert whisper.body == {
        "participant_id": host,
        "pseudonym": "Host",
        "to": ann,
        "to_pseudonym": "Ann",
        "text": "are you all right?",
    }
    assert meeting.sees(host, whisper) and meeting.sees(ann, whisper)
    assert not meeting.sees(bea, whisper) and not meeting.sees(cohost, whisper)


def test_an_attendee_whispers_to_every_facilitator_and_nobody_else() -> None:
    meeting, host, cohost, ann, bea = _meeting()
    meeting.ok(ann, p.Whisper(text="can I leave early?"))
    whisper = meeting.last("whisper")
    assert (whisper.body["to"], whisper.body["participant_id"]) == (None, ann)
    assert all(meeting.sees(x, whisper) for x in (host, cohost, ann))
    assert not meeting.sees(bea, whisper)


def test_attendee_to_attendee_is_refused() -> None:
    meeting, host, _, ann, bea = _meeting()
    before = meeting.seq
    assert meeting.refused(ann, p.Whisper(text="psst", to=bea)) == "not_allowed"
    assert meeting.refused(ann, p.Whisper(text="psst", to=host)) == "not_allowed"
    assert meeting.since(before) == []


def test_a_facilitator_whispers_to_someone_waiting_in_the_lobby() -> None:
    meeting, host, cohost, ann, _ = _meeting(lobby=True)
    waiter = meeting.join(pseudonym="Newcomer")
    assert meeting.room.participants[waiter].status == "waiting"
    meeting.ok(host, p.Whisper(text="welcome, we start in two minutes", to=waiter))
    whisper = meeting.last("whisper")
    assert meeting.sees(waiter, whisper) and meeting.sees(host, whisper)
    assert not meeting.sees(ann, whisper) and not meeting.sees(cohost, whisper)
    # The waiter cannot whisper back until let in.
    assert meeting.refused(waiter, p.Whisper(text="thanks")) == "not_allowed"


def test_unknown_or_gone_recipients_are_refused() -> None:
    meeting, host, _, ann, _ = _meeting()
    assert meeting.refused(host, p.Whisper(text="hi", to="p99")) == "no_such_participant"
    assert meeting.refused(host, p.Whisper(text="hi", to=host)) == "no_such_participant"
    meeting.ok(ann, p.Leave())
    assert meeting.refused(host, p.Whisper(text="hi", to=ann)) == "no_such_participant"


def test_muted_attendees_may_still_whisper_to_the_facilitators() -> None:
    meeting, host, _, ann, _ = _meeting()
    meeting.ok(host, p.Mute(participant_id=ann))
    assert meeting.refused(ann, p.Say(text="hello")) == "muted"
    meeting.ok(ann, p.Whisper(text="why was I muted?"))


def test_attendee_whispers_are_rate_limited() -> None:
    meeting, host, _, ann, _ = _meeting()
    for i in range(WHISPERS_PER_MINUTE):
        meeting.ok(ann, p.Whisper(text=f"note {i}"))
    assert meeting.refused(ann, p.Whisper(text="one more")) == "rate_limited"
    meeting.ok(host, p.Whisper(text="facilitators are not limited here", to=ann))
    meeting.advance(60)
    meeting.ok(ann, p.Whisper(text="later"))


def test_whispers_are_never_kept_in_room_state() -> None:
    meeting, host, _, ann, _ = _meeting()
    meeting.ok(ann, p.Whisper(text="a secret line"))
    meeting.ok(host, p.Whisper(text="a secret answer", to=ann))
    assert "secret" not in repr(meeting.room)
    assert all("secret" not in str(m) for m in views.recent_messages(meeting.room))


def test_whisper_text_is_trimmed_and_bounded_on_decoding() -> None:
    frame = p.decode_client_frame(b'{"type": "whisper", "text": "  hi  ", "to": "p2"}')
    assert frame == p.Whisper(text="hi", to="p2")
    for text, code in (("   ", "bad_request"), ("x" * 2001, "too_large")):
        try:
            p.decode_client_frame(p.encode_server_message({"type": "whisper", "text": text}))
        except p.ProtocolError as exc:
            assert exc.code == code
        else:
            raise AssertionError("accepted")
