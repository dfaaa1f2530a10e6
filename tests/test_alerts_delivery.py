"""Instant alerts from a real daemon to a local webhook (Apprise's json://, as Slack, ntfy or Teams would be
reached): a story that fits a rule alerts within the polling tick that stored it, once per story and rule,
also when the daemon is killed while the receiver is still answering (it is sent again with the same key)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import FeedServer, Route, WatcherProcesses, founding_feed, wait_until, watcher_log, write_config
from watcher.config import load_config
from watcher.models import Alert
from watcher.store import Database

pytestmark = [pytest.mark.clock, pytest.mark.slow]


@dataclass
class Receiver:
    """A webhook on 127.0.0.1 recording each alert's key and text; `delay` holds the first answer back."""

    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    delay: float = 0.0
    arrived: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def keys(self) -> list[str]:
        return [key for key, _ in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.received.append((self.headers.get("Idempotency-Key", ""), body))
            state.arrived.set()
            if state.delay:
                delay, state.delay = state.delay, 0.0
                time.sleep(delay)  # the daemon is killed meanwhile
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield state
    server.shutdown()
    server.server_close()


def alert_config(tmp_path: Path, feed_server: FeedServer, receiver: Receiver) -> Path:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    return write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml"), "name": "TecnoNotizie"}],
        web={"base_url": "https://watcher.example/"},
        alerts={
            "rules": [
                {
                    "name": "xiaomi-korea",
                    "entities": ["Xiaomi"],
                    "events": ["market_entry"],
                    "notify": [f"json://127.0.0.1:{receiver.port}/alert"],
                },
                {"name": "never", "entities": ["Xiaomi"], "min_outlets": 5, "notify": ["json://127.0.0.1:9/x"]},
            ]
        },
    )


def alerts(config: Path) -> list[tuple[str, str, int]]:
    db = Database(load_config(config).database_url)
    try:
        with db.session() as session:
            return [(row.key, row.status, row.attempts) for row in session.scalars(select(Alert))]
    finally:
        db.dispose()


def test_a_story_alerts_once_per_rule_within_the_tick_that_stored_it(
    tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses, receiver: Receiver
) -> None:
    config = alert_config(tmp_path, feed_server, receiver)
    process = watcher_processes.start(config, "--log-level", "debug", "run")
    assert wait_until(lambda: bool(receiver.received), 60), watcher_log(tmp_path)

    def second_tick() -> int:
        log = watcher_log(tmp_path)
        return log.find("event=poll.start", log.find("event=poll.done"))

    assert wait_until(lambda: second_tick() > 0, 30)
    assert 0 < watcher_log(tmp_path).index("event=alert.sent") < second_tick()  # sent in the tick that stored it
    time.sleep(3)  # a few more polling ticks (poll.tick is 1 s) send nothing more
    [(key, body)] = receiver.received
    assert key.startswith("xiaomi-korea:item:") and body["title"].startswith("Korea, Mi Pay, Xiaomi: market entry")
    assert "Xiaomi pronta a sbarcare in Corea del Sud" in body["message"]
    assert "https://watcher.example/stories/" in body["message"] and body["message"].endswith(key)
    assert alerts(config) == [(key, "sent", 1)]  # the other rule fits no story
    process.terminate()
    assert process.wait(30) == 0


def test_killed_while_sending_the_alert_is_sent_again_with_the_same_key_and_then_never(
    tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses, receiver: Receiver
) -> None:
    config = alert_config(tmp_path, feed_server, receiver)
    receiver.delay = 3.0
    first = watcher_processes.start(config, "run")
    assert receiver.arrived.wait(60), watcher_log(tmp_path)
    watcher_processes.crash(first)  # SIGKILL while the receiver has not answered yet
    [(key, status, attempts)] = alerts(config)
    assert status == "pending" and attempts == 1
    second = watcher_processes.start(config, "run")
    assert wait_until(lambda: len(receiver.received) == 2, 60), watcher_log(tmp_path, 1)
    assert wait_until(lambda: alerts(config) == [(key, "sent", 2)], 20), alerts(config)
    time.sleep(3)
    assert receiver.keys() == [key, key]  # the same alert twice: a receiver keeping keys shows it once
    assert len(set(receiver.keys())) == 1
    second.terminate()
    assert second.wait(30) == 0


def test_an_ntfy_url_reaches_an_ntfy_style_server(receiver: Receiver) -> None:
    from watcher.alerts.send import deliver

    error = deliver([f"ntfy://127.0.0.1:{receiver.port}/watcher-alerts"], "Xiaomi: market entry", "Body\nkey", "r:k")
    assert error is None
    [(_key, body)] = receiver.received
    # Apprise posts ntfy's JSON form: topic, title and message in the body.
    assert body["topic"] == "watcher-alerts" and body["title"] == "Xiaomi: market entry"
    assert body["message"] == "Body\nkey"
    assert deliver(["ntfy://127.0.0.1:9/closed"], "t", "b", "k") == "ntfy://…: refused or unreachable"
