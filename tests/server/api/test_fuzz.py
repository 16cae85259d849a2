"""Arbitrary bodies at every endpoint: a clear 4xx or success, never a 500.

Runs against SQLite and PostgreSQL: PostgreSQL refuses things SQLite takes (a NUL
character in text, say), so each must be caught before the database.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route
from starlette.testclient import TestClient

from server.app import create_app
from server.config import Settings

FIELDS = [
    "name", "description", "guidelines", "topics", "language", "visibility", "listed",
    "timezone", "capacity", "lobby", "late_joiners_see_history", "share_seconds", "crosstalk",
    "username", "password", "role", "expires_at", "max_uses", "title", "url", "kind",
    "starts_at", "duration_minutes", "repeat", "weekly", "count", "until", "cancelled",
    "segments", "minutes", "reading", "settings", "template", "format_id", "queue_open",
    "queue_policy", "slow_mode_seconds",
    "monthly", "weekday", "nth", "interval", "from", "starts_at_time",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(
        ["", "\x00", "Europe/London", "2026-12-01T19:00", "http://x", "closed", "round", "check-in"]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=200),
    values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=8).map(
        lambda v: json.dumps(v).encode()
    ),
)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def fuzz_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, list[str]]]]:
    url = "" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(Settings(data_dir=data_dir, database_url=url, secret_key=secrets.token_hex(8)))
    with TestClient(app) as client:
        user = f"fuzz{secrets.token_hex(3)}"

        async def add() -> None:
            from server.api.auth import add_user

            async with app.state.ctx.session() as session:
                await add_user(session, user, "correct horse", "organiser")

        client.portal.call(add)  # type: ignore[union-attr]
        assert (
            client.post(
                "/api/auth/login", json={"username": user, "password": "correct horse"}
            ).status_code
            == 200
        )
        g = client.post("/api/groups", json={"name": "Fuzz", "timezone": "UTC"}).json()
        m = client.post(
            f"/api/groups/{g['id']}/meetings",
            json={"starts_at": "2030-01-01T10:00", "duration_minutes": 60},
        ).json()
        r = client.post(
            f"/api/groups/{g['id']}/resources",
            json={"title": "Line", "url": "https://example.org", "kind": "crisis"},
        ).json()
        inv = client.post(f"/api/groups/{g['id']}/invites", json={}).json()
        f = client.post(f"/api/groups/{g['id']}/formats", json={"template": "check-in"}).json()
        series = client.post(
            f"/api/groups/{g['id']}/meetings",
            json={"starts_at": "2030-01-06T10:00", "duration_minutes": 60,
                  "repeat": {"monthly": {"weekday": "MO", "nth": -1, "count": 2}}},
        ).json()  # fmt: skip
        ids = {
            "id": [g["id"], m[0]["id"], series[0]["series_id"], "nope", "%00"],
            "username": [user, "ghost"],
            "code": [inv["code"], inv["id"], "bad"],
            "rid": [r["id"], "zzz"],
            "fid": [f["id"], "templates", "zzz"],
        }
        yield client, ids


# The fuzzer's own table of what it reaches, written out rather than read from the
# app, so that a route added without a row here (or a row whose route went away)
# fails test_every_endpoint_is_fuzzed instead of being fuzzed (or skipped) silently.
ENDPOINTS: list[tuple[str, str]] = [
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/logout"),
    ("GET", "/api/auth/me"),
    ("POST", "/api/users"),
    ("GET", "/api/users"),
    ("POST", "/api/groups"),
    ("GET", "/api/groups"),
    ("GET", "/api/groups/{id}"),
    ("PATCH", "/api/groups/{id}"),
    ("DELETE", "/api/groups/{id}"),
    ("GET", "/api/groups/{id}/facilitators"),
    ("PUT", "/api/groups/{id}/facilitators/{username}"),
    ("DELETE", "/api/groups/{id}/facilitators/{username}"),
    ("POST", "/api/groups/{id}/invites"),
    ("GET", "/api/groups/{id}/invites"),
    ("DELETE", "/api/groups/{id}/invites/{code}"),
    ("GET", "/api/groups/{id}/keep-outs"),
    ("DELETE", "/api/groups/{id}/keep-outs"),
    ("POST", "/api/groups/{id}/resources"),
    ("GET", "/api/groups/{id}/resources"),
    ("DELETE", "/api/groups/{id}/resources/{rid}"),
    ("GET", "/api/groups/{id}/formats"),
    ("POST", "/api/groups/{id}/formats"),
    ("GET", "/api/groups/{id}/formats/templates"),
    ("GET", "/api/groups/{id}/formats/{fid}"),
    ("PATCH", "/api/groups/{id}/formats/{fid}"),
    ("DELETE", "/api/groups/{id}/formats/{fid}"),
    ("POST", "/api/groups/{id}/meetings"),
    ("GET", "/api/groups/{id}/meetings"),
    ("GET", "/api/groups/{id}/stats"),
    ("GET", "/api/meetings/{id}"),
    ("PATCH", "/api/meetings/{id}"),
    ("DELETE", "/api/meetings/{id}"),
    ("POST", "/api/meetings/{id}/facilitator-token"),
    ("GET", "/api/meetings/{id}/audit"),
    ("GET", "/api/meetings/{id}/public"),
    ("GET", "/api/catalogue"),
    ("GET", "/"),
    ("GET", "/api/groups/{id}/public"),
    ("GET", "/groups/{id}/calendar.ics"),
    ("GET", "/groups/{id}"),
    ("GET", "/groups/{id}/{slug}"),
    ("GET", "/sitemap.xml"),
    ("GET", "/robots.txt"),
    ("GET", "/meetings/{id}/calendar.ics"),
    ("GET", "/api/series/{id}"),
    ("PATCH", "/api/series/{id}"),
    ("GET", "/feeds/meeting-guide.json"),
    ("GET", "/s/{id}"),
    ("GET", "/feeds/hsds"),
    ("GET", "/feeds/hsds/services"),
    ("GET", "/feeds/hsds/services/{id}"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
]

API_DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"
# A row of an endpoint table in docs/api.md: | `GET /api/groups/{id}/meetings?from=&to=` | ...
DOC_ROW = re.compile(r"^\|\s*`(GET|POST|PUT|PATCH|DELETE) (/[^`?\s]*)[^`]*`", re.MULTILINE)


def documented_endpoints() -> set[tuple[str, str]]:
    """Every (method, path) that docs/api.md has a table row for."""
    return {(m.group(1), m.group(2)) for m in DOC_ROW.finditer(API_DOC.read_text("utf-8"))}


def served_endpoints() -> set[tuple[str, str]]:
    """Every (method, path) the app routes over HTTP, but for the browser's HTML pages
    and the catch-all that answers 404 for unknown /api paths."""
    from server.pages import PAGES

    app = create_app(Settings(data_dir=Path("/nonexistent"), secret_key="x"))
    out: set[tuple[str, str]] = set()
    for route in app.routes:
        if not isinstance(route, Route) or not route.methods:
            continue
        if route.path in PAGES or route.path == "/api/{rest:path}":
            continue
        out |= {(method, route.path) for method in route.methods - {"HEAD"}}
    return out


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    endpoint=st.sampled_from(ENDPOINTS),
    body=bodies,
    ctype=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
    data=st.data(),
)
def test_no_body_makes_a_500(
    fuzz_client: tuple[TestClient, dict[str, list[str]]],
    endpoint: tuple[str, str],
    body: bytes,
    ctype: str,
    data: st.DataObject,
) -> None:
    client, ids = fuzz_client
    method, path = endpoint

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        choices = ids.get(name, ids["id"])
        return data.draw(st.sampled_from([*choices, "x"]))

    url = re.sub(r"\{([^}]+)\}", fill, path)
    headers = {"content-type": ctype} if ctype else {}
    response = client.request(method, url, content=body, headers=headers)
    assert response.status_code < 500, (method, url, body, response.text)
    if response.status_code >= 400:
        error: Any = response.json()["error"]
        assert isinstance(error["code"], str) and error["message"]


def test_every_endpoint_is_fuzzed() -> None:
    """The fuzz above reaches the whole API, as served and as documented.

    Three lists written independently: the app's routes, the tables of docs/api.md
    and the fuzzer's ENDPOINTS. A new route nobody fuzzes or documents, a documented
    endpoint the app lost, or a fuzz row for nothing all fail here."""
    fuzzed = set(ENDPOINTS)
    assert len(fuzzed) == len(ENDPOINTS), "a row appears twice in ENDPOINTS"
    served, documented = served_endpoints(), documented_endpoints()
    assert len(documented) >= 30, "docs/api.md's endpoint tables were not found"
    assert served - fuzzed == set(), "served but not fuzzed: add them to ENDPOINTS"
    assert fuzzed - served == set(), "fuzzed but not served"
    assert served - documented == set(), "served but not in docs/api.md"
    assert documented - served == set(), "documented in docs/api.md but not served"


CATALOGUE_PARAMS = ["q", "topic", "language", "day", "time", "from", "to", "tz", "now", "soon",
                    "page", "per_page", "lang"]  # fmt: skip


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(["/api/catalogue", "/"]),
    params=st.dictionaries(
        st.sampled_from(CATALOGUE_PARAMS),
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(["0", "6", "7", "mon", "night", "24", "UTC", "pt-BR", "1", "-1"]),
        ),
        max_size=6,
    ),
)
def test_no_catalogue_query_makes_a_500(
    fuzz_client: tuple[TestClient, dict[str, list[str]]], path: str, params: dict[str, str]
) -> None:
    """The catalogue's filters, in any mix: 200 or a 400 naming a field, never a 500."""
    client, _ = fuzz_client
    response = client.get(path, params=params)
    assert response.status_code in (200, 400), (path, params, response.text)
    if response.status_code == 400 and path != "/":
        assert set(response.json()["error"]["fields"]) <= set(CATALOGUE_PARAMS)
