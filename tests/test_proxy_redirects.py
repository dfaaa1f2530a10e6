"""Behind HTTP_PROXY the private-address check still guards every redirect hop.

Through a proxy watcher never connects to a feed's host itself, so the check made where a connection
is opened (PublicOnlyNetwork) cannot run; each hop's host is checked before it is requested instead.
Here a forward proxy on 127.0.0.1 plays the internet: the feed, at a public address, answers with a
redirect to an internal one. The fetch must stop there, without asking the proxy (or anyone) for the
internal URL. The proxy answers for every host itself, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import FeedServer, Route, rss, write_config
from watcher.app import Watcher
from watcher.config import load_config
from watcher.errors import FetchError
from watcher.fetch.client import make_client
from watcher.fetch.request import fetch
from watcher.fetch.results import FetchLimits
from watcher.fetch_httpx import PerHostTransport
from watcher.models import Feed

FEED = rss({"title": "Xiaomi news", "link": "https://news.example/xiaomi"})
PUBLIC_FEED = "http://93.184.215.14/feed.xml"  # a public address: checked without DNS, reached via the proxy only
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


class ForwardProxy:
    """A forward HTTP proxy that answers absolute-URI requests itself: `redirects` maps a URL to a Location."""

    def __init__(self) -> None:
        self.redirects: dict[str, str] = {}
        self.asked: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy.asked.append(self.path)  # the absolute URI the client wants
                location = proxy.redirects.get(self.path)
                status, body = (302, b"") if location else (200, FEED)
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    server = ForwardProxy()
    monkeypatch.setenv("HTTP_PROXY", server.url)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def internal_targets(internal: FeedServer) -> list[str]:
    port = internal.base.rsplit(":", 1)[1]
    return [
        internal.url("/admin"),  # 127.0.0.1, where a real server listens
        f"http://localhost:{port}/admin",
        f"http://[::1]:{port}/admin",
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://[::ffff:192.168.1.1]/router",
    ]


def run_fetch(url: str, limits: FetchLimits) -> Any:
    async def go() -> Any:
        async with make_client(limits) as client:
            assert not isinstance(client._transport, PerHostTransport)  # httpx's own transport: the proxy
            return await fetch(client, url, limits=limits)

    return asyncio.run(go())


def test_through_the_proxy_a_public_feed_is_fetched(proxy: ForwardProxy) -> None:
    result = run_fetch(PUBLIC_FEED, FetchLimits(block_private_addresses=True, timeout=5.0))
    assert result.status == 200 and result.body == FEED
    assert proxy.asked == [PUBLIC_FEED]


def test_through_the_proxy_a_redirect_to_an_internal_host_is_refused(
    proxy: ForwardProxy, feed_server: FeedServer
) -> None:
    feed_server.routes["/admin"] = Route(body=FEED)
    for target in internal_targets(feed_server):
        proxy.asked.clear()
        proxy.redirects[PUBLIC_FEED] = target
        with pytest.raises(FetchError, match="non-public address"):
            run_fetch(PUBLIC_FEED, FetchLimits(block_private_addresses=True, timeout=5.0))
        assert proxy.asked == [PUBLIC_FEED], target  # the internal URL was never requested
    assert feed_server.requests == []  # nor reached directly


def test_through_the_proxy_a_redirect_two_hops_on_is_refused(proxy: ForwardProxy) -> None:
    middle = "http://93.184.215.15/moved.xml"
    proxy.redirects[PUBLIC_FEED] = middle
    proxy.redirects[middle] = "http://10.1.2.3/feed.xml"
    with pytest.raises(FetchError, match="non-public address"):
        run_fetch(PUBLIC_FEED, FetchLimits(block_private_addresses=True, timeout=5.0))
    assert proxy.asked == [PUBLIC_FEED, middle]


def test_a_polled_feed_redirected_inward_behind_the_proxy_fails_with_the_reason(
    tmp_path: Path, proxy: ForwardProxy, feed_server: FeedServer
) -> None:
    proxy.redirects[PUBLIC_FEED] = feed_server.url("/admin")
    feed_server.routes["/admin"] = Route(body=FEED)
    config = write_config(tmp_path, feeds=[{"url": PUBLIC_FEED}], poll={"block_private_addresses": True})
    watcher = Watcher.open(load_config(config))

    async def poll_once() -> Any:
        try:
            return await watcher.poll(everything=True)
        finally:
            await watcher.poller.aclose()

    try:
        summary = asyncio.run(poll_once())
        assert summary.feeds_failed == 1 and summary.new_items == 0, summary.errors
        with watcher.db.session() as session:
            row = session.scalars(select(Feed)).one()
        assert "non-public address 127.0.0.1" in (row.last_error or "")
    finally:
        watcher.close()
    assert proxy.asked == [PUBLIC_FEED]
    assert feed_server.requests == []


def test_with_only_https_proxy_set_a_direct_http_fetch_is_still_checked(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, feed_server: FeedServer
) -> None:
    # http:// then goes straight out through httpx's plain transport, which checks nothing as it connects.
    monkeypatch.delenv("HTTP_PROXY")
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    feed_server.routes["/feed.xml"] = Route(body=FEED)
    with pytest.raises(FetchError, match=r"non-public address 127\.0\.0\.1"):
        run_fetch(feed_server.url("/feed.xml"), FetchLimits(block_private_addresses=True, timeout=5.0))
    assert feed_server.requests == [] and proxy.asked == []
