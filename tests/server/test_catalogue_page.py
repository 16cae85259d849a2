"""`/` as a crawler or a browser without scripts gets it: plain HTML, parsed here with
the standard library's parser, with a GET form, filter links and the results."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx

from server.slugs import group_path
from tests.server.api.test_groups import new_group
from tests.server.api.test_meetings import local, schedule


class Page(HTMLParser):
    """The parts of the page a person without scripts uses."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.heads: list[dict[str, str]] = []  # <link> in <head>
        self.forms: list[dict[str, str]] = []
        self.fields: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self.cards: list[str] = []  # group ids, in order
        self.group_links: list[str] = []  # the hrefs of the group names
        self.text: list[str] = []
        self._select = ""
        self._in_h2 = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a":
            self.links.append(a)
            if self._in_h2:
                self.group_links.append(a["href"])
        elif tag == "link":
            self.heads.append(a)
        elif tag == "form":
            self.forms.append(a)
        elif tag in ("input", "select") and "name" in a:
            self.fields.setdefault(a["name"], []).append(a.get("type", tag))
            self._select = a["name"] if tag == "select" else ""
        elif tag == "option" and "selected" in a:
            self.selected[self._select] = a.get("value", "")
        elif tag == "li" and "data-group-id" in a:
            self.cards.append(a["data-group-id"])
        elif tag == "h2":
            self._in_h2 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def link(self, text_or_rel: str) -> str:
        for a in self.links:
            if a.get("rel") == text_or_rel:
                return a["href"]
        raise AssertionError(f"no link {text_or_rel}")

    def link_for(self, text: str) -> str:
        """The href of the first link whose data-i18n key says `text` in English."""
        keys = {"Starting within the hour": "catalogue.soon", "Happening now": "catalogue.now"}
        return next(a["href"] for a in self.links if a.get("data-i18n") == keys[text])

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


async def page(client: httpx.AsyncClient, url: str, status: int = 200) -> Page:
    r = await client.get(url)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("text/html")
    return Page(r.text)


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


async def test_the_catalogue_works_without_scripts(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    grief = await new_group(
        organiser, name="Grief Circle", topics=["grief"], language="pt-br", capacity=12
    )
    carers = await new_group(organiser, name="Carers", topics=["carers"], timezone="Europe/London")
    hidden = await new_group(organiser, name="Hidden circle", listed=False, topics=["grief"])
    await schedule(organiser, grief["id"], starts_at=local(30))
    await schedule(organiser, carers["id"], starts_at="2027-03-07T18:00")
    await schedule(organiser, hidden["id"], starts_at=local(30))

    home = await page(client, "/")
    assert home.forms[0]["method"] == "get" and home.forms[0]["action"] == "/"
    assert {"q", "topic", "language", "day", "time", "tz", "now", "soon"} <= set(home.fields)
    assert home.selected["tz"] == "UTC"
    assert home.cards == [grief["id"], carers["id"]]
    assert home.group_links == [group_path(g["id"], g["name"]) for g in (grief, carers)]
    assert "Portuguese (Brazil)" in home.words and "12 places left of 12" in home.words
    assert "Hidden circle" not in home.words and hidden["id"] not in str(home.links)
    canonical = [h for h in home.heads if h.get("rel") == "canonical"]
    assert canonical[0]["href"] == "http://testserver/"

    # A topic is a link; following it keeps the other filters and drops the page.
    grief_only = await page(client, "/?tz=Asia/Tokyo&page=1")
    topic = next(a["href"] for a in grief_only.links if a.get("class") == "topic")
    assert query(topic) == {"topic": ["grief"], "tz": ["Asia/Tokyo"]}
    assert (await page(client, topic)).cards == [grief["id"]]

    # The form's GET: Sunday 18:00 London is Sunday 13:00 in New York, in the afternoon.
    form = await page(client, "/?tz=America/New_York&day=sun&time=afternoon&q=carers")
    assert form.cards == [carers["id"]]
    assert form.selected == {"day": "sun", "time": "afternoon", "tz": "America/New_York"}
    assert "Sun 7 Mar, 13:00–14:00 (America/New_York)" in form.words
    [form_canonical] = [h["href"] for h in form.heads if h.get("rel") == "canonical"]
    assert query(form_canonical) == {
        "q": ["carers"], "day": ["sun"], "time": ["afternoon"], "tz": ["America/New_York"],
    }  # fmt: skip
    assert (await page(client, "/?tz=America/New_York&day=sat")).cards == []

    now = await page(client, home.link_for("Starting within the hour"))
    assert now.cards == [grief["id"]]
    language = await page(client, "/?language=PT-BR&lang=ar")
    assert language.cards == [grief["id"]] and language.selected["language"] == "pt-BR"
    assert "البرتغالية (البرازيل)" in language.words


async def test_bad_filters_are_a_400_page_that_still_has_the_form(
    client: httpx.AsyncClient,
) -> None:
    bad = await page(client, "/?day=funday", status=400)
    assert "day" in bad.words and "q" in bad.fields and bad.cards == []


async def test_pages_of_fifty_link_to_each_other(
    organiser: httpx.AsyncClient, client: httpx.AsyncClient
) -> None:
    for n in range(55):
        await new_group(organiser, name=f"Group {n:02}")
    first = await page(client, "/?q=group")
    assert len(first.cards) == 50 and "Page 1 of 2" in first.words
    [rel_next] = [h["href"] for h in first.heads if h.get("rel") == "next"]
    assert rel_next == first.link("next") and query(rel_next) == {"q": ["group"], "page": ["2"]}
    second = await page(client, rel_next)
    assert len(second.cards) == 5 and query(second.link("prev")) == {"q": ["group"], "page": ["1"]}
