"""Reads GET /metrics of a real server as Prometheus would (its own text parser)."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.service.conftest import Server

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape_text(server: Server, token: str | None = None) -> str:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = httpx.get(f"{server.url}/metrics", headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=")
    return r.text


def samples(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def scrape(server: Server, token: str | None = None) -> Samples:
    return samples(scrape_text(server, token))


def value(figures: Samples, name: str, **labels: str) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)
