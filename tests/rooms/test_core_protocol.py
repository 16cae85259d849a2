"""Decoding client frames: garbage is refused with a code, and the request id comes back."""

from __future__ import annotations

import json

import pytest

from rooms import protocol as p
from rooms.state import ALL, Event


def refusal(frame: str | bytes) -> p.ProtocolError:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_client_frame(frame)
    assert info.value.code in p.ERROR_CODES
    assert info.value.message
    return info.value


# Accepted frames ----------------------------------------------------------------


def test_a_plain_say_decodes_and_is_trimmed() -> None:
    frame = p.decode_client_frame('{"type": "say", "text": "  I had a good week  ", "id": "r1"}')
    assert frame == p.Say(text="I had a good week", id="r1")


def test_bytes_frames_decode_too() -> None:
    frame = p.decode_client_frame(b'{"type": "raise_hand"}')
    assert isinstance(frame, p.RaiseHand)
    assert frame.id is None


def test_unknown_fields_are_ignored() -> None:
    frame = p.decode_client_frame('{"type": "ping", "colour": "blue"}')
    assert isinstance(frame, p.Ping)


def test_grant_without_a_participant_means_next_in_queue() -> None:
    frame = p.decode_client_frame('{"type": "grant"}')
    assert frame == p.Grant(participant_id=None)


def test_every_supportive_reaction_is_accepted() -> None:
    for emoji in p.REACTIONS:
        text = json.dumps({"type": "react", "message_id": "m1", "emoji": emoji})
        frame = p.decode_client_frame(text)
        assert isinstance(frame, p.React)
        assert frame.emoji == emoji


def test_settings_with_a_subset_of_fields() -> None:
    frame = p.decode_client_frame('{"type": "settings", "crosstalk": true, "share_seconds": 30}')
    assert frame == p.SettingsChange(crosstalk=True, share_seconds=30)


def test_say_exactly_at_the_limit_is_fine() -> None:
    text = "a" * 2000
    frame = p.decode_client_frame(json.dumps({"type": "say", "text": f"  {text}\n"}))
    assert frame == p.Say(text=text)


def test_hello_with_resume() -> None:
    frame = p.decode_client_frame(
        '{"type": "hello", "pseudonym": "Wren", "resume": {"token": "t", "last_seq": 4}}'
    )
    assert frame == p.Hello(pseudonym="Wren", resume=p.ResumeInfo(token="t", last_seq=4))


# Refused frames -----------------------------------------------------------------


@pytest.mark.parametrize(
    "frame",
    ["", "{", "not json", '{"type": "say", "text": "hi"', b"\xff\xfe{}"],
)
def test_invalid_json_is_a_bad_request_without_an_id(frame: str | bytes) -> None:
    error = refusal(frame)
    assert error.code == "bad_request"
    assert error.request_id is None


@pytest.mark.parametrize("frame", ["[]", '["say"]', "42", '"say"', "null", "true"])
def test_json_that_is_not_an_object_is_a_bad_request(frame: str) -> None:
    error = refusal(frame)
    assert error.code == "bad_request"
    assert error.request_id is None


def test_unknown_type_is_a_bad_request_and_echoes_the_id() -> None:
    error = refusal('{"type": "dance", "id": "r7"}')
    assert error.code == "bad_request"
    assert error.request_id == "r7"
    assert "type" in error.message.lower()


@pytest.mark.parametrize("internal", ["open", "join", "resume", "disconnect", "timeout", "close"])
def test_clients_cannot_send_internal_commands(internal: str) -> None:
    error = refusal(json.dumps({"type": internal, "id": "r1"}))
    assert error.code == "bad_request"
    assert error.request_id == "r1"


def test_a_frame_without_a_type_is_a_bad_request() -> None:
    error = refusal('{"text": "hi", "id": "r2"}')
    assert error.code == "bad_request"
    assert error.request_id == "r2"


@pytest.mark.parametrize(
    "frame",
    [
        '{"type": "say", "id": "r3"}',
        '{"type": "mute", "id": "r3"}',
        '{"type": "react", "message_id": "m1", "id": "r3"}',
        '{"type": "delete", "id": "r3"}',
    ],
)
def test_missing_fields_are_a_bad_request_with_the_id(frame: str) -> None:
    error = refusal(frame)
    assert error.code == "bad_request"
    assert error.request_id == "r3"


@pytest.mark.parametrize(
    "frame",
    [
        '{"type": "say", "text": 5, "id": "r4"}',
        '{"type": "mute", "participant_id": ["p1"], "id": "r4"}',
        '{"type": "settings", "crosstalk": "yes", "id": "r4"}',
        '{"type": "settings", "share_seconds": 10, "id": "r4"}',
        '{"type": "settings", "share_seconds": 1801, "id": "r4"}',
        '{"type": "settings", "slow_mode_seconds": -1, "id": "r4"}',
        '{"type": "settings", "queue_policy": "loudest_first", "id": "r4"}',
        '{"type": "help", "note": "' + "n" * 501 + '", "id": "r4"}',
        '{"type": "type", "id": "r4"}',
    ],
)
def test_wrong_types_and_out_of_range_values_are_a_bad_request(frame: str) -> None:
    error = refusal(frame)
    assert error.code == "bad_request"
    assert error.request_id == "r4"


def test_an_id_that_is_not_a_string_is_not_echoed() -> None:
    error = refusal('{"type": "say", "id": 12}')
    assert error.code == "bad_request"
    assert error.request_id is None


def test_an_overlong_id_is_not_echoed() -> None:
    error = refusal(json.dumps({"type": "ping", "id": "x" * 65}))
    assert error.code == "bad_request"
    assert error.request_id is None


def test_too_long_text_is_too_large() -> None:
    error = refusal(json.dumps({"type": "say", "text": "a" * 2001, "id": "r5"}))
    assert error.code == "too_large"
    assert error.request_id == "r5"


def test_the_text_limit_is_configurable() -> None:
    with pytest.raises(p.ProtocolError) as info:
        p.decode_client_frame('{"type": "say", "text": "abcdef"}', max_text=5)
    assert info.value.code == "too_large"


@pytest.mark.parametrize("text", ["", " ", "\n\t  "])
def test_empty_text_is_a_bad_request(text: str) -> None:
    error = refusal(json.dumps({"type": "say", "text": text, "id": "r6"}))
    assert error.code == "bad_request"
    assert error.request_id == "r6"


@pytest.mark.parametrize("emoji", ["👎", "😡", "ok", ""])
def test_unknown_emoji_is_a_bad_request(emoji: str) -> None:
    error = refusal(json.dumps({"type": "react", "message_id": "m1", "emoji": emoji, "id": "r8"}))
    assert error.code == "bad_request"
    assert error.request_id == "r8"


# Encoding -----------------------------------------------------------------------


def test_encode_event_puts_type_seq_at_first() -> None:
    event = Event(
        3, 1_700_000_000_123, "hand_raised", {"participant_id": "p2", "queue": ["p2"]}, ALL
    )
    decoded = json.loads(p.encode_event(event))
    assert list(decoded)[:3] == ["type", "seq", "at"]
    assert decoded == {
        "type": "hand_raised",
        "seq": 3,
        "at": "2023-11-14T22:13:20.123Z",
        "participant_id": "p2",
        "queue": ["p2"],
    }


def test_submissions_round_trip_through_the_log_encoding() -> None:
    sub = p.Submission(
        None,
        "w1",
        p.Join(conn="c1", role="attendee", pseudonym=None, name_seed=5, token_hash="h"),
    )
    assert p.decode_submission(p.encode_submission(sub)) == sub
    say = p.Submission("p1", "w2", p.Say(text="hi", id="r1"))
    assert p.decode_submission(p.encode_submission(say)) == say
