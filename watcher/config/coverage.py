"""The coverage settings of config.yaml: news searches that follow the entities (`search:`) and the full text
of linked articles (`full_text:`). Per feed, `type` and `full_text` live on FeedConfig (models.py).

Errors are worded by the loader like every other one: ``config.yaml:12: search.markets: market 2: ...``.
"""

from __future__ import annotations

import re
import string
from datetime import timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, field_validator, model_validator

from watcher.config.shared import EngineMethods
from watcher.config.values import ByteSize, Duration, Strict

FullTextMode = Literal["auto", "always", "never"]
PLACEHOLDERS = frozenset({"query", "lang", "country"})

# Engines watcher knows by name. Neither publishes a query limit for its RSS: Google's web search reads at
# most 32 words, and both answer long OR-lists with fewer results, so queries stay short (several feeds
# rather than one long query). per_minute is watcher's own politeness, not a published quota.
BUILTIN_ENGINES: dict[str, dict[str, Any]] = {
    "google-news": {
        "url": "https://news.google.com/rss/search?q={query}&hl={lang}-{country}&gl={country}&ceid={country}:{lang}",
        "max_query_length": 200,
        "per_minute": 10,
        "interval": timedelta(hours=2),
    },
    "bing-news": {
        "url": "https://www.bing.com/news/search?q={query}&format=rss&setlang={lang}&cc={country}",
        "max_query_length": 150,
        "per_minute": 10,
        "interval": timedelta(hours=2),
    },
}


def _engine_from_name(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


class EngineConfig(EngineMethods, Strict):
    """A news search answering in RSS or Atom: a built-in one by name, or any through a URL template."""

    name: str = Field(min_length=1, max_length=40, pattern=r"^[\w.-]+$")
    url: str | None = None  # a template with {query} and optionally {lang} and {country}
    max_query_length: int | None = Field(default=None, ge=10, le=1500)  # characters of the query, unencoded
    per_minute: float | None = Field(default=None, gt=0, le=600)  # requests to the engine's host
    interval: Duration | None = None  # between polls of one search feed, at least

    @model_validator(mode="after")
    def _template(self) -> EngineConfig:
        builtin = BUILTIN_ENGINES.get(self.name)
        if builtin is None and self.url is None:
            names = ", ".join(BUILTIN_ENGINES)
            raise ValueError(f"name: {self.name!r} is no built-in engine ({names}): give its url template too")
        defaults = builtin or {"max_query_length": 400, "per_minute": 30, "interval": timedelta(hours=1)}
        for key, value in defaults.items():
            if getattr(self, key) is None:
                object.__setattr__(self, key, value)
        assert self.url is not None
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(self.url) if name is not None}
        if "query" not in fields:
            raise ValueError("url: the template needs a {query} placeholder")
        if fields - PLACEHOLDERS:
            unknown = ", ".join(sorted("{" + name + "}" for name in fields - PLACEHOLDERS))
            raise ValueError(f"url: unknown placeholder {unknown} (use {{query}}, {{lang}}, {{country}})")
        parts = urlsplit(self.url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url: an http(s) URL template is needed, got {self.url!r}")
        if self.interval is not None and self.interval.total_seconds() < 60:
            raise ValueError("interval: at least 1m (a news search is not polled faster)")
        return self


_MARKET = re.compile(r"^([a-zA-Z]{2,3})[-_]([a-zA-Z]{2})$")


def _market(value: Any) -> Any:
    if isinstance(value, str) and (found := _MARKET.match(value.strip())):
        return f"{found[1].lower()}-{found[2].upper()}"
    raise ValueError(f"expected a market as language-COUNTRY, e.g. it-IT, ko-KR, en-US; got {value!r}")


Market = Annotated[str, BeforeValidator(_market)]


class SearchConfig(Strict):
    """News searches generated from each entity's aliases for each market, polled like any feed."""

    engines: list[Annotated[EngineConfig, BeforeValidator(_engine_from_name)]] = Field(
        default_factory=lambda: [EngineConfig(name="google-news")]
    )
    markets: list[Market] = Field(default_factory=list)  # none: no search feeds
    full_text: FullTextMode = "auto"  # of the articles the results link to (auto: when the link resolves)

    @field_validator("engines")
    @classmethod
    def _unique_engines(cls, engines: list[EngineConfig]) -> list[EngineConfig]:
        names = [engine.name for engine in engines]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"engine names must be unique; repeated: {', '.join(repeated)}")
        return engines

    @field_validator("markets")
    @classmethod
    def _unique_markets(cls, markets: list[str]) -> list[str]:
        return list(dict.fromkeys(markets))


class FullTextConfig(Strict):
    """Fetching the article an item links to, for feeds that carry a teaser only."""

    budget: int = Field(default=100, ge=0, le=100_000)  # articles fetched per polling pass; the rest wait
    concurrency: int = Field(default=4, ge=1, le=100)  # articles fetched at once (poll.per_host still holds)
    workers: int = Field(default=1, ge=1, le=16)  # extractor processes
    max_bytes: ByteSize = 5 * 10**6  # largest article page accepted, after decompression
    max_age: Duration = timedelta(days=2)  # an item still waiting this long after it was stored is given up

    @field_validator("max_age")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value.total_seconds() <= 0:
            raise ValueError("must be longer than 0 seconds")
        return value
