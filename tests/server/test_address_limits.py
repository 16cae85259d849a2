"""Whose address a connection counts against, and the counters, with literal scopes."""

from __future__ import annotations

from typing import Any

import pytest

from server.address_limits import AddressLimits, address_key, client_address, trusted_networks
from server.config import ConfigError, Settings

PROXY = Settings(trusted_proxies=("10.0.0.0/8",))


def scope(peer: str, *headers: tuple[str, str]) -> dict[str, Any]:
    return {
        "type": "websocket",
        "client": (peer, 4711),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
    }


def test_proxy_headers_count_only_from_a_trusted_proxy() -> None:
    """A client cannot pick its address by sending X-Forwarded-For itself."""
    forged = scope("198.51.100.7", ("X-Forwarded-For", "192.0.2.1"))
    assert client_address(forged, trusted_networks(PROXY)) == "198.51.100.7"
    assert client_address(forged, trusted_networks(Settings())) == "198.51.100.7"


def test_the_chain_is_read_from_the_right_past_trusted_hops() -> None:
    proxied = scope("10.0.0.2", ("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.0.0.9"))
    assert client_address(proxied, trusted_networks(PROXY)) == "198.51.100.7"


def test_forwarded_is_read_when_there_is_no_x_forwarded_for() -> None:
    proxied = scope("10.0.0.2", ("Forwarded", 'for="[2001:db8:1:2::5]:4711";proto=https'))
    assert client_address(proxied, trusted_networks(PROXY)) == "2001:db8:1:2::/64"
    v4 = scope("10.0.0.2", ("Forwarded", "for=192.0.2.60:5000, for=10.0.0.3"))
    assert client_address(v4, trusted_networks(PROXY)) == "192.0.2.60"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::/64"),
        ("2001:db8::ffff:1", "2001:db8::/64"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("127.0.0.1", None),
        ("::1", None),
        ("::ffff:127.0.0.1", None),
        ("testclient", None),
    ],
)
def test_address_keys(raw: str, key: str | None) -> None:
    """IPv6 counts per /64, mapped IPv4 as IPv4; the local host and non-IPs not at all."""
    assert address_key(raw) == key


def test_trusted_proxies_are_validated() -> None:
    with pytest.raises(ConfigError, match="HEARTH_TRUSTED_PROXIES"):
        Settings.from_env({"HEARTH_TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"})
    settings = Settings.from_env({"HEARTH_TRUSTED_PROXIES": "10.1.2.3/8, ::1"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1/128")


def test_limit_settings_are_validated() -> None:
    with pytest.raises(ConfigError, match="HEARTH_MAX_CONNECTIONS"):
        Settings.from_env({"HEARTH_MAX_CONNECTIONS": "0"})
    with pytest.raises(ConfigError, match="HEARTH_JOINS_PER_ADDRESS_PER_MINUTE"):
        Settings.from_env({"HEARTH_JOINS_PER_ADDRESS_PER_MINUTE": "many"})


def test_counters_refuse_over_their_limits_and_give_places_back() -> None:
    limits = AddressLimits(
        Settings(
            max_connections=3,
            max_connections_per_address=2,
            joins_per_address_per_minute=2,
            max_seats_per_address=5,
        )
    )
    assert [limits.open("a"), limits.open("a"), limits.open("a")] == [None, None, 429]
    assert [limits.open("b"), limits.open(None)] == [None, 503]
    limits.close("a")
    assert limits.open(None) is None  # not counted per address, only in the total
    assert [limits.hello("a", 0), limits.hello("a", 1), limits.hello("a", 2)] == [
        True,
        True,
        False,
    ]
    assert limits.hello("a", 61.5)  # a minute later
    # Seats: the setting, and never more than half the room.
    assert [limits.take_seat("a", "m", capacity=4) for _ in range(3)] == [True, True, False]
    limits.leave_seat("a", "m")
    assert limits.take_seat("a", "m", capacity=4)
