"""LeanPool: kept-alive connections per origin (`per_host` at once, the least recently used origins' idle ones closed
beyond `max_hosts`), each address checked where the connection is made, a request sent and its answer begun."""

from __future__ import annotations

import asyncio
import ssl
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from watcher.http11.errors import ConnectError, ConnectTimeout, ReadError, RemoteProtocolError
from watcher.http11.wire import _NO_BODY, HEAD_LIMIT, Response, _parse_head, _request

Origin = tuple[str, str, int]


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
