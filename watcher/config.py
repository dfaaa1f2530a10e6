"""Loading and validating config.yaml: the one loader used by the daemon, the CLI and the tests.

A bad value raises ConfigError naming the file, the line, the field path and the reason, e.g.
``config.yaml:42: digest.timezone: unknown IANA timezone 'Europe/Rom'``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from watcher.config_coverage import FullTextConfig, FullTextMode, SearchConfig
from watcher.config_web import AlertsConfig, WebConfig
from watcher.errors import ConfigError

DEFAULT_CONFIG_NAME = "config.yaml"
CONFIG_ENV = "WATCHER_CONFIG"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$|^[^@\s<>,;\"]+@localhost$")


def _parse_duration(value: Any) -> Any:
    if isinstance(value, timedelta | bool):
        return value
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if isinstance(value, str):
        found = _DURATION.match(value)
        if found:
            return timedelta(seconds=float(found[1]) * _DURATION_UNITS[(found[2] or "s").lower()])
    raise ValueError(f"expected a duration such as 90s, 30m, 6h or 1d, got {value!r}")


def _parse_size(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        found = _SIZE.match(value)
        if found:
            return int(float(found[1]) * _SIZE_UNITS[(found[2] or "b").lower()])
    raise ValueError(f"expected a size such as 512KB or 10MB, got {value!r}")


def _parse_time_of_day(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 08:00 as the sexagesimal number 480 (minutes).
        return time(hour=value // 60 % 24, minute=value % 60)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hour, minute = (int(part) for part in value.strip().split(":"))
        if hour < 24 and minute < 60:
            return time(hour=hour, minute=minute)
    if isinstance(value, time):
        return value
    raise ValueError(f"expected a local time of day as HH:MM, got {value!r}")


Duration = Annotated[timedelta, BeforeValidator(_parse_duration)]
ByteSize = Annotated[int, BeforeValidator(_parse_size), Field(gt=0)]
TimeOfDay = Annotated[time, BeforeValidator(_parse_time_of_day)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AliasConfig(_Strict):
    """One way an entity is written. A ``*`` ending a word lets that word continue."""

    text: str = Field(min_length=1)
    case_sensitive: bool = False

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("an alias must not be blank")
        for word in value.split(" "):
            if "*" in word.rstrip("*") or word.startswith("*"):
                raise ValueError(f"{value!r}: '*' may only end a word, after at least one letter")
        return value


def _alias_from_string(value: Any) -> Any:
    return {"text": value} if isinstance(value, str) else value


class EntityConfig(_Strict):
    """A tracked company, product, country or topic."""

    name: str = Field(min_length=1, max_length=300)  # the database's column width (PostgreSQL enforces it)
    aliases: list[Annotated[AliasConfig, BeforeValidator(_alias_from_string)]] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    require_any: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    # News searches (search: in config.yaml) follow the entity unless this is false; search_terms are
    # searched besides its aliases (each in the markets of its script).
    search: bool = True
    search_terms: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an entity's name must not be blank")
        return value

    @model_validator(mode="after")
    def _default_alias_is_the_name(self) -> EntityConfig:
        if not self.aliases:
            object.__setattr__(self, "aliases", [AliasConfig(text=self.name)])
        return self


class FeedConfig(_Strict):
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


class PollConfig(_Strict):
    interval: Duration = timedelta(minutes=30)  # default per feed; a feed may set its own
    tick: Duration = timedelta(seconds=30)  # how often the daemon looks for feeds that are due
    timeout: Duration = timedelta(seconds=30)  # total per fetch, not per read
    connect_timeout: Duration = timedelta(seconds=10)
    max_bytes: ByteSize = 10 * 10**6  # after decompression
    max_redirects: int = Field(default=5, ge=0, le=20)
    concurrency: int = Field(default=16, ge=1, le=1000)
    per_host: int = Field(default=2, ge=1, le=100)
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


class HttpConfig(_Strict):
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

    @property
    def address(self) -> tuple[str, int] | None:
        if self.listen is None:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)


class RetentionConfig(_Strict):
    # Items that matched nothing are deleted after this many days (0: kept for ever); items with
    # matches, the matches and the digests are always kept.
    unmatched_days: int = Field(default=90, ge=0, le=36500)


class MatchingConfig(_Strict):
    backfill_days: int = Field(default=30, ge=0, le=3650)


def _check_addresses(value: list[str]) -> list[str]:
    for address in value:
        if not _ADDRESS.match(address.strip()):
            raise ValueError(f"not an email address: {address!r}")
    return [address.strip() for address in value]


class RouteConfig(_Strict):
    """One digest: who receives it and which entities (by name or tag) it reports."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.-]+$")
    recipients: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    subject: str | None = Field(default=None, max_length=200)

    _recipients = field_validator("recipients")(classmethod(lambda cls, value: _check_addresses(value)))


@dataclass(frozen=True)
class Route:
    """A route resolved against the config's entities."""

    name: str
    recipients: tuple[str, ...]
    entities: tuple[str, ...]
    subject: str


class DigestConfig(_Strict):
    time: TimeOfDay = time(8, 0)
    timezone: str = "UTC"
    recipients: list[str] = Field(default_factory=list)
    sender: str = Field(default="watcher@localhost", alias="from")
    subject: str = Field(default="watcher digest", max_length=200)
    outbox: str = "outbox"  # relative to state_dir; used when smtp.host is not set
    max_items_per_entity: int = Field(default=50, ge=1, le=10000)
    # Stories listed in the whole mail: a digest that reads in two minutes, and stays under Gmail's
    # ~102 KB clipping (~1 KB of HTML per story). Shared fairly among the entities; the rest counted.
    max_items: int = Field(default=60, ge=1, le=100000)
    empty: Literal["skip", "send"] = "skip"  # a day with nothing new: no mail, or a short "nothing new" mail
    # Several digests, each with its recipients and entities. Without routes: one digest of every
    # entity to `recipients`.
    routes: list[RouteConfig] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA timezone {value!r} (e.g. Europe/Rome, Asia/Seoul, UTC)") from None
        return value

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        return _check_addresses(value)

    @field_validator("routes")
    @classmethod
    def _unique_routes(cls, routes: list[RouteConfig]) -> list[RouteConfig]:
        names = [route.name for route in routes]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"route names must be unique; repeated: {', '.join(duplicates)}")
        return routes

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        from email.utils import parseaddr

        if any(ch in value for ch in "\r\n"):
            raise ValueError("must be on one line")
        _, address = parseaddr(value)
        if not _ADDRESS.match(address):
            raise ValueError(f"not an email address: {value!r}")
        return value

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SmtpConfig(_Strict):
    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    timeout: Duration = timedelta(seconds=30)

    @model_validator(mode="before")
    @classmethod
    def _no_inline_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "a password is never stored in config.yaml: set smtp.password_env (an environment "
                "variable) or smtp.password_file (a file readable only by the service user)"
            )
        return data

    def password(self, base_dir: Path) -> SecretStr | None:
        """The SMTP password from the environment or the credentials file, never from config.yaml."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ConfigError(f"smtp.password_env: environment variable {self.password_env} is not set")
            return SecretStr(value)
        if self.password_file:
            path = _resolve(base_dir, self.password_file)
            try:
                return SecretStr(path.read_text(encoding="utf-8").rstrip("\r\n"))
            except OSError as exc:
                raise ConfigError(f"smtp.password_file: cannot read {path}: {exc.strerror}") from None
        return None


class Config(_Strict):
    state_dir: str | None = None  # default: $STATE_DIRECTORY under systemd, else ./state beside the config
    database: str | None = None  # default: sqlite:///<state_dir>/watcher.db
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    poll: PollConfig = PollConfig()
    matching: MatchingConfig = MatchingConfig()
    feeds: list[FeedConfig] = Field(default_factory=list)
    entities: list[EntityConfig] = Field(default_factory=list)
    digest: DigestConfig = DigestConfig()
    smtp: SmtpConfig = SmtpConfig()
    http: HttpConfig = HttpConfig()
    retention: RetentionConfig = RetentionConfig()
    web: WebConfig = WebConfig()  # the page at http.listen: who may use it (watcher/config_web.py)
    alerts: AlertsConfig = AlertsConfig()  # instant alerts
    search: SearchConfig = SearchConfig()  # news searches following the entities (watcher/coverage/search.py)
    full_text: FullTextConfig = FullTextConfig()  # fetching linked articles (watcher/articles.py)

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

    def routes(self) -> list[Route]:
        """The digests to send: each configured route, or one "default" route of every entity."""
        every = tuple(entity.name for entity in self.entities)
        if not self.digest.routes:
            return [Route("default", tuple(self.digest.recipients), every, self.digest.subject)]
        resolved = []
        for route in self.digest.routes:
            tagged = {entity.name for entity in self.entities if set(route.tags) & set(entity.tags)}
            chosen = tuple(name for name in every if name in set(route.entities) | tagged)
            resolved.append(Route(route.name, tuple(route.recipients), chosen, route.subject or self.digest.subject))
        return resolved

    @field_validator("database")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError(
                "expected an SQLAlchemy URL such as sqlite:///state/watcher.db or postgresql+psycopg://user@host/dbname"
            )
        return value

    @property
    def state_path(self) -> Path:
        if self.state_dir is not None:
            return _resolve(self.base_dir, self.state_dir)
        systemd_state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
        return Path(systemd_state) if systemd_state else self.base_dir / "state"

    @property
    def database_url(self) -> str:
        if self.database is None:
            return f"sqlite:///{self.state_path / 'watcher.db'}"
        if self.database.startswith("sqlite:///") and not self.database.startswith("sqlite:////"):
            relative = self.database.removeprefix("sqlite:///")
            if relative and relative != ":memory:":
                return f"sqlite:///{_resolve(self.base_dir, relative)}"
        return self.database

    @property
    def outbox_path(self) -> Path:
        return _resolve(self.state_path, self.digest.outbox)

    def feed_location(self, feed_url: str) -> str:
        """The URL to fetch: http(s) and file:// as written, a bare path made absolute."""
        scheme = urlsplit(feed_url).scheme.lower()
        if scheme in ("http", "https", "file"):
            return feed_url
        return _resolve(self.base_dir, feed_url).as_uri()


def _resolve(base: Path, path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate).resolve()


def default_config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_NAME))


def load_config(path: Path | str | None = None) -> Config:
    """Read, parse and validate a config file. Raises ConfigError with file:line: field: reason."""
    path = Path(path) if path is not None else default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    return parse_config(text, path)


def parse_config(text: str, path: Path) -> Config:
    tree, data = _read_yaml(text, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the top level must be a mapping of settings (feeds:, entities:, ...)")
    if "base_dir" in data:
        raise ConfigError(f"{path}: base_dir: not a setting (paths are relative to the config file)")
    data["base_dir"] = path.resolve().parent
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, tree, path, data)) from None


def _read_yaml(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        reason = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: not valid YAML: {reason}") from None


def load_entities(path: Path) -> list[EntityConfig]:
    """Entities to try (`watcher match --entities FILE`): a list of entities, one entity, or a config file's.

    Errors read as check-config's: ``try.yaml:4: entity 2 (LG): alias 2: 'L*G': ...``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    tree, data = _read_yaml(text, path)
    if isinstance(data, dict) and "name" in data and "entities" not in data:  # one entity
        data = [data]
        tree = yaml.SequenceNode("tag:yaml.org,2002:seq", [tree], start_mark=tree.start_mark if tree else None)
    if isinstance(data, dict):
        return parse_config(text, path).entities
    if not isinstance(data, list) or tree is None:
        raise ConfigError(f"{path}:1: expected a list of entities (- name: ..., aliases: [...]) or a config file")
    key = yaml.ScalarNode("tag:yaml.org,2002:str", "entities", start_mark=tree.start_mark)
    wrapped = yaml.MappingNode("tag:yaml.org,2002:map", [(key, tree)], start_mark=tree.start_mark)
    try:
        return Config.model_validate({"entities": data}).entities
    except ValidationError as exc:
        raise ConfigError(_describe(exc, wrapped, path, {"entities": data})) from None


def entity_from_options(data: dict[str, Any], where: Path | None = None) -> EntityConfig:
    """An entity given on the command line (`entities add`, `match --entity`), its errors worded as
    check-config's: ``config.yaml: entity Bad: alias 1: '*x': '*' may only end a word ...``."""
    try:
        return EntityConfig.model_validate(data)
    except ValidationError as exc:
        name = str(data.get("name") or "").strip()
        raise ConfigError(_describe(exc, None, where, data, label=f"entity {name}" if name else "entity")) from None


def _describe(
    exc: ValidationError, tree: yaml.Node | None, path: Path | None, data: Any, label: str | None = None
) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        location = tuple(part for part in error["loc"] if not _is_validator_tag(part))
        message = error["msg"].removeprefix("Value error, ")
        named = re.match(r"([\w.]+): (.*)", message, re.DOTALL)
        # A check across fields or items names its field path itself (within its own location).
        if named and (not location or named[1].startswith(".".join(map(str, location)) + ".")):
            location = tuple(int(part) if part.isdigit() else part for part in named[1].split("."))
            message = named[2]
        field = describe_location(location, data)
        if label:
            field = f"{label}: {field}" if location else label
        line = _line_of(tree, location)
        where = f"{path}:{line}" if path and line else str(path or "")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling; see the config reference in README.md)"
        elif error["type"] == "missing":
            message = "required setting is missing"
        lines.append(f"{where}: {field}: {message}" if where else f"{field}: {message}")
    return "\n".join(lines)


# How a list's items are named for a person: "feed 2 (url https://...)", "entity 3 (Xiaomi)", "alias 1".
_ITEM_NAMES = {
    "feeds": "feed",
    "entities": "entity",
    "aliases": "alias",
    "routes": "route",
    "rules": "rule",
    "engines": "engine",
    "markets": "market",
    "search_terms": "search term",
    "recipients": "recipient",
    "tags": "tag",
    "exclude": "exclude phrase",
    "require_any": "require_any phrase",
}
_ITEM_KEYS = {"feeds": "url", "entities": "name", "routes": "name", "rules": "name", "engines": "name"}


def describe_location(location: tuple[Any, ...], data: Any = None) -> str:
    """A pydantic error location in words: ("feeds", 1, "url") → "feed 2 (url https://...): url".

    Items are counted from 1 as people count; `data`, the config as read, names them where it can.
    """
    segments: list[str] = []
    path: list[str] = []
    node = data
    for part in location:
        if isinstance(part, int) and path:
            container = path.pop()
            if path:  # a list below the top level keeps its path: "digest.routes: route 2 (...)"
                segments.append(".".join([*path, container]))
                path = []
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            words = f"{_ITEM_NAMES.get(container, container + ' item')} {part + 1}"
            key = _ITEM_KEYS.get(container)
            value = item.get(key) if key and isinstance(item, dict) else None
            if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
                words += f" ({value})" if key == "name" else f" ({key} {value})"
            segments.append(words)
            node = item
        else:
            path.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    if path == ["text"] and segments and segments[-1].startswith("alias "):
        path = []  # an alias is its text: "alias 2", not "alias 2: text"
    if path:
        segments.append(".".join(path))
    return ": ".join(segments) or "(top level)"


def _is_validator_tag(part: Any) -> bool:
    # pydantic puts union branch names (e.g. "function-before[...]") into error locations.
    return isinstance(part, str) and ("[" in part or part in ("str", "AliasConfig"))


def _line_of(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of the setting at a pydantic error location (its parent's if it is missing).

    A mapping's setting is on its key's line: a block value (`digest:` then its settings) starts on the
    next line, and an unknown block was reported there, one line late.
    """
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line
