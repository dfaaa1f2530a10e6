"""The one client every feed is fetched with: watcher.http11's pooled connections (httpx's behind a proxy), our
headers, and the origins left alone for a while after a connection attempt to them failed slowly."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from watcher import __version__
from watcher.fetch import addresses
from watcher.fetch.addresses import IPAddress
from watcher.fetch.results import FetchLimits
from watcher.http11.pool import LeanPool

DEFAULT_USER_AGENT = f"watcher/{__version__} (self-hosted feed monitor; +https://github.com/watcher/watcher)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
    "text/xml;q=0.8, */*;q=0.5"
)


# A connection attempt that failed slowly (a DNS lookup or a connect that timed out): the origin is not tried
# again for twice as long as that attempt took, at most UNREACHABLE_MAX seconds; its requests meanwhile fail
# at once. A fast failure (connection refused, no such name) costs nothing to repeat and is not remembered.


SLOW_CONNECT_FAILURE = 1.0
UNREACHABLE_MAX = 60.0


def make_client(limits: FetchLimits, user_agent: str | None = None, concurrency: int = 16, per_host: int = 2) -> Client:
    """The one client every feed is fetched with: pooled connections, our headers, no auto-redirects."""
    headers = {
        "User-Agent": user_agent or DEFAULT_USER_AGENT,
        "Accept": ACCEPT,
        "Accept-Encoding": "gzip, deflate",  # only what we can decompress in bounded steps ourselves
    }
    if _behind_proxy():
        # Behind an HTTP(S)_PROXY every request goes to the proxy: httpx's own transport handles that, one
        # pool is right, and addresses are checked before each request (the proxy resolves names itself).
        from watcher.fetch_httpx import proxied_client

        return proxied_client(headers, limits.timeout, limits.connect_timeout, concurrency)
    return LeanClient(headers, limits, per_host, max_hosts=max(64, 4 * concurrency))


def _behind_proxy() -> bool:
    """urllib.request.getproxies(), asked only where it could find a proxy: importing urllib.request (http.client,
    email's parser) costs ~5 ms of every start. On Linux it reads only the *_proxy environment variables, and finds
    nothing unless one of them has a value; elsewhere it reads the system's settings too."""
    if sys.platform == "linux" and not any(
        value and name.lower().endswith("_proxy") for name, value in os.environ.items()
    ):
        return False
    import urllib.request

    return bool(urllib.request.getproxies())


class LeanClient:
    """Requests through watcher.http11 (see there why not httpx): a small pool of kept-alive connections per
    origin (`per_host` each, the least recently used idle ones closed beyond `max_hosts`), addresses checked
    as each connection is made, one TLS context built at the first https request."""

    checks_addresses: bool

    def __init__(self, headers: Mapping[str, str], limits: FetchLimits, per_host: int, max_hosts: int) -> None:
        self.headers = dict(headers)
        self.checks_addresses = limits.block_private_addresses
        self.unreachable = Unreachable()
        self._ssl_context: Any = None

        async def resolve(host: str, port: int) -> list[IPAddress]:
            return await addresses.public_addresses(host, port)  # looked up at each call (tests replace it)

        self.lean = LeanPool(
            per_host,
            max_hosts,
            ssl_context=self.ssl_context,
            connect_timeout=limits.connect_timeout,
            resolve=resolve if limits.block_private_addresses else None,
            refusal=self.unreachable.refusal,
            note_failure=self.unreachable.note,
        )

    def ssl_context(self) -> Any:
        """One TLS context for every host: building one loads the CA bundle (~15 ms)."""
        if self._ssl_context is None:
            import os
            import ssl

            # As httpx builds it (the same CA bundle, SSL_CERT_FILE and SSL_CERT_DIR honoured).
            if os.environ.get("SSL_CERT_FILE"):
                context = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
            elif os.environ.get("SSL_CERT_DIR"):
                context = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
            else:
                import certifi

                context = ssl.create_default_context(cafile=certifi.where())
            context.set_alpn_protocols(["http/1.1"])
            self._ssl_context = context
        return self._ssl_context

    async def aclose(self) -> None:
        await self.lean.aclose()

    async def __aenter__(self) -> LeanClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


Client = LeanClient | Any  # LeanClient, or httpx's client behind a proxy (watcher.fetch_httpx.FeedClient)


class Unreachable:
    """Origins whose last connection attempt failed slowly: see SLOW_CONNECT_FAILURE."""

    def __init__(self) -> None:
        self._until: dict[object, tuple[float, str]] = {}  # origin → (monotonic time it is tried again, error)

    def refusal(self, origin: object, host: str) -> str | None:
        """Why not to try the origin now (its last attempt failed slowly, just before), or None."""
        remembered = self._until.get(origin)
        if remembered is None:
            return None
        until, error = remembered
        left = until - time.monotonic()
        if left <= 0:
            del self._until[origin]
            return None
        return f"not tried: {host} could not be reached just before ({error}); again in {left:.0f}s"

    def note(self, origin: object, exc: Exception, took: float) -> None:
        """A connection attempt to the origin failed after `took` seconds."""
        if took >= SLOW_CONNECT_FAILURE:
            until = time.monotonic() + min(2 * took, UNREACHABLE_MAX)
            self._until[origin] = (until, f"{type(exc).__name__} after {took:.1f}s: {exc}")

    def clear(self) -> None:
        self._until.clear()
