"""A reloaded config that is refused changes nothing: all of it applies, or none of it.

config.yaml can parse and validate and still be refused when it is applied: the matcher refuses an
exclude phrase with '*' inside a word. Such an edit that also adds a feed and an entity and moves the
digest time, the polling tick and http.listen must leave every one of them as it was (the feeds and
entities tables, the scheduler's jobs, the endpoint's address, the config the running parts use),
log config.rejected and never crash a job; the next good edit is applied in full. A running daemon
in this process (so its scheduler can be looked at), a real config file, a real HTTP server and a
real SQLite file.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests.conftest import FOUNDING_ENTITIES, FeedServer, Route, free_port, rss, write_config
from watcher import app as app_module
from watcher.app import Watcher
from watcher.config import load_config
from watcher.daemon.service import Daemon
from watcher.errors import ConfigError
from watcher.models import Entity, Feed

REFUSED_EXCLUDE = "Ko*rea"  # '*' may only end a word: Matcher.build refuses it


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.1)
    return condition()


async def healthz(port: int) -> str | None:
    """The status line /healthz answers on 127.0.0.1:port, or None when nothing listens there."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return None
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: watcher\r\n\r\n")
    await writer.drain()
    status = (await reader.readline()).decode().strip()
    writer.close()
    return status


def tables(daemon: Daemon) -> tuple[list[Any], list[Any]]:
    assert daemon.watcher is not None
    with daemon.watcher.db.session() as session:
        feeds = sorted((feed.url, feed.active) for feed in session.scalars(select(Feed)))
        entities = sorted((e.name, e.fingerprint, e.active) for e in session.scalars(select(Entity)))
    return feeds, entities


def schedule(daemon: Daemon) -> tuple[dict[str, str], str, float]:
    """The digest job's firing time (cron fields and zone) and the polling tick in seconds."""
    assert daemon.scheduler is not None
    digest = daemon.scheduler.get_job("digest").trigger
    poll = daemon.scheduler.get_job("poll").trigger
    fields = {field.name: str(field) for field in digest.fields if not field.is_default}
    return fields, str(digest.timezone), poll.interval.total_seconds()


def replace_config(path: Path, data: dict[str, Any]) -> None:
    """Write a new config.yaml as editors do: a new file renamed over the old one."""
    replacement = path.with_suffix(".yaml.new")
    replacement.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.replace(replacement, path)


def events(caplog: pytest.LogCaptureFixture, name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.getMessage() == name]


def test_a_reload_refused_when_applied_keeps_everything_and_the_next_good_one_applies(
    tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Xiaomi news", "link": "https://news.example/a"}))
    feed_server.routes["/b.xml"] = Route(body=rss({"title": "Samsung news", "link": "https://news.example/b"}))
    old_port, new_port = free_port(), free_port()
    path = write_config(tmp_path, feeds=[{"url": feed_server.url("/a.xml")}], http={"listen": f"127.0.0.1:{old_port}"})
    original = yaml.safe_load(path.read_text(encoding="utf-8"))
    edited = {
        **original,
        "feeds": [*original["feeds"], {"url": feed_server.url("/b.xml")}],
        "entities": [
            *original["entities"],
            {"name": "Samsung", "aliases": ["Samsung", "삼성"], "exclude": [REFUSED_EXCLUDE]},
        ],
        "digest": {**original["digest"], "time": "09:30", "timezone": "Asia/Seoul"},
        "poll": {**original["poll"], "tick": "3s"},
        "http": {"listen": f"127.0.0.1:{new_port}"},
    }
    edited["entities"][0] = {**edited["entities"][0], "aliases": [*edited["entities"][0]["aliases"], "Redmi"]}

    async def scenario() -> None:
        daemon = Daemon(path, load_config(path))
        running = asyncio.create_task(daemon.run())
        try:
            assert await until(lambda: bool(feed_server.requests_to("/a.xml")) and daemon.http_server is not None)
            assert (await healthz(old_port) or "").startswith("HTTP/1.1 200")
            config_in_use = daemon.config
            assert daemon.watcher is not None
            before = tables(daemon), schedule(daemon)
            assert before[1] == ({"hour": "8", "minute": "0"}, "Europe/Rome", 1.0)

            # An edit that does not even load (broken YAML) is refused as well, and crashes nothing.
            path.write_text(path.read_text(encoding="utf-8") + "feeds: [\n", encoding="utf-8")
            assert await until(lambda: len(events(caplog, "config.rejected")) == 1), caplog.text
            assert (tables(daemon), schedule(daemon)) == before and daemon.config is config_in_use

            replace_config(path, edited)
            assert await until(lambda: len(events(caplog, "config.rejected")) == 2), caplog.text
            assert REFUSED_EXCLUDE in events(caplog, "config.rejected")[1].fields["error"]  # type: ignore[attr-defined]

            assert (tables(daemon), schedule(daemon)) == before
            assert await healthz(old_port) is not None and await healthz(new_port) is None
            assert daemon.config is config_in_use
            assert daemon.watcher.config is config_in_use  # what digests are built and sent by
            assert daemon.watcher.poller.config is config_in_use  # what feeds are polled by
            await asyncio.sleep(3.5)  # a few polling ticks and one more config-watch pass
            assert feed_server.requests_to("/b.xml") == []

            # The same edit without the refused phrase is applied in full.
            edited["entities"][-1]["exclude"] = ["Samsung Heavy"]
            replace_config(path, edited)
            assert await until(lambda: bool(events(caplog, "config.reloaded"))), caplog.text
            assert await until(lambda: bool(feed_server.requests_to("/b.xml")))
            feeds, entities = tables(daemon)
            assert [url for url, active in feeds if active] == [feed_server.url("/a.xml"), feed_server.url("/b.xml")]
            assert "Samsung" in [name for name, _fingerprint, active in entities if active]
            assert entities != before[0][1]  # Xiaomi's aliases changed: a new fingerprint
            assert schedule(daemon) == ({"hour": "9", "minute": "30"}, "Asia/Seoul", 3.0)
            assert await until(lambda: daemon.http_server is not None)
            assert (await healthz(new_port) or "").startswith("HTTP/1.1 200")
            assert await healthz(old_port) is None
        finally:
            daemon.stop_requested.set()
            assert await asyncio.wait_for(running, 30) == 0

    asyncio.run(scenario())
    assert events(caplog, "job.crashed") == [], caplog.text
    assert len(events(caplog, "config.rejected")) == 2


def feeds_and_entities(watcher: Watcher) -> tuple[list[Any], list[Any]]:
    with watcher.db.session() as session:
        feeds = sorted((feed.url, feed.name, feed.active) for feed in session.scalars(select(Feed)))
        entities = sorted((e.name, e.fingerprint, e.active) for e in session.scalars(select(Entity)))
    return feeds, entities


def test_apply_switches_nothing_when_the_database_refuses_the_sync(
    tmp_path: Path, database_overrides: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(tmp_path, feeds=[{"url": "http://127.0.0.1:9/a.xml"}], **database_overrides)
    watcher = Watcher.open(load_config(path))
    try:
        poller = watcher.poller
        in_use = watcher.config, watcher.matcher, watcher.mailer
        before = feeds_and_entities(watcher)
        new = load_config(
            write_config(
                tmp_path,
                feeds=[{"url": "http://127.0.0.1:9/a.xml", "name": "A"}, {"url": "http://127.0.0.1:9/b.xml"}],
                entities=[{"name": "Samsung"}],
                **database_overrides,
            )
        )

        # The feeds are written, then the database gives up (a lock held longer than the busy timeout):
        # a fault that cannot be caused here in less than that timeout, so it is played.
        def locked(*args: Any) -> None:
            raise OperationalError("UPDATE entities ...", {}, Exception("database is locked"))

        monkeypatch.setattr(app_module, "sync_entities", locked)
        with pytest.raises(OperationalError):
            watcher.apply(new)
        assert (watcher.config, watcher.matcher, watcher.mailer) == in_use
        assert watcher.config is in_use[0] and poller.config is in_use[0] and poller.matcher is in_use[1]
        assert feeds_and_entities(watcher) == before  # the feeds written before the failure rolled back

        monkeypatch.undo()
        watcher.apply(new)
        assert watcher.config is new and poller.config is new and poller.matcher is watcher.matcher
        feeds, entities = feeds_and_entities(watcher)
        assert feeds == [("http://127.0.0.1:9/a.xml", "A", True), ("http://127.0.0.1:9/b.xml", None, True)]
        assert [name for name, _fingerprint, active in entities if active] == ["Samsung"]
    finally:
        watcher.close()


@pytest.mark.parametrize(
    ("message", "edit"),
    [
        (r"entity 4 .*: name: .* at most 300 characters", {"entities": [{"name": "X" * 301}]}),
        (r"feed 2 .*: url: .* at most 2048 characters", {"feeds": [{"url": "http://127.0.0.1:9/" + "b" * 2030}]}),
        (r"feed 2 .*: name: .* at most 300 characters", {"feeds": [{"url": "http://h/b", "name": "B" * 301}]}),
    ],
)
def test_what_the_database_cannot_hold_is_refused_when_loaded(
    tmp_path: Path, message: str, edit: dict[str, list[dict[str, str]]]
) -> None:
    # PostgreSQL refuses a value wider than its column only when the row is written, in the middle of
    # applying the config; refused when loaded, the daemon keeps the last good config and says why.
    feeds = [{"url": "http://127.0.0.1:9/a.xml"}, *edit.get("feeds", [])]
    entities = [*FOUNDING_ENTITIES, *edit.get("entities", [])]
    with pytest.raises(ConfigError, match=message):
        load_config(write_config(tmp_path, feeds=feeds, entities=entities))


def test_the_widest_names_and_urls_allowed_are_stored(tmp_path: Path, database_overrides: dict[str, str]) -> None:
    url = "http://127.0.0.1:9/" + "b" * (2048 - len("http://127.0.0.1:9/"))
    config = write_config(
        tmp_path, feeds=[{"url": url, "name": "B" * 300}], entities=[{"name": "X" * 300}], **database_overrides
    )
    watcher = Watcher.open(load_config(config))
    try:
        feeds, entities = feeds_and_entities(watcher)
        assert feeds == [(url, "B" * 300, True)] and entities[0][0] == "X" * 300
    finally:
        watcher.close()


def test_a_reload_the_database_refuses_is_retried_without_another_edit(
    tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error while applying is not the config's fault: nothing crashes, and the same file is
    applied once the database answers again (the edit is not lost until config.yaml changes once more)."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr("watcher.daemon.reload.RELOAD_RETRY_SECONDS", 1.0)
    feed_server.routes["/a.xml"] = Route(body=rss({"title": "Xiaomi news", "link": "https://news.example/a"}))
    path = write_config(tmp_path, feeds=[{"url": feed_server.url("/a.xml")}])
    edited = yaml.safe_load(path.read_text(encoding="utf-8"))
    edited["entities"] = [*edited["entities"], {"name": "Samsung", "aliases": ["Samsung"]}]
    real_sync = app_module.sync_entities
    refusals: list[int] = []

    def locked_twice(*args: Any) -> Any:
        if len(refusals) < 2:  # a lock held longer than the busy timeout, twice: played, see above
            refusals.append(1)
            raise OperationalError("UPDATE entities ...", {}, Exception("database is locked"))
        return real_sync(*args)

    async def scenario() -> None:
        daemon = Daemon(path, load_config(path))
        running = asyncio.create_task(daemon.run())
        try:
            assert await until(lambda: bool(feed_server.requests_to("/a.xml")))
            monkeypatch.setattr(app_module, "sync_entities", locked_twice)
            replace_config(path, edited)
            assert await until(lambda: bool(events(caplog, "config.reloaded")), 30), caplog.text
            assert daemon.config.entities[-1].name == "Samsung"
            assert "Samsung" in [name for name, _fingerprint, active in tables(daemon)[1] if active]
        finally:
            daemon.stop_requested.set()
            assert await asyncio.wait_for(running, 30) == 0

    asyncio.run(scenario())
    assert len(refusals) == 2
    assert len(events(caplog, "config.apply_failed")) == 2, caplog.text
    assert events(caplog, "job.crashed") == [], caplog.text
