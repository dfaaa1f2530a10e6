"""The value types config.yaml is written in (durations, sizes, times of day, addresses) and the strict base
every settings block derives from: a misspelt setting is an error, a loaded config never changes."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# Defined with the models' methods (shared.py), which the cached config uses without pydantic; named here as before.
from watcher.config.shared import CONFIG_ENV as CONFIG_ENV
from watcher.config.shared import DEFAULT_CONFIG_NAME as DEFAULT_CONFIG_NAME
from watcher.config.shared import resolve as resolve

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20, "gb": 10**9, "gib": 2**30}
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$|^[^@\s<>,;\"]+@localhost$")


def parse_duration(value: Any) -> Any:
    if isinstance(value, timedelta | bool):
        return value
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    if isinstance(value, str):
        found = _DURATION.match(value)
        if found:
            return timedelta(seconds=float(found[1]) * _DURATION_UNITS[(found[2] or "s").lower()])
    raise ValueError(f"expected a duration such as 90s, 30m, 6h or 1d, got {value!r}")


def parse_size(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        found = _SIZE.match(value)
        if found:
            return int(float(found[1]) * _SIZE_UNITS[(found[2] or "b").lower()])
    raise ValueError(f"expected a size such as 512KB or 10MB, got {value!r}")


def parse_time_of_day(value: Any) -> Any:
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


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
ByteSize = Annotated[int, BeforeValidator(parse_size), Field(gt=0)]
TimeOfDay = Annotated[time, BeforeValidator(parse_time_of_day)]


class Strict(BaseModel):
    # defer_build: a model's validator and serializer are made when first used, not when its class is defined
    # (~35 ms of every start): a config from the cache (watcher/config/cache.py) needs neither. Hence the
    # default_factory of Config's blocks: a default instance made at import would build its model there.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


def check_addresses(value: list[str]) -> list[str]:
    for address in value:
        if not ADDRESS.match(address.strip()):
            raise ValueError(f"not an email address: {address!r}")
    return [address.strip() for address in value]
