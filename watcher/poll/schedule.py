"""When a feed is polled next: after a success its own pace (adapt_interval) within the config's bounds and the
publisher's ttl or max-age; after a failure an exponential backoff. Also the per-feed settings these read."""

from __future__ import annotations

import itertools
import random
import re
import statistics
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from watcher.coverage.generated import Generated, generated_feeds
from watcher.fetch.results import FetchResult
from watcher.parse.entry import ParsedFeed
from watcher.store import FeedState

if TYPE_CHECKING:
    from watcher.config import Config, FeedConfig

JITTER = 0.1


class FeedSchedule:
    """Poller's scheduling and per-feed settings (a mixin: the state it uses is made in Poller.__init__)."""

    config: Config
    _feeds_by_url: tuple[Config, dict[str, FeedConfig]] | None

    @property
    def _generated(self) -> Generated:
        return generated_feeds(self.config)

    def _feed_config(self, feed_url: str) -> FeedConfig | None:
        if self._feeds_by_url is None or self._feeds_by_url[0] is not self.config:
            feeds = [*self._generated.feeds, *self.config.feeds]  # config.yaml's entry wins
            self._feeds_by_url = (self.config, {feed.url: feed for feed in feeds})
        return self._feeds_by_url[1].get(feed_url)

    def _interval(self, feed_url: str) -> timedelta:
        feed = self._feed_config(feed_url)
        return feed.interval if feed and feed.interval else self.config.poll.interval

    def _schedule(
        self, feed: FeedState, now: datetime, *, new_items: int, parsed: ParsedFeed | None, result: FetchResult
    ) -> tuple[datetime, int]:
        """(next poll time, interval in seconds) after a successful poll."""
        poll = self.config.poll
        configured = self._feed_config(feed.url)
        floor = max(parsed.ttl_seconds or 0 if parsed else 0, _max_age(result.cache_control))
        search = self._generated.by_url.get(feed.url)
        if search is not None:  # a news search is polled no more often than its engine's interval
            floor = max(floor, search.interval.total_seconds())
        if (configured and configured.interval) or not poll.adaptive:
            interval = max(self._interval(feed.url).total_seconds(), floor)
        else:
            interval = adapt_interval(
                feed.interval_seconds or poll.interval.total_seconds(),
                new_items=new_items,
                entry_times=_entry_times(parsed),
                minimum=poll.min_interval.total_seconds(),
                maximum=poll.max_interval.total_seconds(),
                floor=floor,
            )
        jittered = interval * random.uniform(1 - JITTER, 1 + JITTER)
        return now + timedelta(seconds=jittered), round(interval)

    def _backoff(self, feed: FeedState, now: datetime, retry_after: float | None) -> datetime:
        base = self._interval(feed.url).total_seconds()
        cap = self.config.poll.max_backoff.total_seconds()
        # 2**n capped first: base * 2**1024 overflows a float (1024 failures: 3.5 days at max_backoff 5m).
        delay = min(base * 2 ** min(feed.consecutive_failures, 64), cap)
        delay = min(delay * random.uniform(1 - JITTER, 1 + JITTER), cap)  # jitter never passes the cap
        if retry_after is not None:
            delay = max(delay, retry_after)
        return now + timedelta(seconds=delay)

    def _silence_before(self, feed: FeedState, now: datetime) -> datetime | None:
        """On a feed's first successful poll, items older than this are stored without alerting."""
        if not feed.is_new:
            return None
        config = self._feed_config(feed.url)
        age = config.first_poll_alert_age if config and config.first_poll_alert_age else None
        return now - (age or self.config.poll.first_poll_alert_age)


def _entry_times(parsed: ParsedFeed | None) -> list[datetime]:
    """The publication times of every entry read, their text read or not (ParsedFeed.skipped)."""
    if parsed is None:
        return []
    times = [entry.published for entry in parsed.entries if entry.published]
    return times + [published for _, published in parsed.skipped if published]


def adapt_interval(
    current: float, *, new_items: int, entry_times: list[datetime], minimum: float, maximum: float, floor: float = 0
) -> float:
    """The next polling interval of a feed, in seconds: its own pace, within [minimum, maximum].

    A poll that found new items moves the interval towards the feed's typical gap between entries
    (at most halving it at once); a poll that found nothing lengthens it by half. `floor` (the feed's
    ttl or max-age) wins over everything: polling sooner than a publisher asks is impolite and useless.
    """
    if new_items:
        times = sorted(entry_times, reverse=True)[:10]
        gaps = [(newer - older).total_seconds() for newer, older in itertools.pairwise(times)]
        gaps = [gap for gap in gaps if gap > 0]
        target = statistics.median(gaps) if gaps else current / 2
        interval = min(current, max(target, current / 2))
    else:
        interval = current * 1.5
    return max(min(max(interval, minimum), maximum), floor)


_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)", re.IGNORECASE)


def _max_age(cache_control: str | None) -> float:
    """Seconds a response may be reused, from Cache-Control (0 when absent or no-cache)."""
    if not cache_control or "no-cache" in cache_control.lower() or "no-store" in cache_control.lower():
        return 0.0
    found = _MAX_AGE.search(cache_control)
    return min(float(found[1]), 7 * 86400.0) if found else 0.0
