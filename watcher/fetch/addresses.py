"""Which URLs may be fetched: a host and a valid port, resolving to public addresses only (with
poll.block_private_addresses, as it is by default)."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from urllib.parse import urlsplit

from watcher.errors import FetchError


def _check_url(url: str) -> None:
    """Refuse a URL httpx or the socket layer would choke on: no host, a port out of range."""
    problem = _url_problem(url)
    if problem is not None:
        raise FetchError(problem)


@functools.lru_cache(maxsize=4096)
def _url_problem(url: str) -> str | None:
    # Cached: the same feed URLs are checked pass after pass (two netloc parses each).
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError when out of range or not a number
    except ValueError as exc:
        return f"invalid URL {url!r}: {exc}"
    return None if parts.hostname else f"no host in {url!r}"


async def ensure_public_host(url: str) -> None:
    """Refuse a URL whose host resolves to a loopback, private, link-local or otherwise internal address."""
    _check_url(url)
    host = urlsplit(url).hostname
    assert host is not None  # _check_url refuses a URL without one
    await public_addresses(host, urlsplit(url).port or (443 if url.lower().startswith("https") else 80))


async def public_addresses(host: str, port: int) -> list[IPAddress]:
    """The addresses `host` resolves to, each checked public; FetchError if it has none or any is internal."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror or exc}") from None
    except UnicodeError as exc:  # a host name IDNA cannot encode (an empty or over-long label)
        raise FetchError(f"cannot resolve {host!r}: {exc}") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    for address in addresses:
        if not is_public_address(address):
            raise FetchError(
                f"{host} resolves to the non-public address {address}; refused because "
                "poll.block_private_addresses is on"
            )
    if not addresses:
        raise FetchError(f"cannot resolve {host}: no address")
    return addresses


# IPv6 ranges that carry an IPv4 address in their last 32 bits (NAT64, IPv4-compatible), and the
# deprecated site-local range: Python counts all of them as global.
_IPV4_EMBEDDING = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public_address(address: IPAddress) -> bool:
    """Whether an address is on the public internet (an IPv4 address inside an IPv6 one judged as itself)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _SITE_LOCAL:
            return False
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in network for network in _IPV4_EMBEDDING):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not address.is_multicast
