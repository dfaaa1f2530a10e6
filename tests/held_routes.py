"""FeedServer routes that answer late: a feed still in flight while the rest of a pass goes on."""

from __future__ import annotations

import threading

from tests.conftest import Route


class HeldRoutes(dict[str, Route]):
    """Use as `feed_server.routes`: the `held` paths answer once `release` is set, or after `delay` seconds
    (60 at most: a test never hangs on them)."""

    def __init__(self, held: set[str], delay: float = 60.0) -> None:
        super().__init__()
        self.held = held
        self.delay = delay
        self.release = threading.Event()

    def get(self, path: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        if path in self.held:  # the server answers each request in a thread of its own: only this one waits
            self.release.wait(self.delay)
        return super().get(path, default)
