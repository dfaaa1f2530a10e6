"""One scheduled digest per day of the digest's timezone, however far that day is from the UTC date.

Near local midnight the UTC date is another day: at 00:30 in Rome it is still yesterday in UTC, and in
Los Angeles the UTC date turns over at 16:00 or 17:00 local time. A day keyed by the UTC date sends two
digests on one local day and none on the next. Here the daily run is repeated through local days as
the daemon's catch-up check repeats it, with news arriving between runs, against a real SMTP server and
a real SQLite file. Days are relative to the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import SmtpServer, rss, write_config
from watcher.app import Watcher
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.deliver import daily_key, digest_due
from watcher.models import Digest, Feed
from watcher.parse.feed import parse_feed
from watcher.store import entity_ids, store_items

# The local days the digest runs through are today's and tomorrow's.
pytestmark = pytest.mark.clock


def steady_day(zone: ZoneInfo) -> date:
    """Today in `zone`, or the first day after it whose UTC offset holds until the end of the next day."""
    day = utcnow().astimezone(zone).date()
    while len({datetime.combine(day + timedelta(days=n), time(12), zone).utcoffset() for n in (-1, 0, 1, 2)}) > 1:
        day += timedelta(days=1)
    return day


def local(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """The moment the wall clock in `zone` shows hour:minute on `day`, in UTC as watcher's clock gives it."""
    return datetime.combine(day, time(hour, minute), zone).astimezone(UTC)


@pytest.fixture
def watcher_for(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Callable[[str, str], Watcher]]:
    opened: list[Watcher] = []

    def open_watcher(timezone: str, at: str) -> Watcher:
        config = write_config(
            tmp_path,
            feeds=[{"url": "http://127.0.0.1:9/feed.xml"}],
            smtp_port=smtp_server.port,
            digest={"time": at, "timezone": timezone},
        )
        opened.append(Watcher.open(load_config(config)))
        return opened[-1]

    yield open_watcher
    for watcher in opened:
        watcher.close()


def news_arrives(watcher: Watcher, now: datetime) -> None:
    """One new item naming Xiaomi, first seen `now` (as a poll at that moment would store it)."""
    stamp = now.strftime("%Y%m%d%H%M")
    link = f"https://news.example/xiaomi-{stamp}"
    entries = parse_feed(rss({"title": f"Xiaomi news of {stamp}", "link": link})).entries
    with watcher.db.session() as session:
        feed_id = session.scalars(select(Feed.id)).one()
        matches = [watcher.matcher.match(entry.fields) for entry in entries]
        assert store_items(session, feed_id, entries, matches, entity_ids(session), now) == (1, 1)


def run_day_by_day(watcher: Watcher, smtp_server: SmtpServer, runs: list[datetime]) -> dict[date, int]:
    """The daily run at each moment (news before each); → digests mailed per local day."""
    zone = watcher.config.digest.zone
    mailed: dict[date, int] = {}
    for now in runs:
        assert digest_due(watcher.config, now), now  # the daemon runs it only then
        news_arrives(watcher, now)
        before = len(smtp_server.messages)
        outcomes = watcher.digest(now, scheduled=True)
        assert [outcome.status for outcome in outcomes] in (["sent"], ["done-today"]), (now, outcomes)
        day = now.astimezone(zone).date()
        mailed[day] = mailed.get(day, 0) + len(smtp_server.messages) - before
    return mailed


def scheduled_keys(watcher: Watcher) -> list[str]:
    with watcher.db.session() as session:
        return sorted(key for key in session.scalars(select(Digest.key)) if key)


def test_rome_just_after_midnight_is_one_digest_per_local_day(
    watcher_for: Callable[[str, str], Watcher], smtp_server: SmtpServer
) -> None:
    zone = ZoneInfo("Europe/Rome")
    watcher = watcher_for("Europe/Rome", "00:15")
    day = steady_day(zone)
    runs = [
        local(day, 0, 30, zone),  # 23:30 UTC the day before
        local(day, 3, 0, zone),  # the UTC date has caught up
        local(day, 12, 0, zone),
        local(day, 23, 50, zone),
        local(day + timedelta(days=1), 0, 30, zone),
        local(day + timedelta(days=1), 9, 0, zone),
    ]
    assert runs[0].date() == day - timedelta(days=1)

    assert run_day_by_day(watcher, smtp_server, runs) == {day: 1, day + timedelta(days=1): 1}
    assert scheduled_keys(watcher) == [f"daily:default:{day}", f"daily:default:{day + timedelta(days=1)}"]


def test_los_angeles_evening_is_one_digest_per_local_day(
    watcher_for: Callable[[str, str], Watcher], smtp_server: SmtpServer
) -> None:
    zone = ZoneInfo("America/Los_Angeles")
    watcher = watcher_for("America/Los_Angeles", "08:00")
    day = steady_day(zone)
    runs = [
        local(day, 8, 5, zone),
        local(day, 17, 30, zone),  # already tomorrow in UTC
        local(day, 23, 30, zone),
        local(day + timedelta(days=1), 8, 5, zone),  # the next local morning: its own digest
    ]
    assert runs[1].date() == day + timedelta(days=1)

    assert run_day_by_day(watcher, smtp_server, runs) == {day: 1, day + timedelta(days=1): 1}
    assert scheduled_keys(watcher) == [f"daily:default:{day}", f"daily:default:{day + timedelta(days=1)}"]


@pytest.mark.parametrize(
    ("timezone", "hour", "minute"),
    [("Europe/Rome", 0, 30), ("America/Los_Angeles", 23, 30), ("Asia/Seoul", 0, 5)],
)
def test_daily_key_is_the_local_date_where_the_utc_date_differs(
    tmp_path: Path, timezone: str, hour: int, minute: int
) -> None:
    config = load_config(
        write_config(tmp_path, feeds=[{"url": "http://127.0.0.1:9/feed.xml"}], digest={"timezone": timezone})
    )
    zone = ZoneInfo(timezone)
    day = steady_day(zone)
    now = local(day, hour, minute, zone)
    assert now.date() != day
    assert daily_key(config.routes()[0], config, now) == f"daily:default:{day.isoformat()}"
