"""Accessibility checked by axe-core, a third-party suite, in the page as it stands.

axe-core comes from npm, pinned by tests/browser/axe/package-lock.json; CI installs it
(`.ci/run`), and on a developer machine the first check runs `npm ci` when npm is
there. Without it the checks are reported unavailable: skipped here, failed in CI.

`check_a11y(page, "state")` fails on any violation of impact serious or critical,
naming the rule, its help text and the offending nodes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.services import REQUIRE, unavailable

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_PACKAGE = AXE_DIR / "node_modules" / "axe-core"
AXE_JS = AXE_PACKAGE / "axe.min.js"
FAILING_IMPACTS = frozenset({"serious", "critical"})
# HEARTH_A11Y_LOG=path appends every state's violations, of any impact, as JSON lines.
LOG = os.environ.get("HEARTH_A11Y_LOG", "")

# What a test could not check because axe-core is missing: its teardown skips it
# (never in CI, where the first such check fails at once).
MISSED: list[str] = []

_source: dict[str, str] = {}
_problem: dict[str, str] = {}

RUN_AXE = """async () => {
  const result = await window.axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, impact: n.impact, html: n.html})),
  }));
}"""


def _pinned_version() -> str:
    lock = json.loads((AXE_DIR / "package-lock.json").read_text())
    version: str = lock["packages"]["node_modules/axe-core"]["version"]
    return version


def _installed_version() -> str | None:
    try:
        version: str = json.loads((AXE_PACKAGE / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None
    return version


def _install() -> str | None:
    """Runs `npm ci` when axe-core is missing or not the pinned version; returns why
    it is unavailable, or None."""
    if AXE_JS.is_file() and _installed_version() == _pinned_version():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "axe-core (npm is not installed, so tests/browser/axe cannot be installed)"
    done = subprocess.run(
        [npm, "ci", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or not AXE_JS.is_file():
        return f"axe-core (npm ci --prefix tests/browser/axe failed: {done.stderr[-500:]})"
    return None


def axe_source() -> str | None:
    """The axe.min.js text, installed once per run; None when it cannot be had."""
    if "js" not in _source and "why" not in _problem:
        why = _install()
        if why is None:
            _source["js"] = AXE_JS.read_text()
        else:
            _problem["why"] = why
    return _source.get("js")


def unavailable_reason() -> str:
    return _problem.get("why", "axe-core")


def violations(page: Any) -> list[dict[str, Any]]:
    """Every violation axe-core finds in the page now, whatever its impact."""
    source = axe_source()
    assert source is not None
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the page's CSP (script-src 'self')
        # refuses an inline <script>, as add_script_tag would add, but not this.
        page.evaluate(source)
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


def describe(state: str, found: list[dict[str, Any]]) -> str:
    lines = [f"axe-core {_installed_version()}: serious or critical violations in {state}:"]
    for v in found:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:12]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    {target}    {node['html'][:160]}")
        if len(v["nodes"]) > 12:
            lines.append(f"    … and {len(v['nodes']) - 12} more")
    return "\n".join(lines)


def serious(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def check_a11y(page: Any, state: str) -> None:
    """Fails the test if axe-core finds a serious or critical violation in `page`."""
    if axe_source() is None:
        if REQUIRE:
            unavailable(unavailable_reason())
        MISSED.append(state)
        return
    started = time.monotonic()
    found = violations(page)
    if LOG:
        took = round(time.monotonic() - started, 3)
        line = {"state": state, "url": page.url, "seconds": took, "violations": found}
        with open(LOG, "a") as log:
            log.write(json.dumps(line) + "\n")
    bad = serious(found)
    if bad:
        pytest.fail(describe(state, bad), pytrace=False)
