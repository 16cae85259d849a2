"""The group's message guard settings through the API: links from facilitators only
and the masked word list, with their limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.server.api.test_groups import error_fields, new_group


async def test_the_guard_is_set_on_create_and_changed_by_patch(
    organiser: httpx.AsyncClient,
) -> None:
    group = await new_group(
        organiser,
        links_from_facilitators_only=True,
        masked_words=["  idiot ", "Acme   Clinic", "IDIOT", "acme clinic", "كلب"],
    )
    assert group["links_from_facilitators_only"] is True
    # Trimmed, spaces folded, duplicates (ignoring case) dropped, first spelling kept.
    assert group["masked_words"] == ["idiot", "Acme Clinic", "كلب"]
    r = await organiser.patch(f"/api/groups/{group['id']}", json={"masked_words": ["dumb"]})
    assert r.status_code == 200, r.text
    assert r.json()["masked_words"] == ["dumb"]
    assert r.json()["links_from_facilitators_only"] is True  # untouched
    r = await organiser.patch(
        f"/api/groups/{group['id']}", json={"links_from_facilitators_only": False}
    )
    assert r.json()["links_from_facilitators_only"] is False
    assert r.json()["masked_words"] == ["dumb"]
    got = await organiser.get(f"/api/groups/{group['id']}")
    assert got.json()["masked_words"] == ["dumb"]


async def test_two_hundred_words_of_forty_characters_are_the_limit(
    organiser: httpx.AsyncClient,
) -> None:
    words = [f"w{i:03d}" + "x" * 36 for i in range(200)]
    group = await new_group(organiser, masked_words=words)
    assert group["masked_words"] == words


BAD: list[tuple[Any, str, str]] = [
    ([f"w{i}" for i in range(201)], "masked_words", "length <= 200"),
    (["x" * 41], "masked_words[0]", "At most 40 characters."),
    (["ok", "   "], "masked_words[1]", "This field is required."),
    (["ok", "!!!"], "masked_words[1]", "A masked word needs a letter or digit."),
    (["two\nlines"], "masked_words[0]", "Must not contain control characters."),
    ("idiot", "masked_words", "Expected `array`"),
    ([1, 2], "masked_words[0]", "Expected `str`"),
    (None, "masked_words", "Expected `array`"),
]


@pytest.mark.parametrize(("words", "field", "message"), BAD)
async def test_bad_word_lists_are_400_naming_the_entry(
    organiser: httpx.AsyncClient, words: Any, field: str, message: str
) -> None:
    r = await organiser.post("/api/groups", json={"name": "x", "masked_words": words})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "invalid"
    assert message in error_fields(r)[field], r.json()
    group = await new_group(organiser)
    r = await organiser.patch(f"/api/groups/{group['id']}", json={"masked_words": words})
    assert r.status_code == 400 and message in error_fields(r)[field], r.json()


@pytest.mark.parametrize("value", ["yes", 1, None])
async def test_links_setting_must_be_a_boolean(organiser: httpx.AsyncClient, value: Any) -> None:
    r = await organiser.post(
        "/api/groups", json={"name": "x", "links_from_facilitators_only": value}
    )
    assert r.status_code == 400, r.text
    assert "Expected `bool`" in error_fields(r)["links_from_facilitators_only"]


async def test_a_facilitator_reads_the_guard_but_cannot_change_it(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient
) -> None:
    group = await new_group(organiser, masked_words=["idiot"])
    assert (await organiser.put(f"/api/groups/{group['id']}/facilitators/fern")).status_code == 200
    assert (await facilitator.get(f"/api/groups/{group['id']}")).json()["masked_words"] == ["idiot"]
    r = await facilitator.patch(f"/api/groups/{group['id']}", json={"masked_words": []})
    assert r.status_code == 403
