"""The search feeds a config generates (coverage.search), as the feeds table, the poller and the CLI see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a config has searches: the others (most polls) need neither it nor its vocabulary
    from watcher.config import Config, FeedConfig
    from watcher.coverage.search import SearchFeed

WILDCARD_FLOOR = 3.0  # zipf: the word lists a '*' alias is written out from (once per million words and up)


@dataclass(frozen=True)
class Generated:
    """The feeds a config generates: its news searches, as the feeds table and the poller see them."""

    searches: list[SearchFeed] = field(default_factory=list)
    feeds: list[FeedConfig] = field(default_factory=list)
    by_url: dict[str, SearchFeed] = field(default_factory=dict)
    rates: dict[str, float] = field(default_factory=dict)  # engine host → requests per minute

    def first_polls(self) -> dict[str, timedelta]:
        """How long after now each new search feed is first due: an engine's feeds spread over its interval."""
        if not self.searches:
            return {}
        from watcher.coverage.search import first_poll_offsets

        return first_poll_offsets(self.searches)


_cache: list[tuple[Config, Generated]] = []


def generated_feeds(config: Config) -> Generated:
    """The search feeds of `config` (computed once per config object: the daemon and CLI ask often)."""
    for cached, generated in _cache:
        if cached is config:
            return generated
    generated = _generate(config)
    _cache[:] = [*_cache[-3:], (config, generated)]
    return generated


def _generate(config: Config) -> Generated:
    if not config.search.markets or not config.search.engines:
        return Generated()
    from watcher.config import FeedConfig
    from watcher.coverage.search import search_feeds

    searched = [entity for entity in config.entities if entity.search]
    vocabulary = None
    if any("*" in alias.text for entity in searched for alias in entity.aliases):
        from watcher.vocabulary import WordfreqVocabulary

        vocabulary = WordfreqVocabulary(WILDCARD_FLOOR)
    searches = search_feeds(searched, config.search, vocabulary)
    feeds = [
        FeedConfig(url=search.url, name=search.name, tags=["search"], full_text=config.search.full_text)
        for search in searches
    ]
    rates: dict[str, float] = {}
    for engine in config.search.engines:
        if engine.per_minute:
            rates[engine.host] = min(rates.get(engine.host, engine.per_minute), engine.per_minute)
    return Generated(searches, feeds, {search.url: search for search in searches}, rates)
