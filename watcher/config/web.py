"""The settings of the analyst's web page (`web:`) and of instant alerts (`alerts:`), part of config.yaml.

Validation errors are worded by the loader (loader.py) like every other one.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import time
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from watcher.config.values import Strict

DEFAULT_PASSWORD_CREDENTIAL = "watcher-web-password"  # systemd LoadCredential= name
EVENT_TYPES = (
    "market_entry",
    "partnership",
    "product_launch",
    "patent",
    "legal",
    "funding",
    "acquisition",
    "layoffs",
    "earnings",
    "leadership",
)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and the name localhost: only this machine can connect."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


class WebConfig(Strict):
    """Who may use the page served at http.listen. On a loopback address it is open; anywhere else it needs a
    password (its scrypt hash in a file or a systemd credential) or a trusted reverse proxy's header."""

    # The address readers reach the page at, for links in the digest ("not relevant"): https://watcher.example/
    base_url: str | None = None
    # A file holding the password's hash, written by `watcher web passwd` (relative to config.yaml).
    password_file: str | None = None
    # Or a systemd credential of that name ($CREDENTIALS_DIRECTORY/<name>), used when password_file is unset.
    password_credential: str = DEFAULT_PASSWORD_CREDENTIAL
    # A reverse proxy that authenticates sets this header to the user's name; set it only behind such a proxy.
    trusted_proxy_header: str | None = None
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    link_days: int = Field(default=14, ge=1, le=90)  # one-click digest links expire after this

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"expected an http(s) URL such as https://watcher.example/, got {value!r}")
        return value.rstrip("/") + "/"

    @field_validator("trusted_proxy_header")
    @classmethod
    def _header_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9-]+", value):
            raise ValueError(f"expected an HTTP header name such as X-Remote-User, got {value!r}")
        return value


def _parse_quiet_hours(value: Any) -> Any:
    if value is None or isinstance(value, tuple):
        return value
    found = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", str(value))
    if not found or int(found[1]) > 23 or int(found[3]) > 23 or int(found[2]) > 59 or int(found[4]) > 59:
        raise ValueError(f"expected a range of local times such as 22:00-07:00, got {value!r}")
    return time(int(found[1]), int(found[2])), time(int(found[3]), int(found[4]))


class AlertRuleConfig(Strict):
    """An instant alert: a story that fits every condition given is sent to `notify` once."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.-]+$")
    # Apprise URLs: slack://..., msteams://..., matrix://..., tgram://..., ntfy://..., mailto://..., json://...
    notify: list[str] = Field(min_length=1)
    entities: list[str] = Field(default_factory=list)  # any of these named in the story
    events: list[str] = Field(default_factory=list)  # any of these event types in the story
    together: list[str] = Field(default_factory=list)  # all of these named in the same story (co-mention)
    min_outlets: int = Field(default=1, ge=1, le=1000)
    min_languages: int = Field(default=1, ge=1, le=100)
    max_per_hour: int = Field(default=10, ge=1, le=1000)  # more wait for the next hour
    quiet_hours: tuple[time, time] | None = None  # in digest.timezone; alerts wait until they end

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet_hours(cls, value: Any) -> Any:
        return _parse_quiet_hours(value)

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        unknown = [event for event in value if event not in EVENT_TYPES]
        if unknown:
            raise ValueError(f"unknown event types {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}")
        return value

    @field_validator("notify")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            if "://" not in url:
                raise ValueError(f"expected an Apprise URL such as ntfy://ntfy.sh/topic, got {url!r}")
        return value

    @model_validator(mode="after")
    def _says_something(self) -> AlertRuleConfig:
        if not (self.entities or self.events or self.together):
            raise ValueError("a rule names entities, events or together (else every story would alert)")
        return self


class AlertsConfig(Strict):
    rules: list[AlertRuleConfig] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _unique(cls, rules: list[AlertRuleConfig]) -> list[AlertRuleConfig]:
        names = [rule.name for rule in rules]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"rule names must be unique; repeated: {', '.join(repeated)}")
        return rules
