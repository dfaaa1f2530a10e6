"""The daemon's HTTP endpoint: the page, /metrics and /healthz at http.listen, moved on a reload without a restart."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from watcher.web.server import WebServer, serve

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from watcher.config import Config

log = logging.getLogger(__name__)

Address = tuple[str, int]


class HttpEndpoint:
    """The one server at http.listen. `make_app(config)` builds what it serves (the page's site and its policy)."""

    def __init__(self, make_app: Callable[[Config], ASGIApp]) -> None:
        self.make_app = make_app
        self.server: WebServer | None = None

    async def start(self, config: Config) -> None:
        """Serve at http.listen, if it is set (OSError when it cannot be bound)."""
        if config.http.address:
            self.server = await serve(self.make_app(config), *config.http.address)

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            await server.stop()

    async def move(self, config: Config, old: Address | None, new: Address | None) -> None:
        """Serve where http.listen now says (and as web: says).

        The new address is bound before the old one is let go where possible (so a typo'd or busy address
        leaves the endpoint where it was); an address overlapping the old one (same port, other interface) is
        bound after closing the old, which is restored if that fails.
        """
        previous, self.server = self.server, None
        if new is None:
            if previous is not None:
                await previous.stop()
            return
        try:
            self.server = await serve(self.make_app(config), *new)
        except OSError:
            if previous is not None:
                await previous.stop()
            try:
                self.server = await serve(self.make_app(config), *new)
            except OSError as exc:
                log.error("http.bind_failed", extra={"fields": {"address": f"{new[0]}:{new[1]}", "error": str(exc)}})
                if old is not None:
                    with contextlib.suppress(OSError):
                        self.server = await serve(self.make_app(config), *old)
                return
        else:
            if previous is not None:
                await previous.stop()
