"""Turning feed bytes into plain entry values. Pure: bytes in, dataclasses out.

feedparser is always handed an ``io.BytesIO``: given a str or bytes that looks like a path or URL it
would open it. Its HTML sanitiser and relative-URI rewriting are switched off: watcher reduces HTML to
visible text itself, and never renders a feed's HTML.

The steps, one module each: feed.py (parse_feed: a document read by parse_fast, else by feedparser), document.py
(what is checked of the bytes first: their encoding, entity declarations, the prologue, a truncated or not-a-feed
document), raw_entries.py (feedparser's entry dicts, or parse_fast's, made Entry values), entry.py (Entry,
ParsedFeed and an entry's identity), text.py (the visible text of HTML) and links.py (a link reduced to what names
the page). quotes.py: the sentences of a text that are only a quote and its attribution, which the analysis reads
past and the digest quotes last.
"""

from watcher.parse.deferred import defer_chardet

# Before any module of this package imports feedparser, which imports chardet with itself (deferred.py).
defer_chardet()
