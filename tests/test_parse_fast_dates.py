"""parse_fast.dates.parse_date gives what feedparser's _parse_date gives, on the dates it reads itself and others."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

from feedparser.datetimes import _parse_date

from watcher.parse_fast import dates
from watcher.parse_fast.dates import parse_date


def _rfc_2822_dates(count: int) -> list[str]:
    chance = random.Random(12)
    written = []
    for _ in range(count):
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=chance.randrange(0, 4_000_000_000))
        zone = timedelta(minutes=chance.choice((0, 0, 60, -300, 330, -570, 765, -720, 840)))
        text = format_datetime(moment.astimezone(timezone(zone)))
        choice = chance.randrange(5)
        if choice == 1:
            text = format_datetime(moment, usegmt=True)
        elif choice == 2:
            text = text.split(", ", 1)[1]  # no day name
        elif choice == 3:
            text = text.rsplit(" ", 1)[0] + chance.choice((" UT", " UTC", " Z"))
        written.append(text)
    return written


def test_rfc_2822_dates_are_read_as_feedparser_reads_them():
    for text in _rfc_2822_dates(3000):
        assert dates._RFC_2822.fullmatch(text), text  # read here, not handed on
        assert parse_date(text) == _parse_date(text), text


def test_other_dates_are_feedparser_s():
    others = [
        "2025-06-01T12:00:00Z",
        "2025-06-01T12:00:00+05:30",
        "Sun, 1 Jun 2025 12:00 GMT",  # no seconds
        "Sun, 01 Jun 25 12:00:00 GMT",  # two-digit year
        "sun, 01 jun 2025 12:00:00 gmt",  # lower case
        "Sun, 01 Jun 2025 12:00:00 EST",
        "Sun, 01 Jun 2025 12:00:00 +05:30",
        "Sun, 31 Feb 2025 12:00:00 GMT",  # no such day: feedparser's readers decide
        "Sun, 01 Jun 2025 25:00:00 GMT",
        "Sat, 01 Jan 0001 00:00:00 +0100",  # before year 1 in UTC
        "Fri, 31 Dec 9999 23:59:59 -0100",  # after year 9999 in UTC
        "01 Jun 2025",
        "",
        "not a date",
    ]
    for text in others:
        assert parse_date(text) == _parse_date(text), text
