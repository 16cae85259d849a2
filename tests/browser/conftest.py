"""Chromium driven by Playwright against a real `hearth serve --demo`.

Every test gets its own server (a fresh data directory, a demo meeting open now)
and as many browser contexts as it needs: each context is one person, with its
own cookies and storage. JavaScript errors in any page fail the test.

Every state a test saves with `shot` is also checked by axe-core (tests/browser/a11y.py):
a serious or critical accessibility violation fails the test.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.browser import a11y
from tests.browser.crowd import Crowd
from tests.service.conftest import Server, server_env
from tests.services import free_port, unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# docs/screenshots/ is refreshed only on request, so a test run leaves the tree clean.
UPDATE_SCREENSHOTS = os.environ.get("HEARTH_UPDATE_SCREENSHOTS", "") in {"1", "true", "yes"}
TIMEOUT_MS = 10_000

DEMO_MEETING = re.compile(r"Meeting id:\s+(\S+)")
DEMO_FACILITATOR = re.compile(r"Facilitator sign-in:.*user (\S+)\s+password (\S+)")
DEMO_ORGANISER = re.compile(r"Organiser sign-in:.*user (\S+)\s+password (\S+)")


@dataclass
class Demo:
    """A running server with its demo meeting and the accounts `--demo` printed."""

    server: Server
    meeting_id: str
    facilitator: tuple[str, str]
    organiser: tuple[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def meeting_url(self) -> str:
        return f"{self.url}/m/{self.meeting_id}"

    def add_user(self, name: str, role: str, password: str) -> None:
        done = self.server.hearth("user", "add", name, "--role", role, stdin=password + "\n")
        assert done.returncode == 0, done.stderr


def _start_demo(server: Server, timeout: float = 15.0) -> Demo:
    server.start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = server.log()
        meeting = DEMO_MEETING.search(text)
        facilitator = DEMO_FACILITATOR.search(text)
        organiser = DEMO_ORGANISER.search(text)
        if meeting and facilitator and organiser:
            return Demo(
                server,
                meeting.group(1),
                (facilitator.group(1), facilitator.group(2)),
                (organiser.group(1), organiser.group(2)),
            )
        time.sleep(0.1)
    raise RuntimeError(f"hearth serve --demo printed no demo:\n{server.log()}")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    server = Server(
        free_port(), server_env(tmp_path / "data"), tmp_path / "server.log", args=["--demo"]
    )
    try:
        yield _start_demo(server)
    finally:
        server.stop()


@pytest.fixture
def crowd(demo: Demo) -> Iterator[Crowd]:
    """Attendees (or facilitators, with a token) on plain WebSockets in the demo meeting."""
    bots = Crowd(f"{demo.server.ws_url}/ws/meetings/{demo.meeting_id}")
    try:
        yield bots
    finally:
        bots.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Per module: Playwright's sync API keeps an event loop running in this thread
    while it is open, which the asyncio tests of other modules cannot share."""
    if not Path(CHROMIUM).is_file():
        unavailable("chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class People:
    """Opens one browser context per person; collects script errors and CSP violations."""

    browser: Any
    contexts: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def page(self, *, width: int = 1280, height: int = 900, **options: Any) -> Any:
        context = self.browser.new_context(
            viewport={"width": width, "height": height}, locale="en-GB", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        return page

    def _console(self, page: Any, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"{page.url}: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(browser: Any) -> Iterator[People]:
    crowd = People(browser)
    try:
        yield crowd
    finally:
        crowd.close()
    assert crowd.errors == [], "script errors or CSP violations in the page"


@pytest.fixture(autouse=True)
def _a11y_unavailable() -> Iterator[None]:
    """A test whose accessibility checks could not run (no axe-core, no npm) is
    reported skipped for them after it ran; in CI the first such check fails."""
    a11y.MISSED.clear()
    yield
    if a11y.MISSED:
        states = ", ".join(a11y.MISSED)
        a11y.MISSED.clear()
        unavailable(f"{a11y.unavailable_reason()}: not checked: {states}")


Shot = Callable[..., None]


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Shot:
    """shot(page, "name", main=True): saves a full-page screenshot to test-artifacts/
    (and, for the main ones with HEARTH_UPDATE_SCREENSHOTS=1, to docs/screenshots/),
    then checks the page with axe-core (a11y_check=False to leave that out). `full_page=False`
    keeps to the viewport, as a phone shows it."""

    def take(
        page: Any, name: str, *, main: bool = False, a11y_check: bool = True, full_page: bool = True
    ) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        if main and UPDATE_SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
        if a11y_check:
            a11y.check_a11y(page, name)

    return take
