"""News searches that follow the entities: aliases × markets × engines → feed URLs. Pure: values in, values out.

Each entity's aliases (and its `search_terms`) are sorted by the script they are written in: a market takes
the aliases of its language's script (Hangul for ko, kana and Han for ja, Han for zh, Cyrillic for ru...),
Latin-script markets take every Latin alias, and every market takes the Latin aliases that look like names
("Xiaomi", "Mi Pay", not "Corea del Sud"): brands are written in Latin letters in Korean news too. Quoted and
joined with OR, they make as few queries as the engine's length limit allows ("Xiaomi" OR "샤오미" for ko-KR);
an entity with require_any adds those phrases as a second clause. A '*' ending an alias means nothing to a
news search: it is written out as the commonest words of the market's language that it matches (wordfreq's
lists, offline), or dropped where no list helps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote_plus

from watcher.config import EntityConfig
from watcher.config.coverage import EngineConfig, SearchConfig
from watcher.match.fold import fold
from watcher.vocabulary import SEPARATOR, Vocabulary, scripts_of

MAX_URL_CHARS = 2000  # the feeds table holds 2,048; a little room for a remembered redirect's longer form
WILDCARD_FORMS = 3  # words a trailing '*' is written out as, most frequent first
NAME_LENGTH = 300  # feeds.name

# The scripts each market language is written in (by the first word of their Unicode names, as
# watcher.vocabulary names them). A language not listed is written in Latin letters.
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    "ko": frozenset({"HANGUL"}),
    "ja": frozenset({"HIRAGANA", "KATAKANA", "CJK"}),
    "zh": frozenset({"CJK"}),
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg"), frozenset({"CYRILLIC"})),
    "el": frozenset({"GREEK"}),
    **dict.fromkeys(("he", "yi"), frozenset({"HEBREW"})),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), frozenset({"ARABIC"})),
    **dict.fromkeys(("hi", "mr", "ne"), frozenset({"DEVANAGARI"})),
    "bn": frozenset({"BENGALI"}),
    "ta": frozenset({"TAMIL"}),
    "th": frozenset({"THAI"}),
    "ka": frozenset({"GEORGIAN"}),
    "hy": frozenset({"ARMENIAN"}),
}
LATIN = frozenset({"LATIN"})


@dataclass(frozen=True)
class SearchFeed:
    """One generated search feed: polled like any feed, named for `watcher feeds`."""

    url: str
    name: str  # "search: Xiaomi ko-KR (google-news)"
    entity: str
    market: str
    engine: str
    query: str
    host: str  # the engine's host: paced at per_minute, backed off as a whole on 429
    interval: timedelta  # the engine's: a search feed is polled no more often
    per_minute: float


def market_scripts(market: str) -> frozenset[str]:
    return LANGUAGE_SCRIPTS.get(market.split("-")[0], LATIN)


def looks_like_a_name(alias: str) -> bool:
    """Whether a Latin alias reads as a name in any language: each word capitalised, a digit, or camel case
    ("Xiaomi", "Mi Pay", "iPhone 16", "3M"), not a phrase of one language ("Corea del Sud")."""
    words = [word for word in alias.replace("-", " ").split() if any(ch.isalpha() for ch in word)]
    return bool(words) and all(word[0].isupper() or word[0].isdigit() or not word.islower() for word in words)


def terms_for_market(entity: EntityConfig, market: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The phrases to search for `entity` in `market`, in the entity's order, each once."""
    wanted = market_scripts(market)
    language = market.split("-")[0]
    terms: list[str] = []
    for text in [alias.text for alias in entity.aliases] + list(entity.search_terms):
        scripts = scripts_of(text) or LATIN  # "3M", "7-11": digits only, read as Latin
        if scripts <= LATIN:
            fits = wanted == LATIN or looks_like_a_name(text)
        else:
            fits = bool(scripts & wanted) and scripts <= wanted | LATIN
        if not fits:
            continue
        if text.endswith("*") or "* " in text:
            # Written out in the market's own words: a Latin wildcard in a Korean market has none.
            if scripts & wanted:
                terms.extend(_written_out(text, language, vocabulary))
        else:
            terms.append(text)
    seen: set[str] = set()
    unique = []
    for term in terms:
        if fold(term) not in seen:
            seen.add(fold(term))
            unique.append(term)
    return unique


def _written_out(alias: str, language: str, vocabulary: Vocabulary | None) -> list[str]:
    """An alias ending in '*' as the commonest words of `language` it matches; none without a word list."""
    head, _, last = alias.rpartition(" ")
    if "*" in head or not last.endswith("*") or vocabulary is None:
        return []
    stem = fold(last.rstrip("*"))
    listed = vocabulary.words(language)
    forms: list[str] = []
    text = SEPARATOR + listed.text
    position = text.find(SEPARATOR + stem)
    while position >= 0 and len(forms) < WILDCARD_FORMS:  # most frequent first: the list's own order
        end = text.find(SEPARATOR, position + 1)
        word = text[position + 1 : end if end >= 0 else len(text)]
        if word.isalpha() and word not in forms:
            forms.append(word)
        position = text.find(SEPARATOR + stem, position + 1)
    return [f"{head} {form}".strip() for form in forms]


def quoted(term: str) -> str:
    return '"' + term.replace('"', " ").strip() + '"'


def build_queries(terms: Sequence[str], max_length: int, require: Sequence[str] = ()) -> list[str]:
    """OR-lists of quoted terms, each at most max_length characters; a term too long alone is left out.

    `require` (the entity's require_any) is ANDed to each query as one more OR-list in parentheses.
    """
    clause = f" ({' OR '.join(quoted(term) for term in require)})" if require else ""
    queries: list[str] = []
    current = ""
    for term in terms:
        piece = quoted(term)
        joined = f"{current} OR {piece}" if current else piece
        if len(joined) + len(clause) <= max_length:
            current = joined
            continue
        if current:
            queries.append(current + clause)
        current = piece if len(piece) + len(clause) <= max_length else ""
    if current:
        queries.append(current + clause)
    return queries


def engine_url(engine: EngineConfig, query: str, market: str) -> str:
    assert engine.url is not None  # EngineConfig fills in a built-in engine's template
    language, _, country = market.partition("-")
    return engine.url.format(query=quote_plus(query), lang=language, country=country)


def search_feeds(
    entities: Iterable[EntityConfig], search: SearchConfig, vocabulary: Vocabulary | None = None
) -> list[SearchFeed]:
    """Every search feed the config asks for: entity × market × engine, split where a query is too long."""
    feeds: list[SearchFeed] = []
    for entity in entities:
        if not entity.search:
            continue
        for market in search.markets:
            terms = terms_for_market(entity, market, vocabulary)
            if not terms:
                continue
            for engine in search.engines:
                feeds.extend(_engine_feeds(entity, market, engine, terms))
    return list({feed.url: feed for feed in feeds}.values())


def _engine_feeds(entity: EntityConfig, market: str, engine: EngineConfig, terms: list[str]) -> list[SearchFeed]:
    assert engine.max_query_length is not None and engine.interval is not None and engine.per_minute is not None
    queries = build_queries(terms, engine.max_query_length, entity.require_any)
    # The URL must fit too: a Hangul letter is 9 characters percent-encoded.
    fitting = []
    for query in queries:
        if len(engine_url(engine, query, market)) <= MAX_URL_CHARS:
            fitting.append(query)
            continue
        limit = engine.max_query_length
        while limit > 10:
            limit = limit * 2 // 3
            parts = build_queries(_unquote_all(query), limit, entity.require_any)
            if all(len(engine_url(engine, part, market)) <= MAX_URL_CHARS for part in parts):
                fitting.extend(parts)
                break
    name = entity.name[:200]
    return [
        SearchFeed(
            url=engine_url(engine, query, market),
            name=f"search: {name} {market} ({engine.name})" + (f" {index}/{len(fitting)}" if len(fitting) > 1 else ""),
            entity=entity.name,
            market=market,
            engine=engine.name,
            query=query,
            host=engine.host,
            interval=engine.interval,
            per_minute=engine.per_minute,
        )
        for index, query in enumerate(fitting, 1)
    ]


def _unquote_all(query: str) -> list[str]:
    head = query.split(' ("', 1)[0]  # the require clause is added again
    return [part.strip().strip('"') for part in head.split(" OR ")]


def first_poll_offsets(feeds: Sequence[SearchFeed]) -> dict[str, timedelta]:
    """When each new search feed is first due, after now: an engine's feeds spread evenly over its interval.

    Ordered by a hash of the URL, so the order is the same in every instance and after every reload, and a
    new market or entity lands among the others rather than all at once.
    """
    by_host: dict[str, list[SearchFeed]] = {}
    for feed in feeds:
        by_host.setdefault(feed.host, []).append(feed)
    offsets = {}
    for group in by_host.values():
        group.sort(key=lambda feed: hashlib.sha256(feed.url.encode()).digest())
        for index, feed in enumerate(group):
            offsets[feed.url] = feed.interval * index / len(group)
    return offsets
