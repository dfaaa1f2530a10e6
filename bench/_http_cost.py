"""bench/poll --http-cost: CPU per conditional GET answered 304: watcher.fetch's client, httpx, raw asyncio."""

from __future__ import annotations

import asyncio
import resource
from pathlib import Path

import _feedserver
from _poll_cycle_process import _cpu
from _poll_fixture import FeedServer

HTTP_COST_REQUESTS = 3000


def http_cost(log: Path) -> None:
    """CPU per conditional GET answered 304 on one kept-alive connection, one request after another: watcher.fetch
    through its client (watcher.http11), through httpx (fetch_httpx's client and per-host transport, the client
    before), and a raw asyncio stream writing the request and reading the head (the floor)."""
    import httpx

    from watcher.fetch.client import ACCEPT, DEFAULT_USER_AGENT, make_client
    from watcher.fetch.request import fetch
    from watcher.fetch.results import FetchLimits
    from watcher.fetch_httpx import FeedClient, PerHostTransport

    def cpu() -> float:
        return _cpu(resource.RUSAGE_SELF)

    async def through(client: object, url: str, limits: FetchLimits) -> float:
        async with client as open_client:  # type: ignore[attr-defined]
            etag = (await fetch(open_client, url, limits=limits)).etag
            started = cpu()
            for _ in range(HTTP_COST_REQUESTS):
                assert (await fetch(open_client, url, etag=etag, limits=limits)).status == 304
            return (cpu() - started) / HTTP_COST_REQUESTS * 1000

    async def raw(host: str, port: int, etag: str) -> float:
        reader, writer = await asyncio.open_connection(host, port)
        request = (
            f"GET /feed/0.xml HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: {DEFAULT_USER_AGENT}\r\n"
            f"Accept: {ACCEPT}\r\nAccept-Encoding: gzip, deflate\r\nIf-None-Match: {etag}\r\n\r\n"
        ).encode()
        started = cpu()
        for _ in range(HTTP_COST_REQUESTS):
            writer.write(request)
            assert (await reader.readuntil(b"\r\n\r\n")).split(b" ", 2)[1] == b"304"
        writer.close()
        return (cpu() - started) / HTTP_COST_REQUESTS * 1000

    _feedserver.configure(1, 4.0, "all")
    server = FeedServer(1, log, ("--hosts", "1", "--validators", "all"))
    try:
        url = _feedserver.feed_url(0, server.port)
        limits = FetchLimits(block_private_addresses=False)
        headers = {"User-Agent": DEFAULT_USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
        runs: dict[str, list[float]] = {"watcher.http11": [], "httpx 0.28 (PerHostTransport)": [], "raw asyncio": []}
        for _ in range(3):
            runs["watcher.http11"].append(asyncio.run(through(make_client(limits), url, limits)))
            old = FeedClient(
                checks_addresses=False,
                headers=headers,
                timeout=httpx.Timeout(limits.timeout, connect=limits.connect_timeout),
                follow_redirects=False,
                transport=PerHostTransport(2, 64),
            )
            runs["httpx 0.28 (PerHostTransport)"].append(asyncio.run(through(old, url, limits)))
            runs["raw asyncio"].append(asyncio.run(raw("127.0.0.1", server.port, _feedserver.etag_of(0, 0) or "")))
    finally:
        server.close()
    print(f"### CPU ms per conditional GET answered 304 ({HTTP_COST_REQUESTS:,} in a row, one connection; 3 runs)")
    print("| client | ms per request (each run) | median |")
    print("|---|---|---:|")
    for name, values in runs.items():
        print(f"| {name} | {' / '.join(f'{v:.3f}' for v in values)} | {sorted(values)[1]:.3f} |")
