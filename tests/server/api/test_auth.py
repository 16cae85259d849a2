"""Accounts: sign-in, sessions, throttling, users, cross-site refusal."""

from __future__ import annotations

import httpx
import pytest

import server.api.auth as auth_api
from server.security import verify_password
from tests.conftest import MakeUser


async def test_sign_in_sets_an_httponly_lax_cookie_and_me_knows_you(
    make_user: MakeUser, client: httpx.AsyncClient
) -> None:
    await make_user("olive")
    r = await client.post(
        "/api/auth/login", json={"username": "Olive", "password": "correct horse"}
    )
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    me = await client.get("/api/auth/me")
    assert me.json()["user"] == {"id": 1, "username": "olive", "role": "organiser"}


async def test_wrong_password_is_401_and_repeated_failures_are_throttled(
    make_user: MakeUser, client: httpx.AsyncClient
) -> None:
    await make_user("olive")
    for _ in range(5):
        r = await client.post("/api/auth/login", json={"username": "olive", "password": "nope"})
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "bad_credentials"
    r = await client.post(
        "/api/auth/login", json={"username": "olive", "password": "correct horse"}
    )
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0


async def test_unknown_user_gets_the_same_answer_as_a_wrong_password(
    make_user: MakeUser, client: httpx.AsyncClient
) -> None:
    """Nothing in the answer tells whether the username exists."""
    await make_user("olive")
    wrong = await client.post(
        "/api/auth/login", json={"username": "olive", "password": "not the password"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"username": "ghost", "password": "not the password"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == "bad_credentials"
    assert unknown.content == wrong.content
    headers = {k: v for k, v in wrong.headers.items() if k != "date"}
    assert {k: v for k, v in unknown.headers.items() if k != "date"} == headers


async def test_an_unknown_user_costs_the_same_password_hash_as_a_known_one(
    make_user: MakeUser, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login that skipped hashing for unknown names would answer them ~50x faster."""
    await make_user("olive")
    checked: list[str | None] = []

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password_hash)
        return verify_password(password_hash, password)

    monkeypatch.setattr(auth_api, "verify_password", counting)
    for name in ("olive", "ghost"):
        await client.post("/api/auth/login", json={"username": name, "password": "wrong one"})
    assert len(checked) == 2 and checked[0] is not None and checked[1] is None


async def test_logout_ends_the_session(organiser: httpx.AsyncClient) -> None:
    assert (await organiser.get("/api/auth/me")).status_code == 200
    assert (await organiser.post("/api/auth/logout")).status_code == 200
    assert (await organiser.get("/api/auth/me")).status_code == 401


async def test_only_organisers_create_users(
    organiser: httpx.AsyncClient, facilitator: httpx.AsyncClient
) -> None:
    body = {"username": "sage", "password": "long enough pw", "role": "facilitator"}
    r = await facilitator.post("/api/users", json=body)
    assert r.status_code == 403
    r = await organiser.post("/api/users", json=body)
    assert r.status_code == 201
    assert r.json()["role"] == "facilitator"
    listed = await organiser.get("/api/users")
    assert [u["username"] for u in listed.json()] == ["fern", "olive", "sage"]
    r = await organiser.post("/api/users", json=body)
    assert r.status_code == 409


async def test_bad_user_bodies_name_the_field(organiser: httpx.AsyncClient) -> None:
    r = await organiser.post(
        "/api/users", json={"username": "x y", "password": "long enough", "role": "organiser"}
    )
    assert r.status_code == 400
    assert "username" in r.json()["error"]["fields"]
    r = await organiser.post(
        "/api/users", json={"username": "sage", "password": "short", "role": "organiser"}
    )
    assert "password" in r.json()["error"]["fields"]
    r = await organiser.post(
        "/api/users", json={"username": "sage", "password": "long enough", "role": "king"}
    )
    assert "role" in r.json()["error"]["fields"]
    r = await organiser.post(
        "/api/users", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json"


async def test_oversized_body_is_413(organiser: httpx.AsyncClient) -> None:
    r = await organiser.post(
        "/api/users", content=b"x" * 100_000, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


async def test_cross_site_state_change_with_cookie_is_refused(organiser: httpx.AsyncClient) -> None:
    body = {"username": "sage", "password": "long enough pw", "role": "facilitator"}
    r = await organiser.post("/api/users", json=body, headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "cross_site"
    r = await organiser.post("/api/users", json=body, headers={"origin": "http://testserver"})
    assert r.status_code == 201


async def test_unknown_api_path_is_a_json_404(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/nothing/here")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
