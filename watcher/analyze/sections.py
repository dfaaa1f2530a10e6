"""A feed that is an outlet's opinion section ("Bloomberg Opinion", "Livemint Opinion", "Guardian Comment"): its
items are columns, whatever their headlines state. Not a newspaper named so ("L'Opinion", "La Opinión"). Pure."""

from __future__ import annotations

import re
from functools import lru_cache

from watcher.match.fold import fold

# The last word of such a feed's name, folded.
_SECTION_WORDS = frozenset({"opinion", "opinions", "comment", "commentary", "views", "op-ed", "columnists", "meinung"})
_ARTICLES = frozenset({"the", "la", "le", "el", "il", "o", "a", "die", "der", "de", "het", "l'", "al"})
_WORD = re.compile(r"[\w'’-]+")


@lru_cache(maxsize=4096)  # a feed's name comes back with each of its items
def opinion_feed(feed: str) -> bool:
    words = [fold(word) for word in _WORD.findall(feed)]
    return len(words) >= 2 and words[-1] in _SECTION_WORDS and any(word not in _ARTICLES for word in words[:-1])
