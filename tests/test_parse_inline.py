"""A one-pass command parses plain feeds in its own process and starts parse workers only when they pay
(watcher/parse_pool.py): a few changed feeds cost no worker's start; a document only feedparser reads, one too
large, or a backlog sends the parses to the workers, and every feed is read the same either way."""

from __future__ import annotations

import asyncio
import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FeedServer, Route, founding_feed, rfc822_ago, rss, write_config
from watcher import parse_pool
from watcher.app import Watcher
from watcher.config import load_config
from watcher.parse.feed import NeedsFeedparser, parse_feed, parse_feed_here
from watcher.parse_pool import INLINE_MAX_BYTES, parse_inline
from watcher.poll import parsing
from watcher.store import Database

# A DOCTYPE (no entities): feedparser reads it, parse_fast does not.
WITH_DOCTYPE = rss({"title": "Con doctype", "link": "https://example.it/doctype/"}).replace(
    b"<rss ", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n<rss ', 1
)


def test_a_plain_feed_read_inline_is_read_as_by_a_worker() -> None:
    body = founding_feed()
    url = "http://127.0.0.1/it.xml"
    parsed, seconds = parse_inline(body, "application/rss+xml", url)
    by_worker = parse_feed(body, content_type="application/rss+xml", url=url)
    assert parsed == by_worker
    assert seconds > 0
    # Read here, an entry's dedup key waits until the writer asks for it (only of entries not stored yet); a
    # worker computes every one before pickling. The keys are the same.
    assert all("dedup_key" not in vars(entry) for entry in parsed.entries)
    assert all("dedup_key" in vars(entry) for entry in by_worker.entries)
    assert [entry.dedup_key for entry in parsed.entries] == [entry.dedup_key for entry in by_worker.entries]


def test_a_feed_only_feedparser_reads_is_left_to_a_worker() -> None:
    with pytest.raises(NeedsFeedparser):
        parse_feed(WITH_DOCTYPE, fast_only=True)
    assert parse_inline(WITH_DOCTYPE, None, None)[0] is None
    assert [entry.title for entry in parse_feed(WITH_DOCTYPE).entries] == ["Con doctype"]


def test_a_large_feed_is_left_to_a_worker() -> None:
    filler = {"title": "x", "link": "https://example.it/x", "description": "y" * 4096}
    body = rss(*[{**filler, "link": f"https://example.it/{i}"} for i in range(INLINE_MAX_BYTES // 4096 + 1)])
    assert len(body) > INLINE_MAX_BYTES
    assert parse_inline(body, None, None)[0] is None


def _poll(config: Path, one_pass: bool) -> tuple[object, bool]:
    """One pass of every feed; → (summary, whether a parse worker pool was started)."""
    return _poll_watched(config, one_pass)[:2]


def _poll_watched(config: Path, one_pass: bool) -> tuple[object, bool, list[tuple[bool, int]]]:
    """_poll's, and for each run of the pass's after_pass (the stories' analysis): (whether the poller still had a
    parse pool, how many worker processes were alive) at its start."""
    started: list[object] = []
    seen: list[tuple[bool, int]] = []
    make = parsing.make_parse_pool

    def counted(*args: Any, **kwargs: Any) -> Any:
        started.append(make(*args, **kwargs))
        return started[-1]

    async def run() -> object:
        watcher = await asyncio.to_thread(Watcher.open, load_config(config), one_pass=one_pass)
        try:
            poller = watcher.poller
            analyse = poller.after_pass
            assert analyse is not None

            def after_pass() -> object:
                seen.append((poller.parse_pool is not None, len(multiprocessing.active_children())))
                return analyse()

            poller.after_pass = after_pass
            return await watcher.poll(everything=True)
        finally:
            await watcher.aclose()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parsing, "make_parse_pool", counted)
        summary = asyncio.run(run())
    return summary, bool(started), seen


def test_a_one_pass_poll_of_plain_feeds_starts_no_worker(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/b.xml"] = Route(body=rss({"title": "Fibra", "link": "https://example.it/fibra/"}))
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/b.xml")}])
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (2, 0, 4)  # type: ignore[attr-defined]
    assert summary.new_matches > 0  # type: ignore[attr-defined]  # matched in this process, as a worker would
    assert not pool


def test_a_one_pass_poll_hands_what_it_cannot_read_to_a_worker(tmp_path: Path, feed_server: FeedServer) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    feed_server.routes["/dtd.xml"] = Route(body=WITH_DOCTYPE)
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}, {"url": feed_server.url("/dtd.xml")}])
    summary, pool, seen = _poll_watched(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (2, 0, 4)  # type: ignore[attr-defined]
    assert pool
    # Its pass over, a one-pass command's workers are gone before the analysis (and its encoder) loads.
    assert seen == [(False, 0)]


def test_the_daemon_parses_in_its_workers(tmp_path: Path, feed_server: FeedServer) -> None:
    """A daemon's workers, started once, serve every later pass, and keep hostile documents out of its process."""
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(tmp_path, feeds=[{"url": feed_server.url("/it.xml")}])
    summary, pool, seen = _poll_watched(config, one_pass=False)
    assert (summary.feeds_ok, summary.new_items) == (1, 3)  # type: ignore[attr-defined]
    assert pool
    assert seen and seen[0][0] and seen[0][1] >= 1  # kept for the next pass, the analysis's time included


def _plain_feeds(feed_server: FeedServer, count: int) -> list[dict[str, str]]:
    """`count` feeds of one new item each, served by feed_server: their config entries."""
    for index in range(count):
        feed_server.routes[f"/{index}.xml"] = Route(
            body=rss({"title": f"Notizia {index}", "link": f"https://example.it/{index}/"})
        )
    return [{"url": feed_server.url(f"/{index}.xml")} for index in range(count)]


def test_a_backlog_moves_the_parses_to_the_workers(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds waiting past patience (here at once) start the workers, which parse the rest."""
    monkeypatch.setattr(parse_pool, "PARSE_PATIENCE", -1.0)
    feeds = _plain_feeds(feed_server, 12)
    config = write_config(tmp_path, feeds=feeds)
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (12, 0, 12)  # type: ignore[attr-defined]
    assert pool


def test_a_pass_that_parses_long_here_moves_the_parses_to_the_workers(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past INLINE_BUDGET seconds of parsing in this process (here: after the first feed), a worker parses."""
    monkeypatch.setattr("watcher.poll.parsing.INLINE_BUDGET", 0.0)
    feeds = _plain_feeds(feed_server, 3)
    config = write_config(tmp_path, feeds=feeds, poll={"concurrency": 1})
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (3, 0, 3)  # type: ignore[attr-defined]
    assert pool


def test_a_pass_of_many_new_feeds_parses_none_here(
    tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More new feeds than INLINE_NEW_FEEDS (here 2): read whole, they would spend the inline budget anyway, so a
    worker parses (and matches) every one from the first, and this process never loads the readers (~12 MB)."""
    monkeypatch.setattr("watcher.poll.passes.INLINE_NEW_FEEDS", 2)
    read_here: list[object] = []
    inline = parsing.parse_inline

    def counted(*args: Any) -> Any:
        read_here.append(args[2])
        return inline(*args)

    monkeypatch.setattr(parsing, "parse_inline", counted)
    feeds = _plain_feeds(feed_server, 3)
    config = write_config(tmp_path, feeds=feeds)
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.feeds_failed, summary.new_items) == (3, 0, 3)  # type: ignore[attr-defined]
    assert pool and read_here == []
    # As many as that, and no more: read here, as before.
    (tmp_path / "two").mkdir()
    config = write_config(tmp_path / "two", feeds=feeds[:2])
    summary, pool = _poll(config, one_pass=True)
    assert (summary.feeds_ok, summary.new_items) == (2, 2)  # type: ignore[attr-defined]
    assert not pool and len(read_here) == 2


_ITEMS = [
    {"title": "Uno", "link": "https://example.it/1", "guid": "g-1", "pubDate": rfc822_ago(days=2)},
    {"title": "Due", "link": "https://example.it/2", "pubDate": rfc822_ago(days=1)},  # no GUID: by link
    {"title": "Tre", "description": "senza link"},  # no GUID nor link: known by title and date, always read
    {"title": "Quattro", "link": "https://example.it/4", "guid": "g-4", "description": "<p>nuova</p>"},
]


def test_entries_stored_already_are_not_read_but_counted() -> None:
    body = rss(*_ITEMS)
    whole = parse_feed(body)
    stored = {whole.entries[index].identity for index in (0, 1, 2)}  # the fourth is new
    asked: list[list[str]] = []

    def lookup(identities: list[str]) -> set[str]:
        asked.append(identities)
        return stored & set(identities)

    parsed = parse_feed_here(body, stored=lookup)
    assert asked == [[whole.entries[index].identity for index in (0, 1, 3)]]  # entries with a link are asked
    assert parsed.entries == [whole.entries[2], whole.entries[3]]  # the linkless one read, as the new one
    assert parsed.skipped == tuple((whole.entries[i].identity, whole.entries[i].published) for i in (0, 1))
    assert parsed.skipped[0][1] is not None
    assert replace(parsed, entries=whole.entries, skipped=()) == whole  # the rest as parse_feed reads it


def test_the_corpus_read_with_entries_stored_is_the_whole_reading_less_them() -> None:
    # Every other entry of each feedparser corpus document stored: the others are read as when nothing is stored,
    # the stored ones come back as their identity and publication time only. A stored entry's text is not read,
    # so a document refused for it alone is read now: its other entries are read as feedparser reads them.
    from tests.test_parse_fast import _HEADER, CORPUS, SEEDS

    read = 0
    for path in [*sorted(CORPUS.rglob("*.xml")), *sorted(SEEDS.glob("*.xml"))]:
        body = path.read_bytes()
        header = _HEADER.search(body)
        content_type = header.group(1).decode().strip() if header else None
        try:
            whole = parse_feed(body, content_type=content_type, url="http://example.com/feed.xml")
        except Exception:
            continue
        identities = [entry.identity for entry in whole.entries]
        if len(set(identities)) != len(identities) or not identities:
            continue
        stored = set(identities[::2])
        try:
            parsed = parse_feed_here(body, content_type=content_type, url="http://example.com/feed.xml",
                                     stored=lambda asked, stored=stored: stored & set(asked))  # fmt: skip
        except NeedsFeedparser:
            continue
        skipped = {identity for identity, _published in parsed.skipped}
        kept = [entry for entry in whole.entries if entry.identity not in skipped]
        assert skipped <= stored, path
        assert parsed.entries == kept, path
        published = {entry.identity: entry.published for entry in whole.entries}
        assert all(published[identity] == when for identity, when in parsed.skipped), path
        assert replace(parsed, entries=whole.entries, skipped=()) == replace(whole, warning=parsed.warning), path
        read += bool(parsed.skipped)
    assert read > 15  # 12 of the corpus (most of its documents have one entry), the seeds' feeds


def test_a_document_with_an_identity_twice_is_read_whole() -> None:
    # Two items under one GUID are told apart by their text (parse._entries): nothing is left unread.
    body = rss(*_ITEMS, {"title": "Uno bis", "link": "https://example.it/1b", "guid": "g-1"})
    whole = parse_feed(body)
    parsed = parse_feed_here(body, stored=lambda identities: set(identities))
    assert parsed == whole and not parsed.skipped


@pytest.mark.parametrize(("full_text", "engine"), [("never", "sqlite"), ("auto", "sqlite"), ("never", "postgresql")])
def test_a_one_pass_poll_reads_only_the_new_entries_of_a_changed_feed(
    tmp_path: Path,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    full_text: str,
    engine: str,
) -> None:
    """Where no stored entry's text is read (full_text never or always), the stored ones are asked of the database
    before their text is read; auto weighs every entry's text, so all are read. Either way the same is stored."""
    database_url = request.getfixturevalue("pg_url") if engine == "postgresql" else None
    from sqlalchemy import select

    from watcher.models import Item
    from watcher.poll import parsing

    asked: list[int] = []
    original = parsing.stored_identities

    def counted(engine: Any, feed_id: int, identities: list[str]) -> set[str]:
        asked.append(len(identities))
        return original(engine, feed_id, identities)

    monkeypatch.setattr(parsing, "stored_identities", counted)
    first = [{"title": f"Notizia {n}", "link": f"https://example.it/{n}", "guid": f"g-{n}"} for n in (1, 2, 3)]
    feed_server.routes["/it.xml"] = Route(body=rss(*first))
    feeds = [{"url": feed_server.url("/it.xml"), "full_text": full_text}]
    config = write_config(tmp_path, feeds=feeds, entities=[], **({"database": database_url} if database_url else {}))
    assert _poll(config, one_pass=True)[0].new_items == 3  # type: ignore[attr-defined]
    assert asked == []  # a new feed has nothing stored
    changed = [
        {**first[1], "title": "Notizia 2, corretta"},
        first[0],
        first[2],
        {**first[0], "link": "https://example.it/4", "guid": "g-4", "title": "Notizia 4"},
    ]
    feed_server.routes["/it.xml"] = Route(body=rss(*changed))
    assert _poll(config, one_pass=True)[0].new_items == 1  # type: ignore[attr-defined]
    assert asked == ([4] if full_text == "never" else [])
    database = Database(load_config(config).database_url)
    try:
        with database.session() as session:
            titles = sorted(session.scalars(select(Item.title)))
    finally:
        database.dispose()
    assert titles == ["Notizia 1", "Notizia 2", "Notizia 3", "Notizia 4"]  # a stored item is not stored again
