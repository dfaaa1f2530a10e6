"""Prometheus metrics, in watcher's own registry (no process-wide side effects at import).

The web app (watcher/web/app.py) serves them at /metrics, beside /healthz and the analyst's page, where
`http.listen` says.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
