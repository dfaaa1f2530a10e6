"""The settings of config.yaml as pydantic models: feeds, polling, HTTP, retention, matching, and the whole
Config (entities are in entities.py, the digest and SMTP in digest.py, coverage and workbench in coverage.py and
web.py)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from watcher.config.coverage import FullTextConfig, FullTextMode, SearchConfig
from watcher.config.digest import DigestConfig, SmtpConfig
from watcher.config.entities import EntityConfig
from watcher.config.shared import ConfigMethods, HttpMethods
from watcher.config.values import ByteSize, Duration, Strict
from watcher.config.web import AlertsConfig, WebConfig

# Feed settings added after feeds were first fingerprinted: left out while they hold their default, so an
# upgrade does not make every feed look edited (which would forget remembered redirects and 410s).
_LATER_SETTINGS = {"type": "feed", "full_text": "auto"}


class FeedConfig(Strict):
    """A feed to poll: an http(s) URL, a file:// URL, or a path relative to config.yaml."""

    url: str = Field(min_length=1, max_length=2048)  # the feeds table's widths (PostgreSQL enforces them)
    name: str | None = Field(default=None, max_length=300)
    tags: list[str] = Field(default_factory=list)
    interval: Duration | None = None
    first_poll_alert_age: Duration | None = None  # overrides poll.first_poll_alert_age for this feed
    # feed: RSS/Atom; page: a web page whose new article links become items; sitemap: a news sitemap.
    type: Literal["feed", "page", "sitemap"] = "feed"
    # The linked article's text, for feeds carrying a teaser (auto: when the summaries look cut short).
    full_text: FullTextMode = "auto"

    @field_validator("url")
    @classmethod
    def _supported_scheme(cls, value: str) -> str:
        value = value.strip()
        scheme = urlsplit(value).scheme.lower()
        if scheme in ("http", "https"):
            if not urlsplit(value).hostname:
                raise ValueError(f"URL has no host: {value!r}")
        elif scheme not in ("file", "") and not re.fullmatch(r"[a-zA-Z]", scheme):  # C:\ on Windows
            raise ValueError(f"unsupported URL scheme {scheme!r}: use http, https, file or a path")
        return value

    @cached_property
    def fingerprint(self) -> str:
        """Changes when the feed's entry in config.yaml does: the feeds table keeps it, and a feed whose entry
        changed starts afresh (watcher/store/sync.py). Kept with the instance, as EntityConfig.fingerprint."""
        defaults = {name for name, default in _LATER_SETTINGS.items() if getattr(self, name) == default}
        return hashlib.sha256(self.model_dump_json(exclude=defaults).encode()).hexdigest()


class PollConfig(Strict):
    interval: Duration = timedelta(minutes=30)  # default per feed; a feed may set its own
    tick: Duration = timedelta(seconds=30)  # how often the daemon looks for feeds that are due
    timeout: Duration = timedelta(seconds=30)  # total per fetch, not per read
    connect_timeout: Duration = timedelta(seconds=10)
    max_bytes: ByteSize = 10 * 10**6  # after decompression
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=16, ge=1, le=1000)
    per_host: int = Field(default=2, ge=1, le=100)
    # Requests a second to one host, averaged over a minute (watcher/hosts.py); 0: connections only.
    per_host_rate: float = Field(default=20.0, ge=0, le=100_000)
    max_backoff: Duration = timedelta(hours=24)
    # A new feed's first poll stores its whole back-catalogue but mails only items newer than this.
    first_poll_alert_age: Duration = timedelta(days=3)
    # Adaptive polling: a feed that publishes often is polled more often, a quiet one less, between
    # these bounds (a feed's own `interval` fixes it instead). RSS ttl and Cache-Control max-age are floors.
    adaptive: bool = True
    min_interval: Duration = timedelta(minutes=5)
    max_interval: Duration = timedelta(hours=6)
    redirect_after: int = Field(default=3, ge=1, le=100)  # permanent redirects in a row before remembered
    user_agent: str | None = None
    block_private_addresses: bool = True

    @model_validator(mode="after")
    def _bounds_in_order(self) -> PollConfig:
        if self.min_interval > self.max_interval:
            raise ValueError("poll.min_interval: must not exceed poll.max_interval")
        return self

    @field_validator("interval", "tick", "timeout", "connect_timeout", "max_backoff", "min_interval", "max_interval")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value.total_seconds() <= 0:
            raise ValueError("must be longer than 0 seconds")
        return value


class HttpConfig(HttpMethods, Strict):
    """The optional status endpoint: /healthz and Prometheus /metrics. Off unless `listen` is set."""

    listen: str | None = None  # e.g. "127.0.0.1:9464"

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"expected host:port such as 127.0.0.1:9464, got {value!r}")
        return value


class RetentionConfig(Strict):
    # Items that matched nothing are deleted after this many days (0: kept for ever); items with
    # matches, the matches and the digests are always kept.
    unmatched_days: int = Field(default=90, ge=0, le=36500)


class MatchingConfig(Strict):
    backfill_days: int = Field(default=30, ge=0, le=3650)


class Config(ConfigMethods, Strict):
    state_dir: str | None = None  # default: $STATE_DIRECTORY under systemd, else ./state beside the config
    database: str | None = None  # default: sqlite:///<state_dir>/watcher.db
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    poll: PollConfig = Field(default_factory=PollConfig)
    matching: MatchingConfig = Field(default_factory=MatchingConfig)
    feeds: list[FeedConfig] = Field(default_factory=list)
    entities: list[EntityConfig] = Field(default_factory=list)
    digest: DigestConfig = Field(default_factory=DigestConfig)
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    http: HttpConfig = Field(default_factory=HttpConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    web: WebConfig = Field(default_factory=WebConfig)  # the page at http.listen: who may use it (web.py)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)  # instant alerts
    # News searches following the entities (watcher/coverage/search.py).
    search: SearchConfig = Field(default_factory=SearchConfig)
    full_text: FullTextConfig = Field(default_factory=FullTextConfig)  # fetching linked articles (watcher/articles.py)

    # Where config.yaml lives; relative paths in it are relative to this directory.
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("feeds")
    @classmethod
    def _unique_feeds(cls, feeds: list[FeedConfig]) -> list[FeedConfig]:
        seen: dict[str, int] = {}
        for index, feed in enumerate(feeds):
            if feed.url in seen:
                raise ValueError(f"feeds.{index}.url: repeats the url of feed {seen[feed.url] + 1}")
            seen[feed.url] = index
        return feeds

    @field_validator("entities")
    @classmethod
    def _unique_entities(cls, entities: list[EntityConfig]) -> list[EntityConfig]:
        seen: dict[str, int] = {}
        for index, entity in enumerate(entities):
            first = seen.get(entity.name.casefold())
            if first is not None:
                raise ValueError(
                    f"entities.{index}.name: repeats the name of entity {first + 1} ({entities[first].name})"
                )
            seen[entity.name.casefold()] = index
        return entities

    @model_validator(mode="after")
    def _routes_name_known_entities(self) -> Config:
        known = {entity.name for entity in self.entities}
        for route in self.digest.routes:
            unknown = [name for name in route.entities if name not in known]
            if unknown:
                raise ValueError(f"digest.routes: route {route.name!r} names unknown entities: {', '.join(unknown)}")
        for index, rule in enumerate(self.alerts.rules):
            unknown = [name for name in (*rule.entities, *rule.together) if name not in known]
            if unknown:
                raise ValueError(f"alerts.rules.{index}: names unknown entities: {', '.join(unknown)}")
        return self

    @field_validator("database")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError(
                "expected an SQLAlchemy URL such as sqlite:///state/watcher.db or postgresql+psycopg://user@host/dbname"
            )
        return value
