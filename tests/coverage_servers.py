"""Local servers for the coverage tests: a "news site" and a "news search" on loopback addresses.

NewsServer serves fixed routes (by path and query) like conftest's FeedServer, on any 127.0.0.x address, so
the site and the engine are different hosts (politeness is per host); a route may redirect, drip its body
slowly or send a gzip bomb. `search_feed` answers in Google News's RSS shape: each result links through the
engine (a redirect to the publisher) and names its publisher in <source url="...">.
"""

from __future__ import annotations

import gzip
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from watcher.coverage.fulltext import extract_article

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: dict(HTML))
    drip_seconds: float = 0.0  # a pause before each of 20 slices of the body: a slow server
    answer: Callable[[str], Page] | None = None  # computed from the request path (with its query)


class NewsServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[str] = []
        self.stamps: list[tuple[float, str]] = []  # (time.monotonic(), path) of each request
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append(self.path)
                server.stamps.append((time.monotonic(), self.path))
                page = server.pages.get(self.path) or server.pages.get(self.path.split("?", 1)[0])
                if page is not None and page.answer is not None:
                    page = page.answer(self.path)
                if page is None:
                    page = Page(b"not found", 404, {"Content-Type": "text/plain"})
                self.send_response(page.status)
                for key, value in page.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                if not page.drip_seconds:
                    self.wfile.write(page.body)
                    return
                step = max(1, len(page.body) // 20)
                for start in range(0, len(page.body), step):
                    time.sleep(page.drip_seconds)
                    self.wfile.write(page.body[start : start + step])
                    self.wfile.flush()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, prefix: str) -> int:
        return sum(1 for path in self.requests if path.startswith(prefix))

    def start(self) -> NewsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def running(host: str = "127.0.0.1") -> Iterator[NewsServer]:
    server = NewsServer(host).start()
    yield server
    server.stop()


def article_page(title: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="it"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        "<script>alert('script')</script></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article><footer>Copyright</footer></body></html>"
    ).encode()


def newsroom(*links: tuple[str, str]) -> bytes:
    items = "".join(f"<li><a href={quoteattr(href)}>{escape(text)}</a></li>" for href, text in links)
    return (
        '<!DOCTYPE html><html lang="en"><head><title>Newsroom</title></head><body>'
        f"<nav><a href='/'>Home</a></nav><main><ul>{items}</ul></main></body></html>"
    ).encode()


def search_feed(results: list[dict[str, str]], title: str = "Google News") -> bytes:
    """Google News's RSS shape: title "Headline - Publisher", the engine's link, <source url>Publisher</source>."""
    items = []
    for result in results:
        description = f"<a href={quoteattr(result['link'])}>{escape(result['title'])}</a>"
        items.append(
            "<item>"
            f"<title>{escape(result['title'])} - {escape(result['publisher'])}</title>"
            f"<link>{escape(result['link'])}</link>"
            f'<guid isPermaLink="false">{escape(result["guid"])}</guid>'
            f"<pubDate>{result['pubDate']}</pubDate>"
            f"<description>{escape(description)}</description>"
            f"<source url={quoteattr(result['site'])}>{escape(result['publisher'])}</source>"
            "</item>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>https://news.google.com/</link><language>it</language>{''.join(items)}</channel></rss>"
    ).encode()


def gzip_bomb(megabytes: int = 60) -> bytes:
    return gzip.compress(b"<p>" + b"a" * (megabytes * 10**6) + b"</p>", compresslevel=9)


def crashing_extractor(body: bytes, *, content_type: str | None = None, url: str | None = None) -> str:
    """An extractor job for ExtractorPool in tests: dies on a page saying CRASH, hangs on one saying HANG."""
    if b"CRASH" in body:
        os._exit(3)
    if b"HANG" in body:
        time.sleep(600)
    return extract_article(body, content_type=content_type, url=url)


class LateJob:
    """An extractor job that reaches its process `seconds` after the process took it (unpickling it sleeps there),
    as a page handed to a process still loading does; then it gives the page back as text."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __reduce__(self) -> tuple[Callable[[float], LateJob], tuple[float]]:
        return _arriving, (self.seconds,)

    def __call__(self, body: bytes, *, content_type: str | None = None, url: str | None = None) -> str:
        return body.decode()


def _arriving(seconds: float) -> LateJob:
    time.sleep(seconds)
    return LateJob(seconds)
