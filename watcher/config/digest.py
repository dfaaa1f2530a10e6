"""The digest's settings in config.yaml: when and to whom it goes, its routes, and the SMTP server it goes by."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from watcher.config.shared import DigestMethods, SmtpMethods
from watcher.config.shared import Route as Route  # resolved routes: defined beside Config.routes()
from watcher.config.values import ADDRESS, Duration, Strict, TimeOfDay, check_addresses


class RouteConfig(Strict):
    """One digest: who receives it and which entities (by name or tag) it reports."""

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.-]+$")
    recipients: list[str] = Field(default_factory=list)
    entities: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    subject: str | None = Field(default=None, max_length=200)

    _recipients = field_validator("recipients")(classmethod(lambda cls, value: check_addresses(value)))


class DigestConfig(DigestMethods, Strict):
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
        return check_addresses(value)

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
        if not ADDRESS.match(address):
            raise ValueError(f"not an email address: {value!r}")
        return value

    @field_validator("subject")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


class SmtpConfig(SmtpMethods, Strict):
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
