"""What the message guard and the pseudonym rules take for contact details.

The same table runs through the browser's copy in tests/static/test_identifying_js.py.
"""

from __future__ import annotations

import pytest

from rooms import identifying

# (text, what looks_identifying says, what has_link says)
SAMPLES: list[tuple[str, str | None, bool]] = [
    # Everyday sentences with numbers, dots and "at".
    ("I have been sober 1000 days since 2019", None, False),
    ("we met at 7 pm, then at 9", None, False),
    ("I said no. Me too, honestly.", None, False),
    ("It is over. Co-workers noticed.", None, False),
    ("on 2019-05-12 I relapsed, and on 12/05/2020 again", None, False),
    ("1,000,000 thanks to all of you", None, False),
    ("I was at home all day", None, False),
    ("one day at a time, two steps forward", None, False),
    ("I feel like 1 2 3 4 5 6 steps behind", None, False),
    ("node.js and vue are my job", None, False),
    ("أنا بخير اليوم، شكرا لكم", None, False),
    # Written out.
    ("mail me: sam@example.com", "email", True),
    ("call me on 07700 900123", "phone", False),
    ("+44 (0)20 7946 0958 any time", "phone", False),
    ("555-123-4567", "phone", False),
    ("see https://example.net/help", "url", True),
    ("look at example.org tonight", "url", True),
    ("bbc.co.uk has it", "url", True),
    ("my number is ٠٧٧٠٠٩٠٠١٢٣", "phone", False),
    ("ｓａｍ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email", True),
    # Spaced or spelled out.
    ("write to name at gmail dot com", "email", True),
    ("sam (at) example", "email", False),
    ("www example com", "url", True),
    ("example . com", "url", True),
    ("it is example dot org", "url", True),
    ("0 7 7 0 0 9 0 0 1 2 3", "phone", False),
    ("five five five one two three four", "phone", False),
    ("double seven zero zero nine one two", "phone", False),
    ("خمسة خمسة خمسة واحد اثنين ثلاثة اربعة", "phone", False),
]


@pytest.mark.parametrize(("text", "kind", "link"), SAMPLES)
def test_the_guard_tells_contact_details_from_everyday_text(
    text: str, kind: str | None, link: bool
) -> None:
    assert identifying.looks_identifying(text) == kind
    assert identifying.has_link(text) is link


def test_a_name_is_held_to_stricter_rules_than_a_message() -> None:
    """Seven digits anywhere and a spaced dot are fine in a message, not in a name."""
    assert identifying.looks_identifying("Sam 123 Lee 4567") is None
    assert identifying.name_kind("Sam 123 Lee 4567") == "phone"
    assert identifying.looks_identifying("sam . me") is None
    assert identifying.name_kind("sam . me") == "url"
    assert identifying.name_kind("Quiet Heron") is None
