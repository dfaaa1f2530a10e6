"""HTTP/1.1 on the wire: a GET written, a response's status line and headers parsed (within HEAD_LIMIT), and its
body read as sent (Content-Length, chunked, or to the connection's end)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from watcher.http11.errors import LocalProtocolError, ReadError, RemoteProtocolError, UnsupportedProtocol

if TYPE_CHECKING:
    from watcher.http11.pool import _Connection

HEAD_LIMIT = 64 * 1024  # bytes of status line and headers (and of a chunk-size line) at most
READ_SIZE = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
_NO_BODY = frozenset({204, 304})


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
