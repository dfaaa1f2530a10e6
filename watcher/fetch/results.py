"""What a fetch is given (FetchLimits) and gives back: a FetchResult, or an HttpStatusError (with its Retry-After)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import TYPE_CHECKING

from watcher.errors import FetchError

if TYPE_CHECKING:
    import httpx

MAX_RETRY_AFTER = 24 * 3600.0


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 30.0  # seconds for the whole fetch, redirects included
    connect_timeout: float = 10.0
    max_bytes: int = 10 * 10**6
    max_redirects: int = 5
    block_private_addresses: bool = True


@dataclass(frozen=True)
class FetchResult:
    """What a fetch brought back. ``body`` is empty when the server said 304 Not Modified."""

    url: str  # the URL finally fetched, after redirects
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    cache_control: str | None = None
    permanent_redirect: str | None = None  # set when every hop was a 301/308
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class HttpStatusError(FetchError):
    """A final HTTP status that is not a feed: 4xx or 5xx."""

    def __init__(self, status: int, url: str, retry_after: float | None = None) -> None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "error"
        super().__init__(f"HTTP {status} {reason} from {url}")
        self.status = status
        self.retry_after = retry_after

    @property
    def gone(self) -> bool:
        return self.status == 410


def parse_retry_after(headers: Mapping[str, str] | httpx.Headers) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), clamped to [0, 24h]."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        seconds = float(value)
    else:
        import email.utils  # here: a Retry-After date is rare, and email's package costs every start ~2 ms

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()  # the server's clock, not watcher's (clock.py)
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
