"""How much one client address may take: WebSockets open, hellos a minute, seats a meeting.

Counted per worker, in memory only. The address is a key in these counters and nothing
else: it is never logged, stored or sent anywhere. IPv6 clients are counted by their /64
(one subscriber usually holds a whole /64), IPv4-mapped IPv6 as the IPv4 address.

Two peers are not counted per address at all (only in the total): `127.0.0.1` and `::1`,
which on a server are a reverse proxy on the same machine (name it in
HEARTH_TRUSTED_PROXIES to count the clients behind it) or the operator's own tools; and a
peer with no IP address (a Unix socket, a test client), which has no address to count.

Behind a reverse proxy every connection comes from the proxy, so the client's own address
is read from `X-Forwarded-For` (or, when that is absent, `Forwarded`), but only when the
connection comes from one of `HEARTH_TRUSTED_PROXIES`; the chain is walked from the right,
past the trusted hops, so a client cannot choose its address by sending the header itself.
"""

from __future__ import annotations

import ipaddress
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from server.config import Settings
from server.metrics import Metrics

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
ADDRESS_KEY = "hearth.address"  # the scope key under which the guard leaves the address
LOCAL = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})


def address_key(raw: str) -> str | None:
    """The counting key of one textual address: itself for IPv4, its /64 for IPv6; None
    for a peer that is not counted per address (see the module docstring)."""
    try:
        ip = ipaddress.ip_address(raw.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in LOCAL:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def trusted_networks(settings: Settings) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in settings.trusted_proxies)


def is_trusted(raw: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(raw.strip().strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def _forwarded_for(headers: list[tuple[bytes, bytes]]) -> list[str]:
    """The client chain a proxy reported, oldest hop first."""
    xff = [v.decode("latin-1") for k, v in headers if k.lower() == b"x-forwarded-for"]
    if xff:
        return [hop.strip() for value in xff for hop in value.split(",") if hop.strip()]
    hops = []
    for k, v in headers:
        if k.lower() != b"forwarded":
            continue
        for element in v.decode("latin-1").split(","):
            for pair in element.split(";"):
                name, _, value = pair.strip().partition("=")
                if name.lower() == "for":
                    host = value.strip().strip('"')
                    if host.startswith("["):  # "[2001:db8::1]:4711"
                        host = host[1:].partition("]")[0]
                    elif host.count(":") == 1:  # "192.0.2.1:4711"
                        host = host.partition(":")[0]
                    hops.append(host)
    return hops


def client_address(scope: Scope, networks: tuple[Network, ...]) -> str | None:
    """The counting key of the client behind this connection (see the module docstring)."""
    client = scope.get("client")
    peer = str(client[0]) if client else ""
    if networks and is_trusted(peer, networks):
        hops = _forwarded_for(scope.get("headers", []))
        for hop in reversed(hops):
            if not is_trusted(hop, networks):
                return address_key(hop)
        if hops:
            return address_key(hops[0])
    return address_key(peer)


class AddressLimits:
    """The counters of one worker. Every method is synchronous: no await between a
    check and its count, so two connections cannot both take the last place."""

    def __init__(self, settings: Settings) -> None:
        self.max_total = settings.max_connections
        self.max_per_address = settings.max_connections_per_address
        self.joins_per_minute = settings.joins_per_address_per_minute
        self.max_seats = settings.max_seats_per_address
        self.total = 0
        self.sockets: Counter[str] = Counter()
        self.seats: Counter[tuple[str, str]] = Counter()
        self.hellos: dict[str, deque[float]] = {}
        self.swept_at = 0.0

    def open(self, address: str | None) -> int | None:
        """Counts a new WebSocket; or the HTTP status that refuses it (503 full, 429 yours)."""
        if self.total >= self.max_total:
            return 503
        if address is not None and self.sockets[address] >= self.max_per_address:
            return 429
        self.total += 1
        if address is not None:
            self.sockets[address] += 1
        return None

    def close(self, address: str | None) -> None:
        self.total -= 1
        if address is not None:
            self.sockets[address] -= 1
            if self.sockets[address] <= 0:
                del self.sockets[address]

    def hello(self, address: str | None, now: float) -> bool:
        """Counts one hello from this address; False when it is over its minute's share."""
        if address is None:
            return True
        if now - self.swept_at > 60:  # forget addresses that said nothing for a minute
            self.swept_at = now
            for key in [k for k, times in self.hellos.items() if now - times[-1] > 60]:
                del self.hellos[key]
        times = self.hellos.setdefault(address, deque())
        while times and now - times[0] > 60:
            times.popleft()
        if len(times) >= self.joins_per_minute:
            return False
        times.append(now)
        return True

    def take_seat(self, address: str | None, meeting_id: str, capacity: int) -> bool:
        """One more seat in this meeting for this address, unless it holds its share: the
        setting, and never more than half the room (rounded up)."""
        if address is None:
            return True
        limit = min(self.max_seats, max(1, (capacity + 1) // 2))
        key = (address, meeting_id)
        if self.seats[key] >= limit:
            return False
        self.seats[key] += 1
        return True

    def leave_seat(self, address: str | None, meeting_id: str) -> None:
        if address is None:
            return
        key = (address, meeting_id)
        self.seats[key] -= 1
        if self.seats[key] <= 0:
            del self.seats[key]


_REFUSALS = {
    503: b"This server has as many connections as it can take; try again shortly.",
    429: b"Too many connections from your network; close some and try again.",
}


class AddressGuard:
    """ASGI middleware: counts each WebSocket against the limits before the app sees it,
    refuses one over them with HTTP 503 or 429 before the upgrade, and leaves the address
    in the scope (under ADDRESS_KEY) for the hello and seat limits."""

    def __init__(
        self,
        app: ASGIApp,
        limits: AddressLimits,
        settings: Settings,
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        self.limits = limits
        self.metrics = metrics
        self.networks = trusted_networks(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        address = client_address(scope, self.networks)
        status = self.limits.open(address)
        if status is not None:
            if self.metrics is not None:
                self.metrics.limited(
                    "server_connections" if status == 503 else "address_connections"
                )
            await _refuse(scope, send, status)
            return
        try:
            scope[ADDRESS_KEY] = address  # in place: a copy would stay for the connection's life
            await self.app(scope, receive, send)
        finally:
            self.limits.close(address)


async def _refuse(scope: Scope, send: Send, status: int) -> None:
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1013})  # HTTP 403 on such servers
        return
    body = _REFUSALS[status]
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", b"30"),
    ]
    start: dict[str, Any] = {"type": "websocket.http.response.start", "status": status}
    await send({**start, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})
