"""parse_date: feedparser's _parse_date, with the date form most RSS feeds write read directly.

feedparser tries its W3C-DTF reader, then its RFC 822 one, each a split, a few dict look-ups and a datetime
(~70 µs a date: a tenth of a parse worker's time on 50-item feeds). An RFC 822 date written as RFC 2822
prescribes ("Sun, 01 Jun 2025 12:00:00 GMT", a numeric zone or GMT, UT, UTC, Z) is read here by one regular
expression into the same UTC time tuple feedparser's RFC 822 reader gives (tests/test_parse_fast_dates.py holds
the two equal); anything else, or a date out of range, goes to feedparser as before (imported then).
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

_MONTHS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
           "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}  # fmt: skip
_RFC_2822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d\d):(\d\d):(\d\d) (?:GMT|UTC|UT|Z|([-+])(\d\d)(\d\d))",
    re.ASCII,
)


def parse_date(value: str) -> time.struct_time | None:
    """feedparser's _parse_date(value): a UTC time tuple, or None."""
    found = _RFC_2822.fullmatch(value)
    if found is None:
        return _feedparser_date(value)
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
    try:
        stamp = datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second))
        if sign:
            offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
            stamp = stamp - offset if sign == "+" else stamp + offset
        return stamp.utctimetuple()
    except (OverflowError, ValueError):  # a day or time out of range: feedparser's readers decide
        return _feedparser_date(value)


def _feedparser_date(value: str) -> time.struct_time | None:
    """feedparser's _parse_date, its package imported at the first date not read here (watcher.parse_fast.copied)."""
    from feedparser.datetimes import _parse_date

    return _parse_date(value)
