"""Every stylesheet parses as plain CSS, one rule after another.

A brace lost in a merge does not fail loudly in a browser: the rules after it are
swallowed into the rule before, and the page quietly loses them (a pinned reading lost
its line breaks and its height limit that way). The parser sees it at once."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2

GROUPING = {"media", "supports", "layer", "container"}
GROUPING = {"media", "supports", "layer", "container"}
CSS = sorted((Path(__file__).resolve().parents[2] / "static" / "css").glob("*.css"))


def _problems(rules: list[tinycss2.ast.Node], where: str) -> list[str]:
    found = []
    for rule in rules:
        if isinstance(rule, tinycss2.ast.ParseError):
            found.append(f"{where} line {rule.source_line}: {rule.message}")
        elif isinstance(rule, tinycss2.ast.QualifiedRule):
            for item in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True):
                if not isinstance(item, tinycss2.ast.Declaration | tinycss2.ast.Comment):
                    found.append(f"{where} line {item.source_line}: not a declaration")
        elif isinstance(rule, tinycss2.ast.AtRule) and rule.lower_at_keyword in GROUPING:
            inner = tinycss2.parse_rule_list(rule.content or [], skip_whitespace=True)
            found += _problems(inner, where)
    return found


@pytest.mark.parametrize("path", CSS, ids=[p.name for p in CSS])
def test_a_stylesheet_is_a_list_of_whole_rules(path: Path) -> None:
    rules = tinycss2.parse_stylesheet(path.read_text(), skip_whitespace=True, skip_comments=True)
    assert _problems(rules, path.name) == []
