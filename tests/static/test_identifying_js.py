"""The browser's guard (static/js/identifying.js) agrees with the server's rules
(rooms/identifying.py) on one table, loaded with node as the browser loads it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from rooms import identifying
from tests.rooms.test_identifying import SAMPLES
from tests.services import TIMEOUT, unavailable, which

MODULE = Path(__file__).resolve().parents[2] / "static" / "js" / "identifying.js"
NAMES = ["Quiet Heron", "Sam 123 Lee 4567", "sam . me", "sam@x", "www.sam", "Ann-Marie"]
SCRIPT = """
import { pathToFileURL } from "node:url";
const [path, texts, names] = process.argv.slice(1);
const m = await import(pathToFileURL(path).href);
process.stdout.write(JSON.stringify({
  texts: JSON.parse(texts).map((t) => [m.looksIdentifying(t), m.hasLink(t)]),
  names: JSON.parse(names).map((n) => m.nameKind(n)),
}));
"""


def test_python_and_javascript_rules_agree() -> None:
    node = which("node")
    if node is None:
        unavailable("node")
    texts = [text for text, _, _ in SAMPLES]
    done = subprocess.run(
        [str(node), "--input-type=module", "-e", SCRIPT, str(MODULE), json.dumps(texts),
         json.dumps(NAMES)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 3,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    expected = [[identifying.looks_identifying(t), identifying.has_link(t)] for t in texts]
    assert dict(zip(texts, got["texts"], strict=True)) == dict(zip(texts, expected, strict=True))
    assert got["names"] == [identifying.name_kind(n) for n in NAMES]
    assert expected == [[kind, link] for _, kind, link in SAMPLES]
