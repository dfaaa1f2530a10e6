"""config.yaml: its value types (values.py), its settings as models (models.py; entities in entities.py, the
digest in digest.py, the coverage and workbench blocks in coverage.py and web.py)
and the one loader used by the daemon, the CLI and the tests (loader.py).

A bad value raises ConfigError naming the file, the line, the field path and the reason, e.g.
``config.yaml:42: digest.timezone: unknown IANA timezone 'Europe/Rom'``.
"""

from watcher.config.digest import DigestConfig, Route, RouteConfig, SmtpConfig
from watcher.config.entities import AliasConfig, EntityConfig
from watcher.config.loader import (
    default_config_path,
    describe_location,
    entity_from_options,
    load_config,
    load_entities,
    parse_config,
)
from watcher.config.models import Config, FeedConfig, HttpConfig, MatchingConfig, PollConfig, RetentionConfig
from watcher.config.values import CONFIG_ENV, DEFAULT_CONFIG_NAME

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
