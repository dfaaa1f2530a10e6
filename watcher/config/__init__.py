"""config.yaml: its value types (values.py), its settings as models (models.py; entities in entities.py, the
digest in digest.py, the coverage and workbench blocks in coverage.py and web.py), their methods (shared.py)
and the one loader used by the daemon, the CLI and the tests (loader.py).

A bad value raises ConfigError naming the file, the line, the field path and the reason, e.g.
``config.yaml:42: digest.timezone: unknown IANA timezone 'Europe/Rom'``.

The models (and pydantic) are imported when one of their names is first asked for: a start whose config comes from
the cache (cache.py) uses none of them, and modules that name them only in annotations import them under
TYPE_CHECKING.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from watcher.config.loader import (
    default_config_path,
    describe_location,
    entity_from_options,
    load_config,
    load_entities,
    parse_config,
)
from watcher.config.shared import CONFIG_ENV, DEFAULT_CONFIG_NAME, Route

if TYPE_CHECKING:
    from watcher.config.digest import DigestConfig, RouteConfig, SmtpConfig
    from watcher.config.entities import AliasConfig, EntityConfig
    from watcher.config.models import (
        Config,
        FeedConfig,
        HttpConfig,
        MatchingConfig,
        PollConfig,
        RetentionConfig,
    )

# The models' names, by the module that defines them.
_MODELS = {
    "DigestConfig": "digest",
    "RouteConfig": "digest",
    "SmtpConfig": "digest",
    "AliasConfig": "entities",
    "EntityConfig": "entities",
    "Config": "models",
    "FeedConfig": "models",
    "HttpConfig": "models",
    "MatchingConfig": "models",
    "PollConfig": "models",
    "RetentionConfig": "models",
}


def __getattr__(name: str) -> Any:
    module = _MODELS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG_NAME",
    "AliasConfig",
    "Config",
    "DigestConfig",
    "EntityConfig",
    "FeedConfig",
    "HttpConfig",
    "MatchingConfig",
    "PollConfig",
    "RetentionConfig",
    "Route",
    "RouteConfig",
    "SmtpConfig",
    "default_config_path",
    "describe_location",
    "entity_from_options",
    "load_config",
    "load_entities",
    "parse_config",
]
