"""Which network addresses internwatch may reach on its own initiative (SPEC §5, §6).

A link found in a scraped response and a notify URL must reach a public host: loopback,
private, link-local, multicast and reserved addresses are refused unless the operator (or,
for crawl links, the source's own `url`) names that host. The check is on the *resolved*
addresses, so a public-looking name that resolves to 127.0.0.1 is refused too.

`public_only_resolution` closes the DNS-rebinding window for code we do not control (apprise,
requests): while it is active, every `socket.getaddrinfo` call of this process drops
non-public answers for hosts that are not allowed, so the address that is checked is the
address that is connected to.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_real_getaddrinfo = socket.getaddrinfo


class BlockedAddress(ValueError):
    """A host that resolves to a loopback, private, link-local or reserved address."""


class Unresolvable(BlockedAddress):
    """A host name that does not resolve (now): no address to check, none to reach either."""


def is_public(address: str | IPAddress) -> bool:
    """True for a globally routable unicast address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_key(host: str) -> str:
    """A host as compared with an allow list: lower case, no brackets, no trailing dot."""
    return host.strip().strip("[]").rstrip(".").lower()


def is_allowed(host: str, allowed: Collection[str]) -> bool:
    return host_key(host) in {host_key(h) for h in allowed}


def resolve(host: str, port: int | None = None) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        # the real resolver, also inside `public_only_resolution`: the check wants every answer
        infos = _real_getaddrinfo(host_key(host), port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(f"host {host!r} does not resolve: {exc}") from exc
    return sorted({str(info[4][0]).split("%", 1)[0] for info in infos})


def check_host(host: str, allowed: Collection[str] = (), port: int | None = None) -> None:
    """Raise `BlockedAddress` unless `host` is allowed or resolves to public addresses only."""
    if not host:
        raise BlockedAddress("no host")
    if is_allowed(host, allowed):
        return
    for address in resolve(host, port):
        if not is_public(address):
            raise BlockedAddress(
                f"host {host!r} resolves to {address}, a loopback, private, link-local or reserved"
                " address; list it in settings.yaml allow_private_hosts if it is yours"
            )


_patch_lock = threading.Lock()
_patch_depth = 0
_allowed_now: set[str] = set()


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    infos = _real_getaddrinfo(host, *args, **kwargs)
    if host is None or host_key(str(host)) in _allowed_now:
        return infos
    public = [info for info in infos if is_public(str(info[4][0]).split("%", 1)[0])]
    if not public:
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: refused, not a public address")
    return public


@contextmanager
def public_only_resolution(allowed: Collection[str] = ()) -> Iterator[None]:
    """While active, name resolution in this process returns public addresses only (except
    for `allowed` hosts): what a library connects to is what was checked."""
    global _patch_depth
    with _patch_lock:
        _allowed_now.update(host_key(h) for h in allowed)
        _patch_depth += 1
        socket.getaddrinfo = _guarded_getaddrinfo
    try:
        yield
    finally:
        with _patch_lock:
            _patch_depth -= 1
            if _patch_depth == 0:
                socket.getaddrinfo = _real_getaddrinfo
                _allowed_now.clear()
