"""watcher.fetch against misbehaving servers on 127.0.0.1: drips, floods, bombs, loops and hostile headers.

Each server here is scripted per path (a function writing the raw response), so a test can send what
FeedServer cannot: a body one byte at a time, chunked or gzipped bodies, redirect chains, odd headers.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import ipaddress
import os
import socket
import sys
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import FeedServer, Route, rss
from watcher.errors import FetchError
from watcher.fetch import addresses
from watcher.fetch import client as fetch_client
from watcher.fetch.addresses import ensure_public_host, is_public_address
from watcher.fetch.client import LeanClient, make_client
from watcher.fetch.request import fetch
from watcher.fetch.results import FetchLimits, FetchResult, HttpStatusError
from watcher.fetch_httpx import PerHostTransport

FEED = rss({"title": "Xiaomi news", "link": "http://example.com/1"})
MB = 10**6


# --- a scripted HTTP server ------------------------------------------------------------------------


Script = Callable[[BaseHTTPRequestHandler, "ScriptedServer"], None]


@dataclass
class Hit:
    path: str
    at: float  # time.monotonic() when the request line arrived


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is what these tests do
            super().handle_error(request, client_address)


@dataclass
class ScriptedServer:
    """A threading HTTP/1.1 server on 127.0.0.1: each path runs its script, which writes the raw response."""

    scripts: dict[str, Script] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)  # body bytes written per path before the client left
    finished: set[str] = field(default_factory=set)  # paths whose script has returned
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = urlsplit(self.path).path
                server.hits.append(Hit(path, time.monotonic()))
                script = server.scripts.get(path)
                try:
                    if script is None:
                        self.send_response(404)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                    else:
                        script(self, server)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    server.finished.add(path)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits_to(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def wait_finished(self, path: str, seconds: float = 5.0) -> bool:
        deadline = time.monotonic() + seconds
        while path not in self.finished and time.monotonic() < deadline:
            time.sleep(0.02)
        return path in self.finished


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    scripted.thread.start()
    yield scripted
    scripted.stop.set()  # ends every drip and flood still writing
    scripted.httpd.shutdown()
    scripted.httpd.server_close()


def respond(
    status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None, *, length: bool = True
) -> Script:
    def script(handler: BaseHTTPRequestHandler, _server: ScriptedServer) -> None:
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        if length:
            handler.send_header("Content-Length", str(len(body)))
        else:
            handler.send_header("Connection", "close")
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(body)

    return script


def redirect(status: int, location: str) -> Script:
    return respond(status, b"", {"Location": location})


def chunked(*chunks: bytes, headers: dict[str, str] | None = None, pause: float = 0.0) -> Script:
    """A chunked body, each chunk flushed on its own (with `pause` seconds after each)."""

    def script(handler: BaseHTTPRequestHandler, _server: ScriptedServer) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        for chunk in chunks:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.flush()
            time.sleep(pause)
        handler.wfile.write(b"0\r\n\r\n")

    return script


def flood(total: int, *, declare_length: bool) -> Script:
    """`total` bytes of feed-looking filler, with a Content-Length or chunked; counts what was written."""
    piece = b"<!-- " + b"x" * (65536 - 9) + b" -->"

    def script(handler: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
        path = urlsplit(handler.path).path
        server.sent[path] = 0
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if declare_length:
            handler.send_header("Content-Length", str(total))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        while server.sent[path] < total and not server.stop.is_set():
            chunk = piece[: total - server.sent[path]]
            handler.wfile.write(chunk if declare_length else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            server.sent[path] += len(chunk)
        if not declare_length:
            handler.wfile.write(b"0\r\n\r\n")

    return script


def run_fetch(url: str, *, etag: str | None = None, **limits: Any) -> FetchResult:
    settings = FetchLimits(**{"block_private_addresses": False, "timeout": 5.0, "connect_timeout": 2.0, **limits})

    async def go() -> FetchResult:
        async with make_client(settings) as client:
            return await fetch(client, url, etag=etag, limits=settings)

    return asyncio.run(go())


# --- deadlines ---------------------------------------------------------------------------------------


def drip_body(handler: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
    """Headers at once, then the body one byte every 0.5 s: every read is quick, the whole never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.send_header("Content-Length", str(len(FEED)))
    handler.end_headers()
    handler.wfile.flush()
    server.sent["/drip"] = 0
    for byte in FEED[:40]:
        if server.stop.wait(0.5):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        server.sent["/drip"] += 1


def drip_headers(handler: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
    """Even the status line and headers arrive one byte every 0.5 s."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 10\r\n\r\n"
    for byte in head:
        if server.stop.wait(0.5):
            return
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()


@pytest.mark.parametrize("script", [drip_body, drip_headers], ids=["body", "headers"])
def test_a_dripping_server_is_cut_off_by_the_total_deadline(server: ScriptedServer, script: Script) -> None:
    server.scripts["/drip"] = script
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"no complete response within 2s"):
        run_fetch(server.url("/drip"), timeout=2.0, connect_timeout=1.0)
    elapsed = time.monotonic() - started
    # httpx's own timeout (2 s per read) never fires: each byte comes within 0.5 s. The total deadline does.
    assert 1.8 < elapsed < 4.0
    if script is drip_body:
        assert server.sent["/drip"] >= 2  # bytes did keep coming: this was no plain read timeout


# --- statuses ----------------------------------------------------------------------------------------


def test_500_is_an_http_status_error(server: ScriptedServer) -> None:
    server.scripts["/feed"] = respond(500, b"<h1>Internal Server Error</h1>", {"Content-Type": "text/html"})
    with pytest.raises(HttpStatusError) as caught:
        run_fetch(server.url("/feed"))
    assert caught.value.status == 500
    assert not caught.value.gone
    assert caught.value.retry_after is None
    assert "HTTP 500" in str(caught.value)


def test_410_is_gone(server: ScriptedServer) -> None:
    server.scripts["/feed"] = respond(410, b"gone")
    with pytest.raises(HttpStatusError) as caught:
        run_fetch(server.url("/feed"))
    assert caught.value.gone and caught.value.status == 410


def _http_date(delta: timedelta) -> str:
    return email.utils.format_datetime(datetime.now(UTC) + delta, usegmt=True)


@pytest.mark.clock  # HTTP dates made from now, read against now
@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("  300  ", 300.0),
        ("99999999999", 86400.0),  # clamped to 24 h
        ("in an hour", None),
        ("-5", None),
        ("\xb2", None),  # "²": str.isdigit() says yes, float() says no; sent as the Latin-1 byte
        (timedelta(hours=1), 3600.0),  # as an HTTP date, made when the test runs
        (timedelta(days=3), 86400.0),  # clamped to 24 h
        (-timedelta(hours=1), 0.0),  # a date in the past: retry at once
    ],
    ids=["seconds", "zero", "spaces", "huge", "words", "negative", "superscript", "date", "far-date", "past-date"],
)
def test_retry_after_is_parsed_and_clamped(
    server: ScriptedServer, status: int, header: str | timedelta, expected: float | None
) -> None:
    value = _http_date(header) if isinstance(header, timedelta) else header
    server.scripts["/feed"] = respond(status, b"slow down", {"Retry-After": value})
    with pytest.raises(HttpStatusError) as caught:
        run_fetch(server.url("/feed"))
    assert caught.value.status == status
    if expected is None:
        assert caught.value.retry_after is None
    else:
        assert caught.value.retry_after == pytest.approx(expected, abs=5)
        assert 0 <= caught.value.retry_after <= 86400


# --- redirects ---------------------------------------------------------------------------------------


def test_a_redirect_loop_ends_in_a_fetch_error(server: ScriptedServer) -> None:
    server.scripts["/a"] = redirect(302, "/b")
    server.scripts["/b"] = redirect(301, "/a")
    with pytest.raises(FetchError, match="redirects"):
        run_fetch(server.url("/a"), max_redirects=3)
    assert len(server.hits) == 4  # the first request and three redirects followed, no more


def test_a_chain_of_permanent_redirects_reports_the_final_url(server: ScriptedServer) -> None:
    server.scripts["/old"] = redirect(301, "/older")
    server.scripts["/older"] = redirect(308, server.url("/new"))
    server.scripts["/new"] = respond(200, FEED, {"Content-Type": "application/rss+xml"})
    result = run_fetch(server.url("/old"))
    assert result.status == 200 and result.body == FEED
    assert result.url == server.url("/new")
    assert result.permanent_redirect == server.url("/new")


@pytest.mark.parametrize("temporary", [302, 303, 307])
def test_a_temporary_hop_in_the_chain_means_no_permanent_redirect(server: ScriptedServer, temporary: int) -> None:
    server.scripts["/old"] = redirect(301, "/middle")
    server.scripts["/middle"] = redirect(temporary, "/new")
    server.scripts["/new"] = respond(200, FEED)
    result = run_fetch(server.url("/old"))
    assert result.url == server.url("/new") and result.body == FEED
    assert result.permanent_redirect is None


def test_no_redirect_means_no_permanent_redirect(server: ScriptedServer) -> None:
    server.scripts["/feed"] = respond(200, FEED)
    assert run_fetch(server.url("/feed")).permanent_redirect is None


@pytest.mark.parametrize(
    "location",
    ["http://127.0.0.1:99999/feed", "http://[::1/feed", "file:///etc/passwd", "gopher://127.0.0.1/x", "http:///nohost"],
    ids=["port-out-of-range", "broken-ipv6", "file", "gopher", "no-host"],
)
def test_a_hostile_location_header_is_a_fetch_error(server: ScriptedServer, location: str) -> None:
    server.scripts["/feed"] = redirect(301, location)
    with pytest.raises(FetchError):
        run_fetch(server.url("/feed"))


# --- size limits and decompression -----------------------------------------------------------------


def _bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * MB
    return b"".join(compressor.compress(block) for _ in range(size // MB)) + compressor.flush()


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "chunked"])
def test_a_gzip_bomb_stops_at_the_cap_with_little_memory(server: ScriptedServer, with_length: bool) -> None:
    bomb = _bomb(10 * MB)
    assert len(bomb) < 20_000  # 10 MB of zeros, gzipped
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
    server.scripts["/bomb"] = (
        respond(200, bomb, headers)
        if with_length
        else chunked(*(bomb[i : i + 4096] for i in range(0, len(bomb), 4096)), headers=headers)
    )
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="1000000 byte limit"):
            run_fetch(server.url("/bomb"), max_bytes=1 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * MB, peak


def test_the_same_bomb_under_a_larger_cap_decodes_whole(server: ScriptedServer) -> None:
    server.scripts["/bomb"] = respond(200, _bomb(10 * MB), {"Content-Encoding": "gzip"})
    assert run_fetch(server.url("/bomb"), max_bytes=11 * MB).body == b"\0" * (10 * MB)


def test_a_declared_oversize_body_is_refused_before_it_is_read(server: ScriptedServer) -> None:
    server.scripts["/big"] = flood(50 * MB, declare_length=True)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"50000000 bytes exceeds the 10000000 byte limit"):
        run_fetch(server.url("/big"), max_bytes=10 * MB)
    assert time.monotonic() - started < 3
    assert server.wait_finished("/big")  # the server noticed the closed connection once its buffers filled
    assert server.sent["/big"] < 25 * MB


def test_an_undeclared_oversize_body_is_cut_at_the_cap(server: ScriptedServer) -> None:
    server.scripts["/big"] = flood(50 * MB, declare_length=False)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"exceeds the 10000000 byte limit"):
        run_fetch(server.url("/big"), max_bytes=10 * MB)
    assert time.monotonic() - started < 5
    assert server.wait_finished("/big")
    assert 10 * MB <= server.sent["/big"] < 40 * MB  # read to the cap, then the connection was dropped


def test_a_body_exactly_at_the_cap_is_accepted(server: ScriptedServer) -> None:
    body = b"<rss>" + b" " * (1000 - 11) + b"</rss>"
    server.scripts["/feed"] = respond(200, body)
    assert run_fetch(server.url("/feed"), max_bytes=1000).body == body
    with pytest.raises(FetchError, match="999 byte limit"):
        run_fetch(server.url("/feed"), max_bytes=999)


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib-wrapped", "raw"])
@pytest.mark.parametrize("first_alone", [False, True], ids=["whole", "first-byte-alone"])
def test_deflate_is_decoded_wrapped_or_raw(server: ScriptedServer, wbits: int, first_alone: bool) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    data = compressor.compress(FEED) + compressor.flush()
    # The first byte alone in its own chunk: too little to tell zlib-wrapped from raw deflate.
    chunks = (data[:1], data[1:]) if first_alone else (data,)
    server.scripts["/feed"] = chunked(*chunks, headers={"Content-Encoding": "deflate"}, pause=0.05)
    assert run_fetch(server.url("/feed")).body == FEED


def test_concatenated_gzip_members_are_decoded(server: ScriptedServer) -> None:
    half = len(FEED) // 2
    body = gzip.compress(FEED[:half]) + gzip.compress(FEED[half:])
    # Split mid-way through the second member's header, so it starts in one chunk and ends in the next.
    cut = len(gzip.compress(FEED[:half])) + 1
    server.scripts["/feed"] = chunked(body[:cut], body[cut:], headers={"Content-Encoding": "gzip"})
    assert run_fetch(server.url("/feed")).body == FEED


def test_padding_after_the_gzip_body_is_ignored(server: ScriptedServer) -> None:
    server.scripts["/feed"] = respond(200, gzip.compress(FEED) + b"\0" * 16 + b"\n", {"Content-Encoding": "gzip"})
    assert run_fetch(server.url("/feed")).body == FEED


@pytest.mark.parametrize(
    ("body", "message"),
    [(gzip.compress(FEED)[:-12], "truncated gzip"), (b"not gzip at all", "corrupt gzip"), (b"\x1f", "truncated gzip")],
    ids=["truncated", "corrupt", "one-byte"],
)
def test_a_broken_gzip_body_is_a_fetch_error(server: ScriptedServer, body: bytes, message: str) -> None:
    server.scripts["/feed"] = respond(200, body, {"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match=message):
        run_fetch(server.url("/feed"))


def test_an_unsupported_content_encoding_is_refused(server: ScriptedServer) -> None:
    server.scripts["/feed"] = respond(200, b"\x8b\x02\x80hello\x03", {"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        run_fetch(server.url("/feed"))


# --- private addresses -------------------------------------------------------------------------------


REFUSED_HOSTS = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.1.1",  # link-local: cloud metadata lives at 169.254.169.254
    "100.64.0.1",  # carrier-grade NAT
    "0.0.0.0",
    "224.0.0.1",  # multicast
    "[::1]",
    "[::]",
    "[::ffff:127.0.0.1]",  # IPv4-mapped loopback
    "[::ffff:10.0.0.1]",
    "[fe80::1]",
    "[fc00::1]",  # unique local
    "[fec0::1]",  # site-local (deprecated, still routed in places)
    "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
    "[2002:a00:1::1]",  # 6to4 of 10.0.0.1
    "[ff02::1]",  # multicast
    "localhost",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_ensure_public_host_refuses_internal_addresses(host: str) -> None:
    with pytest.raises(FetchError, match="non-public address"):
        asyncio.run(ensure_public_host(f"http://{host}:8080/feed"))


@pytest.mark.parametrize("host", ["8.8.8.8", "1.1.1.1", "[2606:4700:4700::1111]", "[64:ff9b::808:808]"])
def test_ensure_public_host_allows_public_addresses(host: str) -> None:
    asyncio.run(ensure_public_host(f"https://{host}/feed"))  # literal addresses: no DNS needed


@pytest.mark.parametrize(
    "url", ["http://" + "a" * 64 + ".example/", "http://a..b/", "http://127.0.0.1:70000/", "http://[::1/", "http:///x"]
)
def test_ensure_public_host_turns_malformed_urls_into_fetch_errors(url: str) -> None:
    with pytest.raises(FetchError):
        asyncio.run(ensure_public_host(url))


def test_is_public_address_judges_the_ipv4_inside_ipv6() -> None:
    assert not is_public_address(ipaddress.ip_address("::ffff:192.168.0.1"))
    assert is_public_address(ipaddress.ip_address("::ffff:8.8.8.8"))
    assert not is_public_address(ipaddress.ip_address("2002:c0a8:1::"))  # 6to4 of 192.168.0.1
    assert is_public_address(ipaddress.ip_address("2002:808:808::"))


def test_blocking_refuses_127_0_0_1_before_connecting(feed_server: FeedServer) -> None:
    feed_server.routes["/feed"] = Route(body=FEED)
    with pytest.raises(FetchError, match=r"non-public address 127\.0\.0\.1"):
        run_fetch(feed_server.url("/feed"), block_private_addresses=True)
    assert feed_server.requests == []


def test_blocking_checks_every_redirect_hop(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A public server redirecting to an internal one: the second hop is refused and never requested.

    Offline, no host is public; the first server plays one (its port is let through), the check stays
    real for every other URL.
    """
    internal = ScriptedServer()
    internal.thread.start()
    try:
        internal.scripts["/admin"] = respond(200, FEED)
        server.scripts["/feed"] = redirect(302, internal.url("/admin"))
        real_check = addresses.public_addresses

        async def public_first_server(host: str, port: int) -> list[Any]:
            if port == server.port:
                return [ipaddress.ip_address(host)]
            return await real_check(host, port)

        monkeypatch.setattr(addresses, "public_addresses", public_first_server)
        with pytest.raises(FetchError, match="non-public address"):
            run_fetch(server.url("/feed"), block_private_addresses=True)
        assert len(server.hits_to("/feed")) == 1
        assert internal.hits == []
    finally:
        internal.httpd.shutdown()
        internal.httpd.server_close()


def test_a_name_is_resolved_once_per_connection_and_connected_to_as_checked(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: a name that answers a public address to the check and an internal one afterwards.

    Here "rebind.test" answers 127.0.0.2 (played as public) first and 127.0.0.1 (internal, where the
    server listens) after. Resolving once and connecting to the checked address, watcher tries 127.0.0.2,
    where nothing listens; a second lookup by the connection would have reached the internal server.
    """
    feed_server.routes["/feed"] = Route(body=FEED)
    port = int(feed_server.base.rsplit(":", 1)[1])
    answers = iter(["127.0.0.2", "127.0.0.1", "127.0.0.1"])
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding_dns(host: str | bytes, *args: Any, **kwargs: Any) -> Any:
        host = host.decode() if isinstance(host, bytes) else host  # anyio asks with IDNA-encoded bytes
        if host == "rebind.test":
            lookups.append(host)
            return real_getaddrinfo(next(answers), *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    real_is_public = addresses.is_public_address
    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    monkeypatch.setattr(addresses, "is_public_address", lambda a: str(a) == "127.0.0.2" or real_is_public(a))
    with pytest.raises(FetchError, match="ConnectError"):
        run_fetch(f"http://rebind.test:{port}/feed", block_private_addresses=True, connect_timeout=2.0)
    assert feed_server.requests == []
    assert lookups == ["rebind.test"]


def test_a_connection_to_a_checked_name_is_reused_without_a_new_lookup(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_server.routes["/feed"] = Route(body=FEED)
    port = int(feed_server.base.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def counting_dns(host: str | bytes, *args: Any, **kwargs: Any) -> Any:
        host = host.decode() if isinstance(host, bytes) else host  # anyio asks with IDNA-encoded bytes
        lookups.append(host)
        return real_getaddrinfo("127.0.0.1" if host == "feeds.test" else host, *args, **kwargs)

    real_is_public = addresses.is_public_address
    monkeypatch.setattr(socket, "getaddrinfo", counting_dns)
    monkeypatch.setattr(addresses, "is_public_address", lambda a: str(a) == "127.0.0.1" or real_is_public(a))
    settings = FetchLimits(block_private_addresses=True, timeout=5.0)

    async def go() -> None:
        async with make_client(settings) as client:
            for _ in range(3):
                assert (await fetch(client, f"http://feeds.test:{port}/feed", limits=settings)).body == FEED

    asyncio.run(go())
    assert len(feed_server.requests) == 3
    assert lookups.count("feeds.test") == 1  # checked when connecting, not before every request


def test_unsupported_schemes_are_refused() -> None:
    for url in ("ftp://127.0.0.1/feed", "gopher://127.0.0.1/feed", "javascript:alert(1)"):
        with pytest.raises(FetchError, match="unsupported URL scheme"):
            run_fetch(url)


# --- file:// feeds -----------------------------------------------------------------------------------


def test_a_missing_file_is_a_fetch_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no such file"):
        run_fetch((tmp_path / "missing.xml").as_uri())


def test_an_unchanged_file_answers_like_a_304(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)
    first = run_fetch(path.as_uri())
    assert first.status == 200 and first.body == FEED and first.etag
    second = run_fetch(path.as_uri(), etag=first.etag)
    assert second.not_modified and second.body == b""
    path.write_bytes(FEED + b"\n")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # a new mtime even on a coarse clock
    third = run_fetch(path.as_uri(), etag=first.etag)
    assert third.status == 200 and third.body == FEED + b"\n" and third.etag != first.etag


def test_an_oversize_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(b" " * 2000)
    with pytest.raises(FetchError, match="over the 1000 byte limit"):
        run_fetch(path.as_uri(), max_bytes=1000)


def test_a_directory_is_a_fetch_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="cannot read"):
        run_fetch(tmp_path.as_uri())


# --- connection pools per host -------------------------------------------------------------------------


def _servers(count: int) -> list[FeedServer]:
    servers = [FeedServer() for _ in range(count)]
    for server in servers:
        server.routes["/feed.xml"] = Route(body=FEED)
        server.thread.start()
    return servers


def _stop(servers: list[FeedServer]) -> None:
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_feeds_of_one_host_share_a_connection() -> None:
    servers = _servers(2)
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings, per_host=2) as client:
            for _ in range(4):
                for server in servers:
                    result = await fetch(client, server.url("/feed.xml"), limits=settings)
                    assert result.body == FEED

    try:
        asyncio.run(go())
        for server in servers:
            assert len(server.requests) == 4
            assert len({request.client_port for request in server.requests}) == 1
    finally:
        _stop(servers)


def test_304s_and_short_redirects_keep_their_connection(feed_server: FeedServer) -> None:
    """A 304 has no body, but its end must be read: closed before it, the connection was, one per unchanged feed."""
    feed_server.routes["/feed.xml"] = Route(body=FEED, etag='"v1"')
    feed_server.routes["/moved"] = Route(status=301, body=b"moved", headers={"Location": "/feed.xml"})
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings, per_host=1) as client:
            for _ in range(3):
                assert (await fetch(client, feed_server.url("/feed.xml"), etag='"v1"', limits=settings)).not_modified
            assert (await fetch(client, feed_server.url("/moved"), limits=settings)).body == FEED

    asyncio.run(go())
    assert [request.path for request in feed_server.requests] == ["/feed.xml"] * 3 + ["/moved", "/feed.xml"]
    assert len({request.client_port for request in feed_server.requests}) == 1


def test_least_recently_used_idle_hosts_are_closed_and_busy_ones_kept() -> None:
    servers = _servers(3)
    transport = PerHostTransport(per_host=1, max_hosts=1)

    async def go() -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            async with client.stream("GET", servers[0].url("/feed.xml")) as busy:
                # Two more hosts while the first is mid-response: it is over the limit but in use, so kept.
                for server in servers[1:]:
                    assert (await client.get(server.url("/feed.xml"))).content == FEED
                assert await busy.aread() == FEED
            # Now idle and least recently used: closed when another host comes; a new connection later.
            assert (await client.get(servers[1].url("/feed.xml"))).content == FEED
            assert (await client.get(servers[0].url("/feed.xml"))).content == FEED

    try:
        asyncio.run(go())
        assert len({request.client_port for request in servers[0].requests}) == 2
        assert len(servers[0].requests) == 2
    finally:
        _stop(servers)


def test_behind_a_proxy_httpx_routes_every_request_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = make_client(FetchLimits())
    try:
        assert not isinstance(client._transport, PerHostTransport)
        assert any(pattern.scheme == "https" for pattern in client._mounts)  # httpx read the proxy
    finally:
        asyncio.run(client.aclose())
    monkeypatch.delenv("HTTPS_PROXY")
    for name in ("HTTP_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert isinstance(make_client(FetchLimits()), LeanClient)  # watcher.http11's pools per host


def test_one_tls_context_serves_every_host(monkeypatch: pytest.MonkeyPatch) -> None:
    # Building a TLS context loads the CA bundle (~15 ms): once per client, not once per host's pool.
    import ssl

    built = []
    original = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: built.append(1) or original(*a, **k))
    servers = _servers(3)
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings) as client:
            for server in servers:
                assert (await fetch(client, server.url("/feed.xml"), limits=settings)).body == FEED

    try:
        asyncio.run(go())
        assert len(built) <= 1  # at the first https request, if any (these servers are http)
    finally:
        _stop(servers)


@pytest.mark.parametrize(("name", "verified"), [("feeds.test", True), ("other.test", False)])
def test_https_to_the_checked_address_still_verifies_the_certificate_for_the_name(
    name: str, verified: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connecting to the address that was checked, not to the name, must not weaken TLS: the certificate is
    still verified for the host name in the URL (a real TLS server on 127.0.0.1, a throwaway CA)."""
    import ssl

    import trustme

    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("feeds.test").configure_cert(server_context)
    server = FeedServer()
    server.routes["/feed"] = Route(body=FEED)
    server.httpd.socket = server_context.wrap_socket(server.httpd.socket, server_side=True)
    server.thread.start()
    port = server.httpd.server_address[1]
    real_getaddrinfo = socket.getaddrinfo

    def test_dns(host: str | bytes, *args: Any, **kwargs: Any) -> Any:
        host = host.decode() if isinstance(host, bytes) else host
        return real_getaddrinfo("127.0.0.1" if host.endswith(".test") else host, *args, **kwargs)

    real_is_public = addresses.is_public_address
    monkeypatch.setattr(socket, "getaddrinfo", test_dns)
    monkeypatch.setattr(addresses, "is_public_address", lambda a: str(a) == "127.0.0.1" or real_is_public(a))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    settings = FetchLimits(block_private_addresses=True, timeout=5.0)

    async def go() -> FetchResult:
        async with make_client(settings) as client:
            return await fetch(client, f"https://{name}:{port}/feed", limits=settings)

    try:
        if verified:
            assert asyncio.run(go()).body == FEED
            assert len(server.requests) == 1
        else:
            with pytest.raises(FetchError, match=r"CERTIFICATE_VERIFY_FAILED|certificate"):
                asyncio.run(go())
            assert server.requests == []
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def test_the_pool_a_request_just_opened_is_never_the_one_closed_to_make_room() -> None:
    servers = _servers(2)
    transport = PerHostTransport(per_host=1, max_hosts=1)

    async def go() -> None:
        async with (
            httpx.AsyncClient(transport=transport) as client,
            client.stream("GET", servers[0].url("/feed.xml")) as busy,
        ):
            # Over the limit with the only other pool busy: the new one must serve its request.
            assert (await client.get(servers[1].url("/feed.xml"))).content == FEED
            assert len(transport._pools) == 2  # over the limit until one is idle
            assert await busy.aread() == FEED

    try:
        asyncio.run(go())
    finally:
        _stop(servers)


def test_a_host_whose_connection_failed_slowly_is_not_tried_again_at_once(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DNS lookup (or a connect) that stalls before failing: the host's other requests fail at once for a while.

    The article stage fetching a hundred links to a host whose name server does not answer waited 5 s per link
    (two at a time): the whole pass stalled. Only slow failures are remembered, for twice as long as they took.
    """
    feed_server.routes["/feed"] = Route(body=FEED)
    port = int(feed_server.base.rsplit(":", 1)[1])
    real_getaddrinfo = socket.getaddrinfo
    lookups = []
    dead = True

    def stalling_dns(host: str | bytes, *args: Any, **kwargs: Any) -> Any:
        host = host.decode() if isinstance(host, bytes) else host
        if host == "stalls.test":
            lookups.append(time.monotonic())
            if dead:
                time.sleep(0.3)
                raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", stalling_dns)
    monkeypatch.setattr(fetch_client, "SLOW_CONNECT_FAILURE", 0.2)
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)
    url = f"http://stalls.test:{port}/feed"

    async def go() -> list[float]:
        nonlocal dead
        took = []
        async with make_client(settings) as client:
            for attempt in range(3):
                started = time.monotonic()
                with pytest.raises(FetchError, match=r"stalls\.test") as raised:
                    await fetch(client, url, limits=settings)
                took.append(time.monotonic() - started)
                assert ("not tried" in str(raised.value)) == (attempt > 0)
            assert len(lookups) == 1
            client.unreachable.clear()  # type: ignore[union-attr]  # the while is over
            dead = False
            assert (await fetch(client, url, limits=settings)).body == FEED
        return took

    took = asyncio.run(go())
    assert took[0] >= 0.3 and max(took[1:]) < took[0]  # not tried (one lookup in all): no 0.3 s stall
    assert len(lookups) == 2


def test_a_fast_connection_failure_is_not_remembered(feed_server: FeedServer) -> None:
    """Connection refused costs nothing to repeat: the next request tries again (a server back up is reached)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings) as client:
            for _ in range(2):
                with pytest.raises(FetchError, match="ConnectError") as raised:
                    await fetch(client, f"http://127.0.0.1:{free}/feed", limits=settings)
                assert "not tried" not in str(raised.value)

    asyncio.run(go())


def test_a_kept_connection_the_server_closed_is_replaced_without_failing_the_fetch(server: ScriptedServer) -> None:
    """The server answers and closes (no Connection: close said): the next fetch finds the kept connection dead."""

    def answer_then_close(handler: BaseHTTPRequestHandler, _server: ScriptedServer) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(FEED)))
        handler.end_headers()
        handler.wfile.write(FEED)
        handler.wfile.flush()
        handler.close_connection = True

    server.scripts["/feed"] = answer_then_close
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings, per_host=1) as client:
            for _ in range(3):
                assert (await fetch(client, server.url("/feed"), limits=settings)).body == FEED

    asyncio.run(go())
    assert len(server.hits_to("/feed")) == 3


def test_endless_headers_are_refused(server: ScriptedServer) -> None:
    def endless_headers(handler: BaseHTTPRequestHandler, server: ScriptedServer) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for n in range(20_000):
            if server.stop.is_set():
                return
            handler.wfile.write(b"X-Filler-%d: %s\r\n" % (n, b"y" * 40))

    server.scripts["/feed"] = endless_headers
    with pytest.raises(FetchError, match=r"too long|RemoteProtocolError"):
        run_fetch(server.url("/feed"))


def test_informational_answers_before_the_real_one_are_skipped(server: ScriptedServer) -> None:
    def early_hints(handler: BaseHTTPRequestHandler, _server: ScriptedServer) -> None:
        handler.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(FEED)))
        handler.end_headers()
        handler.wfile.write(FEED)

    server.scripts["/feed"] = early_hints
    assert run_fetch(server.url("/feed")).body == FEED


def test_the_lean_pool_keeps_every_idle_host_within_its_limit() -> None:
    # Below max_hosts nothing is closed: a pass over feeds spread on 50 hosts (max_hosts 64) opened ~370 connections
    # instead of ~50-100, as a negative excess sliced the idle hosts' list from its end ([:-14]: all but 14 closed).
    servers = _servers(3)
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings, concurrency=1, per_host=1) as client:
            client.lean.max_hosts = 4  # type: ignore[union-attr]
            for server in [*servers, *servers]:
                assert (await fetch(client, server.url("/feed.xml"), limits=settings)).body == FEED

    try:
        asyncio.run(go())
        assert [len({request.client_port for request in server.requests}) for server in servers] == [1, 1, 1]
    finally:
        _stop(servers)


def test_the_lean_pool_keeps_per_host_connections_and_closes_idle_hosts_beyond_its_limit() -> None:
    servers = _servers(3)
    settings = FetchLimits(block_private_addresses=False, timeout=5.0)

    async def go() -> None:
        async with make_client(settings, concurrency=1, per_host=1) as client:
            client.lean.max_hosts = 2  # type: ignore[union-attr]
            for server in [*servers, servers[0]]:  # the third host closes the first's idle connection
                assert (await fetch(client, server.url("/feed.xml"), limits=settings)).body == FEED
            many = [fetch(client, servers[1].url("/feed.xml"), limits=settings) for _ in range(6)]
            assert all(result.body == FEED for result in await asyncio.gather(*many))

    try:
        asyncio.run(go())
        assert len({request.client_port for request in servers[0].requests}) == 2  # closed as least recently used
        # Closed too when servers[0] came back; then six at once share one connection (per_host 1).
        assert len({request.client_port for request in servers[1].requests[1:]}) == 1
    finally:
        _stop(servers)
