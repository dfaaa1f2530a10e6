"""The lean client's errors, under httpx's exception names so that watcher.fetch words them the same on either path."""

from __future__ import annotations


class HttpError(Exception):
    """A request that got no usable answer (named as httpx names its errors)."""


class TimeoutException(HttpError):
    pass


class ConnectTimeout(TimeoutException):
    pass


class ConnectError(HttpError):
    pass


class ReadError(HttpError):
    pass


class RemoteProtocolError(HttpError):
    pass


class LocalProtocolError(HttpError):
    pass


class UnsupportedProtocol(HttpError):
    pass
