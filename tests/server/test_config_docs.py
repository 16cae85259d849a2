"""Every setting an operator can set is in the Configuration table of docs/operations.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_hearth_variable_read_by_the_settings_is_documented() -> None:
    source = (ROOT / "server" / "config.py").read_text()
    read = set(re.findall(r'"(HEARTH_[A-Z0-9_]+)"', source))
    assert len(read) > 30, read  # the pattern still finds them
    docs = (ROOT / "docs" / "operations.md").read_text()
    table = docs.split("## Configuration", 1)[1]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("|")]
    documented = {name for cell in first_cells for name in re.findall(r"`(HEARTH_\w+)`", cell)}
    missing = sorted(read - documented)
    assert not missing, f"not in a table of docs/operations.md after Configuration: {missing}"
