"""The exceptions watcher raises at its boundaries.

WatcherError
├── ConfigError      config.yaml is missing, not YAML, or fails validation (CLI exit status 2)
├── FetchError       a feed could not be fetched: network, HTTP status, limits (recorded on the feed)
├── FeedError        the bytes fetched are not a usable feed (recorded on the feed)
└── DeliveryError    the digest could not be handed to the mail server or the outbox
    ├── TemporaryDeliveryError   4xx or connection trouble: retry the same message later
    └── PermanentDeliveryError   5xx or refused credentials: the message will not go through as it is
"""

from __future__ import annotations


class WatcherError(Exception):
    """Base of every error watcher raises on purpose."""


class ConfigError(WatcherError):
    """A config file that cannot be used; the message names the file, field path and line."""


class FetchError(WatcherError):
    """A feed that could not be fetched."""


class FeedError(WatcherError):
    """A response that is not a usable feed."""


class DeliveryError(WatcherError):
    """A digest that could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """Worth retrying the identical message later."""


class PermanentDeliveryError(DeliveryError):
    """Retrying the identical message will not help."""
