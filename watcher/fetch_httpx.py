"""The httpx side of watcher.fetch: the client used behind an HTTP(S)_PROXY, and its transport without one.

Imported only when used (behind a proxy, or by a caller asking for these classes): a `watcher poll` without a
proxy fetches through watcher.http11 and never imports httpx, httpcore or anyio (~0.08 CPU-s a process start).
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpcore
import httpx

from watcher.errors import FetchError
from watcher.fetch import addresses as _addresses
from watcher.fetch.client import Unreachable


def proxied_client(headers: dict[str, str], timeout: float, connect_timeout: float, concurrency: int) -> FeedClient:
    """httpx's own transport: every request goes to the proxy, which resolves names itself (addresses are
    checked before each request, in watcher.fetch)."""
    return FeedClient(
        checks_addresses=False,
        headers=headers,
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=min(concurrency, 8)),
    )


class FeedClient(httpx.AsyncClient):
    """httpx's client, knowing whether its connections refuse non-public addresses themselves."""

    def __init__(self, *, checks_addresses: bool, **options: Any) -> None:
        super().__init__(**options)
        self.checks_addresses = checks_addresses


class PerHostTransport(httpx.AsyncBaseTransport):
    """A small connection pool per origin; the least recently used idle ones closed beyond `max_hosts`.

    httpcore checks every pooled connection on each request (has_expired: a getpeername and a poll per
    idle socket), so one shared pool costs O(idle connections of all hosts) per request and must stay
    small, and then a host's next feed rarely finds its connection still open. One pool per origin makes
    that check O(per_host) and lets the feeds of one host share a connection (bench/poll: see
    docs/benchmarks.md).
    """

    def __init__(
        self, per_host: int, max_hosts: int, *, public_only: bool = False, unreachable: Unreachable | None = None
    ) -> None:
        self._limits = httpx.Limits(max_connections=per_host, max_keepalive_connections=per_host)
        self._network = PublicOnlyNetwork() if public_only else None
        # One TLS context for every pool: building one loads the CA bundle (~15 ms), per host that was
        # most of a fresh process's polling CPU.
        self._ssl_context = httpx.create_ssl_context()
        self._max_hosts = max_hosts
        self._pools: OrderedDict[tuple[bytes, bytes, int | None], httpx.AsyncHTTPTransport] = OrderedDict()
        self._in_flight: Counter[tuple[bytes, bytes, int | None]] = Counter()
        self.unreachable = unreachable or Unreachable()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        origin = (request.url.raw_scheme, request.url.raw_host, request.url.port)
        refused = self.unreachable.refusal(origin, request.url.host)
        if refused:
            raise httpx.ConnectError(refused)
        pool = self._pools.get(origin)
        new = pool is None
        if pool is None:
            pool = self._pools[origin] = httpx.AsyncHTTPTransport(verify=self._ssl_context, limits=self._limits)
            if self._network is not None:
                # httpx takes no network backend; its httpcore pool does, and opens connections lazily.
                assert isinstance(pool._pool, httpcore.AsyncConnectionPool)
                pool._pool._network_backend = self._network
        else:
            self._pools.move_to_end(origin)
        self._in_flight[origin] += 1  # before any eviction: this pool is in use from now on
        started = time.monotonic()
        try:
            if new:
                await self._close_idle_beyond_limit()
            response = await pool.handle_async_request(request)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            self._done(origin)
            self.unreachable.note(origin, exc, time.monotonic() - started)
            raise
        except BaseException:
            self._done(origin)
            raise
        # The connection stays busy until the body is read or closed: count the request done only then.
        response.stream = _CallbackStream(response.stream, lambda: self._done(origin))
        return response

    def _done(self, origin: tuple[bytes, bytes, int | None]) -> None:
        self._in_flight[origin] -= 1
        if self._in_flight[origin] <= 0:
            del self._in_flight[origin]

    async def _close_idle_beyond_limit(self) -> None:
        excess = len(self._pools) - self._max_hosts
        for origin in [origin for origin in self._pools if origin not in self._in_flight][: max(excess, 0)]:
            await self._pools.pop(origin).aclose()

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()


class PrivateAddressRefused(httpcore.ConnectError):
    pass


class PublicOnlyNetwork(httpcore.AsyncNetworkBackend):
    """Connects to public addresses only: resolves the host once, checks every address, connects to those.

    Checking where the connection is made, not before the request, leaves no second lookup for a DNS
    rebinding answer to slip an internal address into, and costs one lookup per new connection
    rather than one per request.
    """

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()  # what httpcore's AutoBackend picks under asyncio

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await _addresses.public_addresses(host, port)
        except FetchError as exc:
            raise PrivateAddressRefused(str(exc)) from None
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._backend.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None  # public_addresses returns at least one
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise PrivateAddressRefused("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _CallbackStream(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, on_close: Callable[[], None]) -> None:
        self._stream = stream
        self._on_close: Callable[[], None] | None = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._on_close is not None:
                self._on_close, on_close = None, self._on_close
                on_close()


def translate(exc: Exception, url: str) -> FetchError | None:
    """httpx's error as watcher.fetch words it (None: not one of httpx's)."""
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(f"timed out talking to {url}")
    if isinstance(exc, httpx.HTTPError):
        if isinstance(exc.__cause__, PrivateAddressRefused):
            return FetchError(str(exc))
        return FetchError(f"{type(exc).__name__} from {url}: {exc}")
    if isinstance(exc, httpx.InvalidURL):
        return FetchError(f"{type(exc).__name__} while fetching {url}: {exc}")
    return None
