#!/usr/bin/env python3
"""A local feed server for bench/poll, run as its own process: `python bench/_feedserver.py --feeds N`.

Serves N synthetic RSS feeds of ~30 KB / 50 items each, feed i at http://127.0.0.{1 + i % HOSTS}:PORT/feed/i.xml
(one listening socket per address, all loopback; nothing else is bound). Content is deterministic: feed i at
version v lists items k = 5v .. 5v+49, so each version bump brings 5 new items and drops 5 old ones, and a
few items per feed mention tracked entities (see ENTITIES). Even-numbered feeds send an ETag and answer a
matching If-None-Match with 304; odd ones send neither ETag nor Last-Modified, so an unchanged odd feed is
the same bytes again (watcher's body-hash path). Bodies are sent uncompressed.

Control on stdin, one command a line, each answered with one line on stdout:
  bump all        every feed's version + 1 (every feed changed)
  bump EVERY      the version of feeds with i % EVERY == 0 + 1 (EVERY=10: 10% changed, 90% unchanged)
  stats           "stats <requests> <200s> <304s> <404s>" since the last stats, then reset
  quit            exit
GET /_control/bump/EVERY (on any of the addresses) does what "bump EVERY" does, for a process without the pipe;
GET /_control/reset zeroes the counters.
With --articles, each item links to /article/FEED/K.html on its feed's address, served here as a ~73 KB news
article page (bench/_articles.py; not counted in stats), for bench/fulltext.
Shape (bench/poll --harness; the same options given to bench/poll's own process through configure()):
  --hosts H            feeds spread over 127.0.0.1 .. 127.0.0.H (default 50; 1: every feed on one host)
  --match-rate PCT     matches per 100 items (default 4: two items in 50 name an entity; 200: every item names two)
  --validators all     every feed sends an ETag and a Last-Modified and answers 304 to either (default: even ones)
The server exits when stdin closes (its parent died) or after --max-seconds, whichever comes first.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

HOSTS = 50
MATCH_RATE = 4.0
VALIDATORS = "even"
ITEMS = 50
NEW_PER_VERSION = 5

# Tracked entities; bench/poll configures the same names as watcher entities.
ENTITIES = ("Xiaomi", "Samsung Electronics", "Hyundai Motor", "Ferrari", "Nintendo", "Siemens", "Ørsted", "Toyota")

WORDS = (  # noqa: SIM905 -- one string reads better than 58 quoted words
    "market share quarter revenue analysts expect growth supply chain factory output shipments retail "
    "consumers regulators approval launch product line pricing strategy competition region investment "
    "capital spending forecast guidance margins costs logistics partners distribution network software "
    "platform update customers survey report industry sector demand inflation currency exports imports "
    "policy government ministry statement officials interview executives board meeting shareholders dividend"
).split()
_BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)


ARTICLES = False  # --articles: items link to article pages this server serves (bench/fulltext)
PORT = 0


def configure(hosts: int = 50, match_rate: float = 4.0, validators: str = "even", articles: bool = False) -> None:
    global HOSTS, MATCH_RATE, VALIDATORS, ARTICLES
    HOSTS, MATCH_RATE, VALIDATORS, ARTICLES = hosts, match_rate, validators, articles
    _bodies.clear()


def host_of(index: int) -> str:
    return f"127.0.0.{1 + index % HOSTS}"


def feed_url(index: int, port: int) -> str:
    return f"http://{host_of(index)}:{port}/feed/{index}.xml"


def _paragraph(seed: int) -> str:
    # A deterministic ~300-character HTML paragraph (escaped into the RSS <description>).
    state = seed * 2654435761 + 12345
    words = []
    for _ in range(40):
        state = (state * 1103515245 + 12345) % 2**31
        words.append(WORDS[(state >> 8) % len(WORDS)])
    return "<p>" + " ".join(words[:20]) + ".</p><p>" + " ".join(words[20:]) + ".</p>"


_PARAGRAPHS = [escape(_paragraph(seed)) for seed in range(997)]


def item_xml(feed: int, k: int) -> str:
    mention = ""
    if MATCH_RATE >= 100:  # every item names MATCH_RATE / 100 entities
        mention = "".join(f"{ENTITIES[(feed + k + n) % len(ENTITIES)]} " for n in range(round(MATCH_RATE / 100)))
    elif MATCH_RATE > 0 and (feed * 7 + k) % round(100 / MATCH_RATE) == 0:  # by default two items in 50
        mention = f"{ENTITIES[(feed + k) % len(ENTITIES)]} "
    published = format_datetime(_BASE_TIME + timedelta(hours=k, minutes=feed % 60), usegmt=True)
    return (
        f"<item><title>{mention}quarterly update {feed}-{k} on supply and pricing</title>"
        f"<link>{article_link(feed, k)}</link>"
        f'<guid isPermaLink="false">bench-{feed}-{k}</guid>'
        f"<pubDate>{published}</pubDate>"
        f"<description>{escape(mention)}{_PARAGRAPHS[(feed * 31 + k * 17) % 997]}</description></item>\n"
    )


def article_link(feed: int, k: int) -> str:
    if ARTICLES:
        return f"http://{host_of(feed)}:{PORT}/article/{feed}/{k}.html"
    return f"https://news.example/{feed}/{k}.html"


def feed_body(feed: int, version: int) -> bytes:
    first = version * NEW_PER_VERSION
    items = "".join(item_xml(feed, k) for k in range(first + ITEMS - 1, first - 1, -1))
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Bench feed {feed}</title><link>https://news.example/{feed}/</link>"
        f"<description>Synthetic feed {feed} for bench/poll</description><language>en</language>\n"
        f"{items}</channel></rss>\n"
    ).encode()


_bodies: dict[int, tuple[int, bytes]] = {}  # feed → its current version's body


def etag_of(feed: int, version: int) -> str | None:
    return f'"{feed}-{version}"' if feed % 2 == 0 or VALIDATORS == "all" else None


def last_modified_of(feed: int, version: int) -> str | None:
    if VALIDATORS != "all":
        return None
    return format_datetime(_BASE_TIME + timedelta(days=version, minutes=feed % 60), usegmt=True)


class State:
    def __init__(self, feeds: int) -> None:
        self.versions = [0] * feeds
        self.requests = self.ok = self.not_modified = self.missing = 0

    def bump(self, every: int) -> int:
        for index in range(0, len(self.versions), every):
            self.versions[index] += 1
        return len(range(0, len(self.versions), every))


def _response(status: str, headers: list[tuple[str, str]], body: bytes, close: bool) -> bytes:
    head = [f"HTTP/1.1 {status}"] + ([] if status.startswith("304") else [f"Content-Length: {len(body)}"])
    head += [f"{key}: {value}" for key, value in headers]
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class HttpProtocol(asyncio.Protocol):
    """Minimal HTTP/1.1 with keep-alive: GET only, headers parsed just enough for If-None-Match."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None and b"\r\n\r\n" in self.buffer:
            head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            parts = lines[0].split(" ")
            headers = {}
            for line in lines[1:]:
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            version = parts[2] if len(parts) > 2 else "HTTP/1.0"
            close = headers.get("connection", "").lower() == "close" or (
                version == "HTTP/1.0" and headers.get("connection", "").lower() != "keep-alive"
            )
            self.transport.write(self.respond(parts[1] if len(parts) > 1 else "/", headers, close))
            if close:
                self.transport.close()
                self.transport = None

    def respond(self, path: str, headers: dict[str, str], close: bool) -> bytes:
        state = self.state
        name = path.split("?", 1)[0]
        if name.startswith("/_control/bump/"):  # the same as "bump EVERY" on stdin; not counted in stats
            every = name.rsplit("/", 1)[1]
            bumped = state.bump(1 if every == "all" else int(every))
            return _response("200 OK", [("Content-Type", "text/plain")], f"bumped {bumped}".encode(), close)
        if name == "/_control/reset":  # zero the counters that "stats" reports
            state.requests = state.ok = state.not_modified = state.missing = 0
            return _response("200 OK", [("Content-Type", "text/plain")], b"reset", close)
        if ARTICLES and name.startswith("/article/"):  # not counted in stats: those are the feeds'
            from _articles import article_html

            parts = name.removesuffix(".html").split("/")
            seed = int(parts[2]) * 1000 + int(parts[3]) if len(parts) == 4 and parts[3].isdigit() else 0
            return _response("200 OK", [("Content-Type", "text/html; charset=utf-8")], article_html(seed), close)
        state.requests += 1
        index = -1
        if name.startswith("/feed/") and name.endswith(".xml") and name[6:-4].isdigit():
            index = int(name[6:-4])
        if not 0 <= index < len(state.versions):
            state.missing += 1
            return _response("404 Not Found", [("Content-Type", "text/plain")], b"not found", close)
        version = state.versions[index]
        etag, modified = etag_of(index, version), last_modified_of(index, version)
        validators = [("ETag", etag)] if etag is not None else []
        validators += [("Last-Modified", modified)] if modified is not None else []
        asked_etag, asked_since = headers.get("if-none-match"), headers.get("if-modified-since")
        # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.2.2).
        if (etag is not None and asked_etag == etag) or (
            asked_etag is None and modified is not None and asked_since == modified
        ):
            state.not_modified += 1
            return _response("304 Not Modified", validators, b"", close)
        state.ok += 1
        extra = [("Content-Type", "application/rss+xml; charset=utf-8"), *validators]
        cached = _bodies.get(index)  # the server's CPU is its own, but a slow server would stretch wall times
        if cached is None or cached[0] != version:
            cached = _bodies[index] = (version, feed_body(index, version))
        body = cached[1]
        return _response("200 OK", extra, body, close)


async def serve(feeds: int, port: int, max_seconds: float) -> None:
    state = State(feeds)
    loop = asyncio.get_running_loop()
    servers = []
    global PORT
    port = PORT = port or _free_port()
    for n in range(min(HOSTS, feeds)):
        server = await loop.create_server(
            lambda: HttpProtocol(state), host=f"127.0.0.{1 + n}", port=port, reuse_address=True, backlog=1024
        )
        servers.append(server)
    print(f"ready {port}", flush=True)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        async with asyncio.timeout(max_seconds):
            while line := (await reader.readline()).decode().strip():
                command = line.split()
                if command == ["quit"]:
                    break
                if command[0] == "bump" and len(command) == 2:
                    print(f"bumped {state.bump(1 if command[1] == 'all' else int(command[1]))}", flush=True)
                elif command == ["stats"]:
                    print(f"stats {state.requests} {state.ok} {state.not_modified} {state.missing}", flush=True)
                    state.requests = state.ok = state.not_modified = state.missing = 0
                else:
                    print(f"error unknown command {line!r}", flush=True)
    except TimeoutError:
        print("error max-seconds reached", file=sys.stderr, flush=True)
    finally:
        for server in servers:
            server.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--match-rate", type=float, default=4.0)
    parser.add_argument("--validators", choices=("even", "all"), default="even")
    parser.add_argument("--articles", action="store_true", help="link items to article pages served here")
    args = parser.parse_args()
    configure(args.hosts, args.match_rate, args.validators, args.articles)
    asyncio.run(serve(args.feeds, args.port, args.max_seconds))


if __name__ == "__main__":
    main()
