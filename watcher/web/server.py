"""The page, /metrics and /healthz served by uvicorn inside the daemon's own event loop.

The socket is bound here, not by uvicorn: a busy or mistyped address raises OSError to the caller (uvicorn
would log and exit the process), which is how the daemon keeps the old address on a bad reload. uvicorn's
own signal handling is switched off: the daemon owns SIGTERM, SIGINT and SIGHUP.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 5.0  # requests in flight get this long to finish when the address moves or the daemon stops


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the daemon's loop handles signals; uvicorn's would take SIGTERM from it


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class WebServer:
    """One listening address; `start` binds (raising OSError) and serves in a task, `stop` ends it."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        self.address = (host, port)
        self.socket = bind(host, port)
        config = uvicorn.Config(
            app,
            log_config=None,  # watcher's own logging setup stays
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=SHUTDOWN_SECONDS,
            server_header=False,
            proxy_headers=False,  # X-Forwarded-* are trusted only as web.trusted_proxy_header says
        )
        self.server = _EmbeddedServer(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return int(self.socket.getsockname()[1])

    async def start(self) -> None:
        """Listening when this returns (uvicorn's serve() would only be in a task by then)."""
        server = self.server
        if not server.config.loaded:
            server.config.load()
        server.lifespan = server.config.lifespan_class(server.config)
        await server.startup(sockets=[self.socket])
        self.task = asyncio.ensure_future(self._run())
        log.info("http.listening", extra={"fields": {"address": f"{self.address[0]}:{self.port}"}})

    async def _run(self) -> None:
        await self.server.main_loop()
        await self.server.shutdown(sockets=[self.socket])

    async def stop(self) -> None:
        """Stop listening at once (the address is free when this yields); requests in flight may finish."""
        for listener in self.server.servers:
            listener.close()
        self.socket.close()
        self.server.should_exit = True
        if self.task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self.task, SHUTDOWN_SECONDS + 2)


async def serve(app: ASGIApp, host: str, port: int) -> WebServer:
    server = WebServer(app, host, port)
    await server.start()
    return server
