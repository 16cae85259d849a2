"""Every locale module in static/js/strings/ has exactly the keys of English.

The modules are loaded with node, as the browser loads them, rather than parsed here.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, TypedDict

import pytest

from tests.services import TIMEOUT, unavailable, which

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
STRINGS_JS = STATIC_JS / "strings.js"
LOCALE_DIR = STATIC_JS / "strings"
LOCALES = sorted(path.stem for path in LOCALE_DIR.glob("*.js"))
SCRIPT = Path(__file__).with_name("locale_keys.mjs")


class Table(TypedDict):
    keys: list[str]
    not_text: list[str]


class Loaded(TypedDict):
    assembled: dict[str, Table]
    files: dict[str, Table]
    same_object: dict[str, bool]


def load(strings_js: Path, locale_dir: Path) -> Loaded:
    """Runs node on the assembled table and each locale module of `locale_dir`."""
    node = which("node")
    if node is None:
        unavailable("node")
    files = sorted(str(path) for path in locale_dir.glob("*.js"))
    done = subprocess.run(
        [str(node), str(SCRIPT), str(strings_js), *files],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 3,
        check=False,
    )
    assert done.returncode == 0, f"node could not load the locales:\n{done.stderr}"
    loaded: Loaded = json.loads(done.stdout)
    return loaded


def differences(loaded: Loaded, locale: str) -> dict[str, list[str]]:
    """The keys `locale` lacks and the keys it has that English has not."""
    english = set(loaded["files"]["en"]["keys"])
    keys = set(loaded["files"][locale]["keys"])
    return {"missing": sorted(english - keys), "extra": sorted(keys - english)}


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    return load(STRINGS_JS, LOCALE_DIR)


def test_english_and_at_least_one_other_locale_exist() -> None:
    assert "en" in LOCALES
    assert len(LOCALES) > 1, LOCALES


@pytest.mark.parametrize("locale", [loc for loc in LOCALES if loc != "en"])
def test_locale_has_exactly_the_english_keys(loaded: Loaded, locale: str) -> None:
    found = differences(loaded, locale)
    assert found == {"missing": [], "extra": []}, f"{locale}.js differs from en.js: {found}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_string_is_text(loaded: Loaded, locale: str) -> None:
    assert loaded["files"][locale]["not_text"] == []


def test_strings_js_assembles_every_locale_module(loaded: Loaded) -> None:
    """What i18n.js imports is each locale module itself, and no locale without one."""
    assert sorted(loaded["assembled"]) == LOCALES
    assert loaded["same_object"] == dict.fromkeys(LOCALES, True)


def _write_locale(directory: Path, locale: str, table: dict[str, Any]) -> None:
    (directory / f"{locale}.js").write_text(f"export default {json.dumps(table)};\n")


def test_the_check_reports_a_missing_and_an_extra_key(tmp_path: Path) -> None:
    """The comparison above fails for a locale with one key too few and one too many."""
    locale_dir = tmp_path / "strings"
    locale_dir.mkdir()
    _write_locale(locale_dir, "en", {"a.one": "One", "a.two": "Two"})
    _write_locale(locale_dir, "xx", {"a.one": "Un", "a.three": "Trois", "a.four": 4})
    strings_js = tmp_path / "strings.js"
    strings_js.write_text(
        'import en from "./strings/en.js";\n'
        'import xx from "./strings/xx.js";\n'
        "export const STRINGS = { en, xx };\n"
    )
    result = load(strings_js, locale_dir)
    assert differences(result, "xx") == {"missing": ["a.two"], "extra": ["a.four", "a.three"]}
    assert differences(result, "en") == {"missing": [], "extra": []}
    assert result["files"]["xx"]["not_text"] == ["a.four"]
    assert result["same_object"] == {"en": True, "xx": True}
