"""A lean HTTP/1.1 client for feed fetches: keep-alive connections per origin over asyncio streams.

Why not httpx for this: a conditional GET answered 304 cost ~0.68 ms of CPU through httpx (its client,
httpcore's pool and h11, anyio's streams) against ~0.06 ms for the same request written and read on an
asyncio stream (bench: docs/benchmarks.md, "Issue 12's shape"); a pass over 1,000 unchanged feeds spent
most of its CPU there. Only what watcher.fetch needs is here: GET, a request's headers, a response's status,
headers and raw body (Content-Length, chunked, or up to the connection's end), connections kept per origin
(`per_host` at once, idle ones of the least recently used origins closed beyond `max_hosts`). Everything
else stays in watcher.fetch, shared with the httpx path (still used behind an HTTP(S)_PROXY): the total
deadline, redirects and their checks, decompression under the size cap, conditional headers.

Guards kept here: addresses checked where the connection is made (`public_only`: the name is resolved once,
every address checked, the checked address connected to, TLS verified for the name), a connect timeout,
bounded header and chunk-line sizes, no header value with a line break, a reused connection that fails
before its answer begins tried once on a fresh one (a GET is safe to repeat). Errors carry httpx's exception
names (ConnectError, ReadError, RemoteProtocolError...), so watcher.fetch words them the same on either path.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

HEAD_LIMIT = 64 * 1024  # bytes of status line and headers (and of a chunk-size line) at most
READ_SIZE = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
_NO_BODY = frozenset({204, 304})

Origin = tuple[str, str, int]


class HttpError(Exception):
    """A request that got no usable answer (named as httpx names its errors)."""


class TimeoutException(HttpError):
    pass


class ConnectTimeout(TimeoutException):
    pass


class ConnectError(HttpError):
    pass


class ReadError(HttpError):
    pass


class RemoteProtocolError(HttpError):
    pass


class LocalProtocolError(HttpError):
    pass


class UnsupportedProtocol(HttpError):
    pass


Resolver = Callable[[str, int], Awaitable[list[Any]]]  # (host, port) → addresses to connect to, checked


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def idle_and_open(self) -> bool:
        """Still usable for a new request: not closed, and nothing (an EOF, stray bytes) arrived meanwhile."""
        return not self.writer.is_closing() and not self.reader.at_eof() and not self.reader._buffer

    def close(self) -> None:
        self.writer.close()


class _OriginPool:
    __slots__ = ("active", "idle", "slots")

    def __init__(self, per_host: int) -> None:
        self.idle: list[_Connection] = []
        self.slots = asyncio.Semaphore(per_host)
        self.active = 0


class Response:
    """Status, headers (lower-case names) and the raw body as it arrives; `aclose` keeps or closes the connection."""

    def __init__(
        self,
        status: int,
        headers: dict[str, str],
        connection: _Connection,
        release: Callable[[_Connection, bool], None],
        *,
        length: int | None,
        chunked: bool,
        keep_alive: bool,
    ) -> None:
        self.status_code = status
        self.headers = headers
        self._connection = connection
        self._release: Callable[[_Connection, bool], None] | None = release
        self._length = length
        self._chunked = chunked
        self._keep_alive = keep_alive
        self._complete = length == 0 and not chunked

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        if self._complete:
            return
        reader = self._connection.reader
        try:
            if self._chunked:
                async for chunk in self._chunks(reader):
                    yield chunk
            elif self._length is not None:
                async for data in _exactly(reader, self._length):
                    yield data
            else:  # no length: the body runs to the connection's end
                while data := await reader.read(READ_SIZE):
                    yield data
                self._keep_alive = False
        except (ConnectionError, OSError) as exc:
            raise ReadError(str(exc) or type(exc).__name__) from None
        self._complete = True

    async def _chunks(self, reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
        while True:
            line = await _line(reader)
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise RemoteProtocolError(f"bad chunk size {size_text[:20]!r}") from None
            if size == 0:
                while await _line(reader):  # trailers, up to the blank line
                    pass
                return
            async for data in _exactly(reader, size):
                yield data
            if await _line(reader):
                raise RemoteProtocolError("chunk not followed by CRLF")

    async def aclose(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release(self._connection, self._complete and self._keep_alive)


async def _exactly(reader: asyncio.StreamReader, size: int) -> AsyncIterator[bytes]:
    """`size` bytes of a body as they arrive; the peer closing first is a protocol error."""
    while size:
        data = await reader.read(min(size, READ_SIZE))
        if not data:
            raise RemoteProtocolError("peer closed connection without sending complete message body")
        size -= len(data)
        yield data


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return (await reader.readuntil(b"\r\n"))[:-2]
    except asyncio.IncompleteReadError:
        raise RemoteProtocolError("peer closed connection without sending complete message body") from None
    except asyncio.LimitOverrunError:
        raise RemoteProtocolError("chunk line too long") from None


class LeanPool:
    """Connections per origin; `send` writes one GET and returns its Response once the headers are read."""

    def __init__(
        self,
        per_host: int,
        max_hosts: int,
        *,
        ssl_context: Callable[[], ssl.SSLContext],
        connect_timeout: float,
        resolve: Resolver | None = None,
        refusal: Callable[[Origin, str], str | None] = lambda origin, host: None,
        note_failure: Callable[[Origin, Exception, float], None] = lambda origin, exc, took: None,
    ) -> None:
        self.per_host = per_host
        self.max_hosts = max_hosts
        self.ssl_context = ssl_context
        self.connect_timeout = connect_timeout
        self.resolve = resolve  # set: addresses checked where the connection is made (PublicOnlyNetwork's rule)
        self.refusal = refusal  # why not to try the origin now (a slow failure just before), or None
        self.note_failure = note_failure
        self._pools: OrderedDict[Origin, _OriginPool] = OrderedDict()

    async def send(self, url: str, headers: Iterable[tuple[str, str]]) -> Response:
        scheme, host, port, request = _request(url, headers)
        origin = (scheme, host, port)
        refused = self.refusal(origin, host)
        if refused:
            raise ConnectError(refused)
        pool = self._pool(origin)
        pool.active += 1  # counted while it waits too: a pool with requests waiting is never evicted
        try:
            await pool.slots.acquire()
        except BaseException:
            pool.active -= 1
            raise
        released = False

        def release(connection: _Connection, keep: bool) -> None:
            nonlocal released
            if released:
                return
            released = True
            pool.active -= 1
            pool.slots.release()
            if keep and connection.idle_and_open():
                pool.idle.append(connection)
            else:
                connection.close()

        connection: _Connection | None = None
        try:
            while pool.idle:
                connection = pool.idle.pop()
                if not connection.idle_and_open():
                    connection.close()
                    continue
                try:
                    return await self._exchange(connection, request, release, reused=True)
                except _Retry:
                    connection.close()
            connection = None
            connection = await self._connect(origin)
            return await self._exchange(connection, request, release, reused=False)
        except BaseException:
            if connection is not None:
                connection.close()
            if not released:
                released = True
                pool.active -= 1
                pool.slots.release()
            raise

    def _pool(self, origin: Origin) -> _OriginPool:
        pool = self._pools.get(origin)
        if pool is not None:
            self._pools.move_to_end(origin)
            return pool
        pool = self._pools[origin] = _OriginPool(self.per_host)
        excess = max(len(self._pools) - self.max_hosts, 0)  # [:-n] would close all but n: every idle host but a few
        for other in [key for key, value in self._pools.items() if not value.active and key != origin][:excess]:
            for connection in self._pools.pop(other).idle:
                connection.close()
        return pool

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = self.ssl_context() if scheme == "https" else None
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            async with asyncio.timeout(self.connect_timeout):
                targets = [str(address) for address in await self.resolve(host, port)] if self.resolve else [host]
                failure: Exception | None = None
                for target in targets:
                    try:
                        reader, writer = await asyncio.open_connection(
                            target, port, ssl=tls, server_hostname=host if tls else None, limit=HEAD_LIMIT
                        )
                        return _Connection(reader, writer)
                    except (OSError, ssl.SSLError) as exc:
                        failure = exc
                assert failure is not None
                raise failure
        except TimeoutError:
            exc: Exception = ConnectTimeout(f"no connection within {self.connect_timeout:g}s")
        except (OSError, ssl.SSLError) as error:
            exc = ConnectError(str(error) or type(error).__name__)
        except Exception as error:  # the resolver's refusal (a non-public address, no such name): as it is
            exc = error
        self.note_failure(origin, exc, loop.time() - started)
        raise exc

    async def _exchange(
        self, connection: _Connection, request: bytes, release: Callable[[_Connection, bool], None], *, reused: bool
    ) -> Response:
        reader = connection.reader
        try:
            connection.writer.write(request)
            while True:  # informational answers (100, 103) come before the real one
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError as exc:
                    if reused and not exc.partial:
                        raise _Retry from None
                    raise RemoteProtocolError("Server disconnected without sending a response.") from None
                except asyncio.LimitOverrunError:
                    raise RemoteProtocolError("response headers too long") from None
                status, version, headers = _parse_head(head)
                if not 100 <= status < 200 or status == 101:
                    break
        except (ConnectionError, OSError) as exc:
            if reused:
                raise _Retry from None
            raise ReadError(str(exc) or type(exc).__name__) from None
        connection_header = headers.get("connection", "").lower()
        keep_alive = "close" not in connection_header and (version == "HTTP/1.1" or "keep-alive" in connection_header)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        length: int | None = None
        if status in _NO_BODY:
            length, chunked = 0, False
        elif not chunked and "content-length" in headers:
            declared = headers["content-length"].split(",")[0].strip()
            if not (declared.isascii() and declared.isdigit()):
                raise RemoteProtocolError(f"bad Content-Length {declared[:20]!r}")
            length = int(declared)
        return Response(status, headers, connection, release, length=length, chunked=chunked, keep_alive=keep_alive)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            for connection in pool.idle:
                connection.close()
            pool.idle.clear()


class _Retry(Exception):
    """A kept-alive connection the server had closed: the request goes out again on a new one."""


_PATH_SAFE = "/%!$&'()*+,;=:@-._~"  # kept as they are in a path (and %-escapes already made)
_QUERY_SAFE = _PATH_SAFE + "?"


def _request(url: str, headers: Iterable[tuple[str, str]]) -> tuple[str, str, int, bytes]:
    """(scheme, host as connected to, port, the request's bytes) of a GET of `url`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsupportedProtocol(f"unsupported scheme {scheme!r}")
    name = parts.hostname or ""
    if not name:
        raise LocalProtocolError("no host in the URL")
    if not name.isascii():  # an internationalised name: as httpx encodes it (IDNA 2008, UTS 46 mapping)
        import idna

        name = idna.encode(name, uts46=True).decode("ascii")
    given_port = parts.port  # each reading of .port (or .hostname) parses the netloc again
    port = given_port or DEFAULT_PORTS[scheme]
    authority = f"[{name}]" if ":" in name else name
    if given_port is not None and given_port != DEFAULT_PORTS[scheme]:
        authority += f":{given_port}"
    target = quote(parts.path, safe=_PATH_SAFE) or "/"
    if parts.query:
        target += "?" + quote(parts.query, safe=_QUERY_SAFE)
    lines = [f"GET {target} HTTP/1.1", f"Host: {authority}"]
    for key, value in headers:
        if "\r" in value or "\n" in value or "\0" in value:
            raise LocalProtocolError(f"illegal value in request header {key}")
        lines.append(f"{key}: {value}")
    return scheme, name, port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _parse_head(head: bytes) -> tuple[int, str, dict[str, str]]:
    lines = head[:-4].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not (parts[1].isascii() and parts[1].isdigit()):
        raise RemoteProtocolError(f"not an HTTP/1.x status line: {lines[0][:80]!r}")
    headers: dict[str, str] = {}
    name = ""
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and name:  # obsolete line folding: a continuation of the last header
            headers[name] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or not name:
            raise RemoteProtocolError(f"malformed header line {line[:80]!r}")
        value = value.strip()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return int(parts[1]), parts[0], headers
