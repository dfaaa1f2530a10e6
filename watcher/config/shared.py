"""What the config's models do besides holding values (paths, routes, addresses), without pydantic.

Each settings block with methods takes them from a mixin here (`class Config(ConfigMethods, Strict)`): the pydantic
models (models.py, digest.py, coverage.py) stay the one definition of the settings and their validation, and the
config cache (cache.py) gives its copies of them the same methods, so a start whose config comes from the cache
imports no pydantic (~0.4 G instructions, ~0.1 CPU-s of a `watcher poll --once`). Nothing here may import pydantic
or the models at module level.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from watcher.errors import ConfigError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

DEFAULT_CONFIG_NAME = "config.yaml"
CONFIG_ENV = "WATCHER_CONFIG"


def resolve(base: Path, path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (base / candidate).resolve()


@dataclass(frozen=True)
class Route:
    """A route resolved against the config's entities."""

    name: str
    recipients: tuple[str, ...]
    entities: tuple[str, ...]
    subject: str


# A mixin's name ends with "Methods" (the cache makes no other class of this module a base of its copies).
# The mixins read their block's settings as attributes (`self.state_dir`): declared by the models, not here.
Self = Any


class ConfigMethods:
    """Config's (models.py)."""

    def routes(self: Self) -> list[Route]:
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

    @property
    def state_path(self: Self) -> Path:
        if self.state_dir is not None:
            return resolve(self.base_dir, self.state_dir)
        systemd_state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
        return Path(systemd_state) if systemd_state else self.base_dir / "state"

    @property
    def database_url(self: Self) -> str:
        if self.database is None:
            return f"sqlite:///{self.state_path / 'watcher.db'}"
        if self.database.startswith("sqlite:///") and not self.database.startswith("sqlite:////"):
            relative = self.database.removeprefix("sqlite:///")
            if relative and relative != ":memory:":
                return f"sqlite:///{resolve(self.base_dir, relative)}"
        return self.database  # type: ignore[no-any-return]

    @property
    def outbox_path(self: Self) -> Path:
        return resolve(self.state_path, self.digest.outbox)

    def feed_location(self: Self, feed_url: str) -> str:
        """The URL to fetch: http(s) and file:// as written, a bare path made absolute."""
        scheme = urlsplit(feed_url).scheme.lower()
        if scheme in ("http", "https", "file"):
            return feed_url
        return resolve(self.base_dir, feed_url).as_uri()


class HttpMethods:
    """HttpConfig's (models.py)."""

    @property
    def address(self: Self) -> tuple[str, int] | None:
        if self.listen is None:
            return None
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)


class DigestMethods:
    """DigestConfig's (digest.py)."""

    @property
    def zone(self: Self) -> ZoneInfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)


class SmtpMethods:
    """SmtpConfig's (digest.py)."""

    def password(self: Self, base_dir: Path) -> Secret | None:
        """The SMTP password from the environment or the credentials file, never from config.yaml."""
        if self.password_env:
            value = os.environ.get(self.password_env)
            if value is None:
                raise ConfigError(f"smtp.password_env: environment variable {self.password_env} is not set")
            return Secret(value)
        if self.password_file:
            path = resolve(base_dir, self.password_file)
            try:
                return Secret(path.read_text(encoding="utf-8").rstrip("\r\n"))
            except OSError as exc:
                raise ConfigError(f"smtp.password_file: cannot read {path}: {exc.strerror}") from None
        return None


class Secret:
    """A password, kept out of reprs and logs as pydantic's SecretStr keeps it (without importing pydantic for it at
    every start that mails through a server with a password)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class EngineMethods:
    """EngineConfig's (coverage.py)."""

    @property
    def host(self: Self) -> str:
        return (urlsplit(self.url or "").hostname or "").lower()
