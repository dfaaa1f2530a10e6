"""Fetching feed bodies: http(s) through one shared client (watcher.http11), file:// and local paths from disk.

Limits hold whatever the server does: a total deadline per fetch (with timeouts per read alone, a server
dripping a byte every few seconds would never time out), a cap on the bytes after decompression
(we decompress ourselves, in bounded steps, so a gzip bomb stops at the cap), and a redirect limit with
every hop checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import ipaddress
import os
import socket
import sys
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

from watcher import __version__, http11
from watcher.errors import FetchError
from watcher.http11 import LeanPool

if TYPE_CHECKING:
    import httpx

DEFAULT_USER_AGENT = f"watcher/{__version__} (self-hosted feed monitor; +https://github.com/watcher/watcher)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.9, "
    "text/xml;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
MAX_RETRY_AFTER = 24 * 3600.0
# A connection attempt that failed slowly (a DNS lookup or a connect that timed out): the origin is not tried
# again for twice as long as that attempt took, at most UNREACHABLE_MAX seconds; its requests meanwhile fail
# at once. A fast failure (connection refused, no such name) costs nothing to repeat and is not remembered.
DRAIN_MAX = 64 * 1024  # bytes of a redirect's body read to keep its connection; a longer one closes it
SLOW_CONNECT_FAILURE = 1.0
UNREACHABLE_MAX = 60.0


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 30.0  # seconds for the whole fetch, redirects included
    connect_timeout: float = 10.0
    max_bytes: int = 10 * 10**6
    max_redirects: int = 5
    block_private_addresses: bool = True


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought back. ``body`` is empty when the server said 304 Not Modified."""

    url: str  # the URL finally fetched, after redirects
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    cache_control: str | None = None
    permanent_redirect: str | None = None  # set when every hop was a 301/308
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpStatusError(FetchError):
    """A final HTTP status that is not a feed: 4xx or 5xx."""

    def __init__(self, status: int, url: str, retry_after: float | None = None) -> None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "error"
        super().__init__(f"HTTP {status} {reason} from {url}")
        self.status = status
        self.retry_after = retry_after

    @property
    def gone(self) -> bool:
        return self.status == 410


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
            return await public_addresses(host, port)  # looked up at each call (tests replace it)

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


def __getattr__(name: str) -> Any:
    """The httpx side (PerHostTransport, PublicOnlyNetwork, FeedClient...), imported only when asked for."""
    if name in ("FeedClient", "PerHostTransport", "PublicOnlyNetwork", "PrivateAddressRefused"):
        from watcher import fetch_httpx

        return getattr(fetch_httpx, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


async def fetch(
    client: Client,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: FetchLimits = FetchLimits(),
    accept: str | None = None,
    resolve: bool = False,
) -> FetchResult:
    """Fetch one feed, conditionally. Raises FetchError (HttpStatusError for HTTP statuses).

    The same for an article page (`accept` HTML) and for following a news engine's link to the publisher
    (`resolve`: redirects are followed, every hop checked, while they stay on the link's host; the result's
    url is where they lead off it, not requested, and its body is empty).
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        return await asyncio.to_thread(read_local_file, url, etag=etag, max_bytes=limits.max_bytes)
    if scheme not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme in {url!r}")
    try:
        async with asyncio.timeout(limits.timeout):
            return await _fetch_http(client, url, etag, last_modified, limits, accept, resolve)
    except TimeoutError:
        raise FetchError(f"no complete response within {limits.timeout:g}s from {url}") from None
    except http11.TimeoutException:
        raise FetchError(f"timed out talking to {url}") from None
    except http11.HttpError as exc:
        raise FetchError(f"{type(exc).__name__} from {url}: {exc}") from None
    except FetchError:
        raise
    except ValueError as exc:  # a malformed URL, e.g. in a Location header; UnicodeError too
        raise FetchError(f"{type(exc).__name__} while fetching {url}: {exc}") from None
    except Exception as exc:
        translated = _httpx_error(exc, url)
        if translated is None:
            raise
        raise translated from None


def _httpx_error(exc: Exception, url: str) -> FetchError | None:
    if "httpx" not in sys.modules:  # only the client behind a proxy is httpx's
        return None
    from watcher.fetch_httpx import translate

    return translate(exc, url)


async def _fetch_http(
    client: Client,
    url: str,
    etag: str | None,
    last_modified: str | None,
    limits: FetchLimits,
    accept: str | None = None,
    resolve: bool = False,
) -> FetchResult:
    conditional = {"Accept": accept} if accept else {}
    first_host = urlsplit(url).hostname if resolve else None
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    hops = 0
    every_hop_permanent = True
    for _hop in range(limits.max_redirects + 1):
        _check_url(url)
        if limits.block_private_addresses and not getattr(client, "checks_addresses", False):
            await ensure_public_host(url)
        response: Any
        if isinstance(client, LeanClient):
            response = await client.lean.send(url, {**client.headers, **conditional}.items())
        else:
            request = client.build_request("GET", url, headers=conditional)
            response = await client.send(request, stream=True)
        try:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                target = urljoin(url, response.headers["location"].strip())
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise FetchError(f"redirect from {url} to a non-http URL {target!r}")
                every_hop_permanent &= response.status_code in PERMANENT_REDIRECTS
                await _drain(response)
                hops += 1
                url = target
                if resolve and urlsplit(target).hostname != first_host:
                    return FetchResult(url=target, status=response.status_code)
                continue
            if response.status_code == 304:
                await _drain(response)
                return _result(response, url, b"", hops > 0 and every_hop_permanent)
            if response.status_code >= 400 or response.status_code < 200:
                raise HttpStatusError(response.status_code, url, parse_retry_after(response.headers))
            body = await read_limited(response, limits.max_bytes) if not resolve else b""
            return _result(response, url, body, hops > 0 and every_hop_permanent)
        finally:
            await response.aclose()
    raise FetchError(f"more than {limits.max_redirects} redirects, last to {url}")


async def _drain(response: Any) -> None:
    """Read a bodiless answer (304) or a short one (a redirect) to its end, so its connection is kept for the next
    request: a response closed before its end closes the connection, and every 304 of a pass opened a new one."""
    declared = response.headers.get("content-length", "")
    short = declared.isascii() and declared.isdigit() and int(declared) <= DRAIN_MAX
    if response.status_code == 304 or short:  # a 304 has no body, whatever its Content-Length says
        with contextlib.suppress(Exception):  # else it closes with its connection, as before
            await read_limited(response, DRAIN_MAX)


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


def _result(response: Any, url: str, body: bytes, moved_permanently: bool) -> FetchResult:
    headers = response.headers
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        content_type=headers.get("content-type"),
        cache_control=headers.get("cache-control"),
        permanent_redirect=url if moved_permanently else None,
        headers={key: headers[key] for key in ("content-type", "content-location") if key in headers},
    )


async def read_limited(response: Any, max_bytes: int) -> bytes:
    """The response body, decompressed, refusing to grow past max_bytes at any stage."""
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response of {int(declared)} bytes exceeds the {max_bytes} byte limit")
    decoder = _Decoder(response.headers.get("content-encoding", ""), max_bytes)
    async for chunk in response.aiter_raw():
        decoder.feed(chunk)
    return decoder.finish()


class _Decoder:
    """Decompresses gzip/deflate in steps of bounded output, so memory stays near max_bytes."""

    def __init__(self, content_encoding: str, max_bytes: int) -> None:
        encodings = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
        encodings = [e for e in encodings if e != "identity"]
        if len(encodings) > 1 or (encodings and encodings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(f"unsupported Content-Encoding {content_encoding!r}")
        self.encoding = encodings[0] if encodings else None
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        self.decompressor: zlib._Decompress | None = None
        self.pending = b""  # the first byte of a stream, when it came alone: too little to tell its format
        self.streams = 0  # compressed streams (gzip members) begun
        self.ignoring = False  # bytes after the last stream that begin no new gzip member

    def _start(self, first: bytes) -> zlib._Decompress:
        if self.encoding == "deflate":
            # "deflate" is zlib-wrapped per RFC 9110, but some servers send raw deflate.
            wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and int.from_bytes(first[:2]) % 31 == 0
            return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _append(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise FetchError(f"response exceeds the {self.max_bytes} byte limit (after decompression)")
        self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self.encoding is None:
            self._append(data)
            return
        if self.pending:
            data, self.pending = self.pending + data, b""
        while data and not self.ignoring:
            if self.decompressor is None:
                if len(data) < 2:
                    self.pending = data
                    return
                if self.streams and not (self.encoding != "deflate" and data.startswith(b"\x1f\x8b")):
                    # Padding or junk after a complete body: ignored, as browsers and curl do.
                    self.ignoring = True
                    return
                self.decompressor = self._start(data)
                self.streams += 1
            try:
                out = self.decompressor.decompress(data, self.max_bytes - self.size + 1)
            except zlib.error as exc:
                raise FetchError(f"corrupt {self.encoding} response body: {exc}") from None
            self._append(out)
            if self.decompressor.unconsumed_tail:
                data = self.decompressor.unconsumed_tail
            elif self.decompressor.eof:
                data = self.decompressor.unused_data  # perhaps a concatenated gzip member
                self.decompressor = None
            else:
                data = b""

    def finish(self) -> bytes:
        if (self.decompressor is not None and not self.decompressor.eof) or (self.pending and not self.streams):
            raise FetchError(f"truncated {self.encoding} response body")
        return b"".join(self.parts)


def parse_retry_after(headers: Mapping[str, str] | httpx.Headers) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), clamped to [0, 24h]."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()  # the server's clock, not watcher's (clock.py)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


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


def read_local_file(url: str, *, etag: str | None, max_bytes: int) -> FetchResult:
    """A file:// feed. Its ETag is its mtime and size, so an unchanged file answers like a 304."""
    path = Path(unquote(urlsplit(url).path))
    try:
        stat = path.stat()
        version = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if etag == version:
            return FetchResult(url=url, status=304, etag=version)
        if stat.st_size > max_bytes:
            raise FetchError(f"{path} is {stat.st_size} bytes, over the {max_bytes} byte limit")
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FetchError(f"no such file: {path}") from None
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(body) > max_bytes:
        raise FetchError(f"{path} exceeds the {max_bytes} byte limit")
    modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
    return FetchResult(
        url=url,
        status=200,
        body=body,
        etag=version,
        last_modified=modified,
        content_type="application/xml",
        headers={"content-location": path.as_uri()},
    )
