"""chardet is loaded at its first use, not with feedparser (watcher/parse/deferred.py), and still decodes what only
it can: a fresh interpreter each, as the test process has imported chardet long before."""

from __future__ import annotations

import subprocess
import sys

READ_A_DECLARED_FEED = """
import sys
from watcher.parse.feed import parse_feed_here
import feedparser  # imported whole, as the readers' modules import it
parsed = parse_feed_here(
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbour news</title>'
    b'<item><title>Ferry timetable changes</title><link>https://harbour.example/ferry</link></item></channel></rss>',
    content_type="application/rss+xml",
)
print(len(parsed.entries), "chardet.detector" in sys.modules)
"""

DECODE_AN_UNDECLARED_ONE = """
from watcher.parse.document import _document_utf8
body = "<?xml version='1.0'?><rss><channel><title>Расписание парома меняется с понедельника</title></channel></rss>"
print(_document_utf8(body.encode("cp1251"), {})[0].decode("utf-8"))
"""


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_reading_a_declared_feed_does_not_load_chardet() -> None:
    assert run_python(READ_A_DECLARED_FEED) == "1 False"


def test_a_document_only_chardet_can_decode_is_still_decoded() -> None:
    # No declaration and not UTF-8: feedparser asks chardet, which loads then (windows-1252 would give mojibake).
    assert "Расписание парома меняется с понедельника" in run_python(DECODE_AN_UNDECLARED_ONE)
