"""Accounts: sign-in, sessions, throttling, users, cross-site refusal."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

import server.security as security
from server.context import AppContext
from server.db.models import LoginFailure, utcnow
from server.security import verify_password
from tests.conftest import MakeUser

WRONG = {"username": "olive", "password": "not the password"}
RIGHT = {"username": "olive", "password": "correct horse"}


def from_address(app: Any, host: str) -> httpx.AsyncClient:
    """A client whose requests come from `host`, as the server sees it."""
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Records every password check (the hash it was checked against)."""
    checked: list[str | None] = []

    def counting(password_hash: str | None, password: str) -> bool:
        checked.append(password_hash)
        return verify_password(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting)
    return checked


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
    figures = (await client.get("/metrics")).text  # what the operator sees
    assert 'hearth_rate_limited_total{limit="login_address"} 1.0' in figures


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
    checked = count_checks(monkeypatch)
    for name in ("olive", "ghost"):
        await client.post("/api/auth/login", json={"username": name, "password": "wrong one"})
    assert len(checked) == 2 and checked[0] is not None and checked[1] is None


async def test_logout_ends_the_session(organiser: httpx.AsyncClient) -> None:
    assert (await organiser.get("/api/auth/me")).status_code == 200
    assert (await organiser.post("/api/auth/logout")).status_code == 200
    assert (await organiser.get("/api/auth/me")).status_code == 401


async def test_a_cookie_kept_after_logout_no_longer_signs_in(
    app: Any, organiser: httpx.AsyncClient
) -> None:
    """The attack: copy the session cookie (a shared computer, a stolen laptop), wait for
    the owner to sign out, then use it. Signing out ends the session on the server."""
    kept = organiser.cookies.get("hearth_session")
    assert kept is not None
    other = from_address(app, "198.51.100.20")
    async with other:
        other.cookies.set("hearth_session", kept)
        assert (await other.get("/api/auth/me")).status_code == 200
        assert (await organiser.post("/api/auth/logout")).status_code == 200
        assert (await other.get("/api/auth/me")).status_code == 401
        assert (await other.get("/api/users")).status_code == 401
    # Signing in again gives a session that works.
    r = await organiser.post("/api/auth/login", json=RIGHT)
    assert r.status_code == 200
    assert (await organiser.get("/api/auth/me")).status_code == 200


# Guessing passwords -----------------------------------------------------------------


async def test_a_hundred_concurrent_guesses_get_five_tries_and_no_500(
    app: Any, make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack: 100 guesses at once from one address. Before, they all read the
    failure count before any wrote it: 4 of them got 500s (the login_failures row
    inserted twice) and more than 5 passwords were checked. Now the count is taken
    atomically before checking, so exactly 5 are checked, whatever the interleaving."""
    await make_user("olive")
    checked = count_checks(monkeypatch)
    guesser = from_address(app, "203.0.113.9")
    async with guesser:
        replies = await asyncio.gather(
            *(guesser.post("/api/auth/login", json=WRONG) for _ in range(100))
        )
        statuses = Counter(r.status_code for r in replies)
        assert statuses == {401: 5, 429: 95}, statuses
        assert len(checked) == 5
        assert all(int(r.headers["retry-after"]) > 0 for r in replies if r.status_code == 429)
        # The right password from the guesser's address is not checked either.
        assert (await guesser.post("/api/auth/login", json=RIGHT)).status_code == 429
    assert len(checked) == 5


async def test_a_guesser_elsewhere_does_not_lock_the_owner_out(
    app: Any, make_user: MakeUser
) -> None:
    """Five wrong guesses used to lock the account for everyone for five minutes."""
    await make_user("olive")
    guesser, owner = from_address(app, "203.0.113.9"), from_address(app, "198.51.100.7")
    async with guesser, owner:
        for _ in range(6):
            r = await guesser.post("/api/auth/login", json=WRONG)
        assert r.status_code == 429
        assert (await owner.post("/api/auth/login", json=RIGHT)).status_code == 200
        assert (await owner.get("/api/auth/me")).status_code == 200
        # IPv6 counts by /64: another address in the guesser's block is the guesser.
        v6a, v6b = from_address(app, "2001:db8:1:2::5"), from_address(app, "2001:db8:1:2::ff")
        async with v6a, v6b:
            for _ in range(5):
                assert (await v6a.post("/api/auth/login", json=WRONG)).status_code == 401
            assert (await v6b.post("/api/auth/login", json=WRONG)).status_code == 429


async def test_behind_a_trusted_proxy_each_client_is_counted_and_no_one_else_picks_theirs(
    app: Any, make_user: MakeUser, context: AppContext
) -> None:
    """Everyone comes from the proxy: counted by it, one guesser would lock out all. And a
    client that sends X-Forwarded-For itself must not get a fresh address per guess."""
    await make_user("olive")
    context.settings = dataclasses.replace(context.settings, trusted_proxies=("10.0.0.1/32",))
    async with from_address(app, "10.0.0.1") as proxy:
        guesser = {"x-forwarded-for": "203.0.113.9"}
        for _ in range(5):
            r = await proxy.post("/api/auth/login", json=WRONG, headers=guesser)
            assert r.status_code == 401
        r = await proxy.post("/api/auth/login", json=WRONG, headers=guesser)
        assert r.status_code == 429
        owner = {"x-forwarded-for": "198.51.100.7"}
        assert (await proxy.post("/api/auth/login", json=RIGHT, headers=owner)).status_code == 200
    async with from_address(app, "203.0.113.50") as direct:
        for i in range(6):
            forged = {"x-forwarded-for": f"192.0.2.{i}"}
            r = await direct.post("/api/auth/login", json=WRONG, headers=forged)
        assert r.status_code == 429


async def test_guesses_spread_over_many_addresses_meet_the_account_limit(
    app: Any, make_user: MakeUser, context: AppContext
) -> None:
    await make_user("olive")
    context.settings = dataclasses.replace(context.settings, login_failures_per_account=12)
    clients = [from_address(app, f"192.0.2.{i}") for i in range(1, 8)]
    replies = []
    for c in clients:  # 7 addresses x 2 guesses: 14 tries at a limit of 12
        async with c:
            for _ in range(2):
                replies.append((await c.post("/api/auth/login", json=WRONG)).status_code)
    assert Counter(replies) == {401: 12, 429: 2}


async def test_no_client_address_is_stored_and_old_counters_are_pruned(
    app: Any, make_user: MakeUser, context: AppContext
) -> None:
    await make_user("olive")
    guesser = from_address(app, "203.0.113.9")
    async with guesser:
        await guesser.post("/api/auth/login", json=WRONG)
        await guesser.post("/api/auth/login", json={**WRONG, "username": "ghost"})
    async with context.session() as session:
        keys = list(await session.scalars(select(LoginFailure.key)))
        assert len(keys) == 4  # (olive, ghost) x (this address, everywhere)
        assert not any("203.0.113" in k for k in keys)
        # The window passes: the next sign-in attempt deletes what it left behind.
        past = utcnow() - timedelta(seconds=context.settings.login_failure_window_seconds + 1)
        await session.execute(update(LoginFailure).values(window_started_at=past))
        await session.commit()
    async with from_address(app, "198.51.100.7") as owner:
        assert (await owner.post("/api/auth/login", json=RIGHT)).status_code == 200
    async with context.session() as session:
        assert await session.scalar(select(func.count()).select_from(LoginFailure)) == 0


async def test_passwords_are_checked_off_the_event_loop_a_bounded_few_at_a_time(
    app: Any, make_user: MakeUser, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Argon2 on the event loop held up every WebSocket on the worker (a ping by 717 ms)."""
    await make_user("olive")
    loop_thread = threading.get_ident()
    threads: list[int] = []
    running, most = 0, 0
    lock = threading.Lock()

    def watched(password_hash: str | None, password: str) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            threads.append(threading.get_ident())
        try:
            return verify_password(password_hash, password)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(security, "verify_password", watched)
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticker = asyncio.create_task(ticking())
    clients = [from_address(app, f"192.0.2.{i}") for i in range(10)]
    try:
        replies = await asyncio.gather(*(c.post("/api/auth/login", json=RIGHT) for c in clients))
    finally:
        ticker.cancel()
        for c in clients:
            await c.aclose()
    assert [r.status_code for r in replies] == [200] * 10
    assert len(threads) == 10 and loop_thread not in threads
    assert most <= context.settings.password_hash_threads
    assert ticks >= 10  # the loop went on running while the hashes were checked


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
