"""Prometheus metrics and the optional HTTP endpoint serving them with /healthz.

The metric objects live in watcher's own registry (no process-wide side effects at import); the
endpoint is a few lines of asyncio, bound where `http.listen` says (127.0.0.1 in the examples).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
FEED_POLLS = Counter("watcher_feed_polls", "Feed polls by result", ["result"], registry=REGISTRY)
ITEMS = Counter("watcher_items", "New items stored", registry=REGISTRY)
MATCHES = Counter("watcher_matches", "New matches recorded", registry=REGISTRY)
DIGESTS = Counter("watcher_digests", "Digest deliveries by outcome", ["status"], registry=REGISTRY)
FEED_POLL_SECONDS = Histogram(
    "watcher_feed_poll_seconds",
    "Time to fetch, parse and store one feed",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
POLL_PASS_SECONDS = Histogram(
    "watcher_poll_pass_seconds",
    "Time of one polling pass over the due feeds",
    buckets=(0.1, 1, 5, 15, 30, 60, 120, 300, 600),
    registry=REGISTRY,
)
LAST_PROGRESS = Gauge("watcher_last_progress_timestamp_seconds", "When polling last made progress", registry=REGISTRY)


async def serve(host: str, port: int, healthy: Callable[[], bool]) -> asyncio.Server:
    """Serve GET /metrics and GET /healthz (200 while polling makes progress, else 503)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), timeout=5)
            while (await asyncio.wait_for(reader.readline(), timeout=5)).strip():
                pass  # headers are not needed
            method, path, *_ = [*request.decode("latin-1").split(), "", ""]
            if method not in ("GET", "HEAD"):
                status, body, kind = "405 Method Not Allowed", b"GET only\n", "text/plain"
            elif path.split("?")[0] == "/metrics":
                status, body, kind = "200 OK", generate_latest(REGISTRY), CONTENT_TYPE_LATEST
            elif path.split("?")[0] == "/healthz":
                status, body = ("200 OK", b"ok\n") if healthy() else ("503 Service Unavailable", b"stalled\n")
                kind = "text/plain"
            else:
                status, body, kind = "404 Not Found", b"not found\n", "text/plain"
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + (body if method == "GET" else b""))
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass  # a client that went away or never spoke
        except Exception as exc:
            log.exception("http.error", extra={"fields": {"error": str(exc)}})
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port)
    log.info("http.listening", extra={"fields": {"address": f"{host}:{port}", "paths": "/metrics /healthz"}})
    return server
