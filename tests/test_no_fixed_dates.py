"""No test may depend on the day it runs: no test file holds a hand-written date unless it says why it may.

Test feeds date their items relative to now (conftest's ago / rfc822_ago). A fixed date is fine only where
the test injects the clock itself (a pure function given its `now`) or where no clock ever reads it
(parser input, rows a migration carries over); those files are listed below with the reason. Issue 10:
the founding feed's fixed November dates failed 12 tests three days later, once first_poll_alert_age
(3 days) suppressed them. This check finds such a date the day it is written, not the day it expires;
the --clock-shift runs in CI catch the dates it cannot see (computed ones, data files).
"""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent

FIXED_DATES_ALLOWED = {
    "test_digest_model.py": "the clock is injected: build_digest and the renderers are given now=NOW",
    "test_digest_wording.py": "the clock is injected: age() and coverage() are given their moments",
    "digest_sample.py": "the clock is injected: the sample digest is built with now=SAMPLE_NOW",
    "test_schedule.py": "the clock is injected: adapt_interval and the claim queries are given NOW",
    "test_parse_fast.py": "parser input, compared between the two readers, never with now",
    "test_parse_fast_dates.py": "date texts parsed by two readers and compared with each other, never with now",
    "test_migrations.py": "rows a migration must carry over; no clock reads them",
    "test_alerts_rules.py": "the clock is injected: fits, due_at and after_quiet_hours are given their moments",
    "test_no_fixed_dates.py": "this check's own examples of what it finds",
}

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
DATE_LITERAL = re.compile(
    r"\b(?:19|20)\d\d-[01]\d-[0-3]\d(?!\d)"  # ISO 8601: Atom dates, SQL literals
    rf"|\b[0-3]?\d (?:{MONTHS}) (?:19|20)\d\d\b"  # RFC 822: RSS pubDate, HTTP dates
    r"|\b(?:date|datetime)\(\s*(?:19|20)\d\d\s*,"  # datetime(...) / date(...)
)


def fixed_dates(path: Path) -> list[str]:
    lines = enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    return [f"{path.name}:{number}: {line.strip()}" for number, line in lines if DATE_LITERAL.search(line)]


def test_no_test_file_holds_a_fixed_date_unless_it_says_why() -> None:
    found = [
        hit for path in sorted(TESTS.rglob("*.py")) if path.name not in FIXED_DATES_ALLOWED for hit in fixed_dates(path)
    ]
    assert not found, (
        "fixed dates expire: make them relative to now (tests.conftest.ago / rfc822_ago), or inject the clock "
        "and list the file in FIXED_DATES_ALLOWED with the reason:\n" + "\n".join(found)
    )


def test_every_allowed_file_still_holds_a_fixed_date() -> None:
    for name in FIXED_DATES_ALLOWED:
        path = TESTS / name
        assert path.exists() and fixed_dates(path), f"{name}: no fixed date left; drop it from FIXED_DATES_ALLOWED"


def test_the_pattern_finds_the_dates_that_expired() -> None:
    for line in (
        '"pubDate": "Mon, 23 Nov 2026 09:30:00 +0100",',
        "<updated>2026-11-23T22:15:00Z</updated>",
        "NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)",
    ):
        assert DATE_LITERAL.search(line), line
    assert not DATE_LITERAL.search('FOUNDING_LINK = "https://tecnonotizie.example.it/2026/11/xiaomi-corea/"')
