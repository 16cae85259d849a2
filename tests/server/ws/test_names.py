"""Pseudonyms over a real connection: look-alikes are taken, invisible and role names refused."""

from __future__ import annotations

from tests.server.ws.inprocess import Client, InProcessHearth


def test_look_alike_invisible_and_role_names_are_refused_over_the_wire(
    hearth: InProcessHearth,
) -> None:
    """The attack: join as "Sam", then pass for Sam, or for the facilitator, in look-alikes."""
    meeting = hearth.create_meeting()
    sam = meeting.join("sam", pseudonym="Sam")
    attempts = [
        ("pseudonym_taken", ("\u0405\u0430m", "\uff33\uff41\uff4d", "SAM")),  # Cyrillic, fullwidth
        ("pseudonym_invalid", ("Sam\u3164", "S\u200bam", "Sam\u202e", "\u3164\u3164")),
        ("pseudonym_invalid", ("Facilitator", "F a c i l i t a t o r", "M0derator", "Host")),
        ("pseudonym_invalid", ("ميسر", "ميسّر", "مشرف", "مدير")),
    ]
    clients: list[Client] = [sam]
    for code, tries in attempts:
        client = meeting.connect()  # a few tries per connection: hellos are rate limited
        clients.append(client)
        for name in tries:
            reply = client.hello(pseudonym=name)
            assert (reply["type"], reply["code"]) == ("error", code), repr(name)
    welcome = clients[-1].hello(pseudonym="Sage")  # the connection stayed open for a real name
    assert welcome["type"] == "welcome"
    host = meeting.facilitator("Facilitator")  # the role's own name is theirs to use
    assert host.welcome is not None
    assert host.welcome["you"]["pseudonym"] == "Facilitator"
    for c in [*clients, host]:
        c.close()
