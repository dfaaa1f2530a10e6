"""Several `watcher run` processes sharing one PostgreSQL database: the polling is split, nothing is
stored twice, exactly one digest goes out, and a killed instance's feeds are still polled."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from tests.conftest import (
    FOUNDING_LINK,
    FeedServer,
    Route,
    SmtpServer,
    WatcherProcesses,
    founding_feed,
    rss,
    wait_until,
    write_config,
)
from tests.held_routes import HeldRoutes
from watcher.cli import main
from watcher.clock import utcnow
from watcher.models import Delivery, Digest, Entity, Feed, Item, Match
from watcher.store import Database

# The day's digest (catch-up, digest.time relative to now) and first_poll_alert_age.
pytestmark = pytest.mark.clock

FEEDS = 300
WAIT = 90.0


def wait_for(condition: Callable[[], bool], seconds: float = WAIT, step: float = 0.1) -> bool:
    return wait_until(condition, seconds, step)


def feed_body(index: int) -> bytes:
    return rss(
        {"title": f"Xiaomi story {index}", "link": f"https://news.example/{index}/a", "guid": f"a-{index}"},
        {"title": f"Weather report {index}", "link": f"https://news.example/{index}/b", "guid": f"b-{index}"},
        title=f"Feed {index}",
    )


@pytest.fixture
def daemons(watcher_processes: WatcherProcesses) -> Callable[[Path], subprocess.Popen[bytes]]:
    return lambda config: watcher_processes.start(config, "run")


def logs(tmp_path: Path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in sorted(tmp_path.glob("watcher-*.log")))


@pytest.mark.slow
def test_three_instances_share_polling_and_send_one_digest(
    tmp_path: Path,
    pg_url: str,
    feed_server: FeedServer,
    smtp_server: SmtpServer,
    daemons: Callable[[Path], subprocess.Popen[bytes]],
) -> None:
    for index in range(FEEDS):
        feed_server.routes[f"/feed/{index}.xml"] = Route(body=feed_body(index))
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url(f"/feed/{index}.xml")} for index in range(FEEDS)],
        smtp_port=smtp_server.port,
        database=pg_url,
        entities=[{"name": "Xiaomi", "aliases": ["Xiaomi"]}],
        poll={"interval": "1h", "concurrency": 8, "tick": "1s", "adaptive": False},
        digest={"time": "00:00", "timezone": "UTC"},
    )
    CliRunner().invoke(main, ["--config", str(config), "db", "upgrade"])  # instances also race to do it
    processes = [daemons(config) for _ in range(3)]
    db = Database(pg_url)

    def all_polled_since(moment: datetime) -> bool:
        with db.session() as session:
            done = session.scalar(select(func.count()).select_from(Feed).where(Feed.last_success_at >= moment))
        return done == FEEDS

    start = datetime.now(UTC)
    assert wait_for(lambda: all_polled_since(start)), logs(tmp_path)
    assert wait_for(lambda: len(smtp_server.messages) >= 1), logs(tmp_path)
    time.sleep(2)  # every instance has run its digest check by now

    # Cycle 1: each feed fetched exactly once, by whichever instance claimed it; the work was shared.
    requests = Counter(request.path for request in feed_server.requests)
    assert len(requests) == FEEDS and set(requests.values()) == {1}
    polled_by = Counter(
        line.split("pid=")[1].split()[0] for line in logs(tmp_path).splitlines() if "event=daemon.started" in line
    )
    assert len(polled_by) == 3
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 2 * FEEDS
        assert session.scalar(select(func.count(func.distinct(Item.identity))).select_from(Item)) == 2 * FEEDS
        assert session.scalar(select(func.count()).select_from(Match)) == FEEDS
        digests = session.scalars(select(Digest)).all()
    assert len(digests) == 1 and digests[0].status == "sent"  # no instance recorded the day as empty
    assert len(smtp_server.messages) == 1

    # Cycle 2: every feed due again; one instance is killed mid-cycle; its feeds are still polled.
    feed_server.requests.clear()
    second = datetime.now(UTC)
    with db.session() as session:
        session.execute(update(Feed).values(next_poll_at=second))
    time.sleep(0.3)
    processes[0].send_signal(signal.SIGKILL)
    processes[0].wait(5)  # reaped, as systemd would: a zombie still answers kill(pid, 0)
    assert wait_for(lambda: all_polled_since(second)), logs(tmp_path)
    requests = Counter(request.path for request in feed_server.requests)
    assert len(requests) == FEEDS  # every feed polled in this cycle
    assert sum(count - 1 for count in requests.values()) <= 16  # at most what the dead one had in flight
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 2 * FEEDS  # nothing stored twice
        assert session.scalar(select(func.count()).select_from(Feed).where(Feed.lease_owner.is_not(None))) == 0
    for process in processes[1:]:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    assert len(smtp_server.messages) == 1
    db.dispose()


def test_founding_article_end_to_end_on_postgresql(
    tmp_path: Path,
    pg_url: str,
    feed_server: FeedServer,
    smtp_server: SmtpServer,
) -> None:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    config = write_config(
        tmp_path, feeds=[{"url": feed_server.url("/it.xml")}], smtp_port=smtp_server.port, database=pg_url
    )
    runner = CliRunner()
    result = runner.invoke(main, ["--config", str(config), "poll", "--once"])
    assert result.exit_code == 0 and "new matches: 4" in result.output, result.output
    result = runner.invoke(main, ["--config", str(config), "digest"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 1
    assert FOUNDING_LINK in smtp_server.messages[0].get_body(("plain",)).get_content()
    assert runner.invoke(main, ["--config", str(config), "poll", "--once"]).output.count("new items: 0") == 1
    assert "nothing new" in runner.invoke(main, ["--config", str(config), "digest"]).output
    db = Database(pg_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 4
    db.dispose()


def zone_where_it_is_midday(now: datetime) -> str:
    """A fixed-offset zone in which it is now 12:xx: "10:00" is earlier today there, whatever the hour in UTC
    (a digest time computed as now minus a little would land on yesterday just after midnight)."""
    offset = 12 - now.hour  # UTC-11 .. UTC+12: all Etc/GMT zones exist (their sign is reversed)
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


@pytest.mark.slow
def test_instances_started_after_the_digest_time_send_one_full_digest_per_route(
    tmp_path: Path,
    pg_url: str,
    feed_server: FeedServer,
    smtp_server: SmtpServer,
    daemons: Callable[[Path], subprocess.Popen[bytes]],
) -> None:
    """Issue 10 §2: an instance that finds no feed left to claim (the others hold them) must not send the day's
    digest from what is stored so far; it goes out once every feed due at the start has been polled."""
    now = utcnow()
    held = {f"/feed/{index}.xml" for index in range(3)}  # claimed first (lowest ids), answered last
    feed_server.routes = HeldRoutes(held)
    for index in range(FEEDS):

        def item(entity: str, hours: int, index: int = index) -> dict[str, str]:
            link = f"https://news.example/{index}/{entity}"
            published = format_datetime(now - timedelta(hours=hours))
            return {"title": f"{entity} story {index}", "link": link, "guid": link, "pubDate": published}

        body = rss(item("Xiaomi", 1), item("Samsung", 2), item("Weather", 3), title=f"Feed {index}")
        feed_server.routes[f"/feed/{index}.xml"] = Route(body=body)
    routes = [
        {"name": "mobile", "recipients": ["mobile@example.com"], "entities": ["Xiaomi"], "subject": "mobile"},
        {"name": "rivals", "recipients": ["rivals@example.com"], "entities": ["Samsung"], "subject": "rivals"},
    ]
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url(f"/feed/{index}.xml")} for index in range(FEEDS)],
        smtp_port=smtp_server.port,
        database=pg_url,
        entities=[{"name": "Xiaomi", "aliases": ["Xiaomi"]}, {"name": "Samsung", "aliases": ["Samsung"]}],
        poll={"interval": "1h", "concurrency": 8, "per_host": 8, "tick": "1s", "adaptive": False, "timeout": "90s"},
        digest={"time": "10:00", "timezone": zone_where_it_is_midday(now), "routes": routes},
    )
    assert CliRunner().invoke(main, ["--config", str(config), "db", "upgrade"]).exit_code == 0
    processes = [daemons(config) for _ in range(3)]
    db = Database(pg_url)

    def polled_since(moment: datetime) -> int:
        with db.session() as session:
            return session.scalar(select(func.count()).select_from(Feed).where(Feed.last_polled_at >= moment)) or 0

    # Every feed but the held ones polled: the instances without a held feed have finished their pass.
    assert wait_for(lambda: polled_since(now) == FEEDS - len(held)), logs(tmp_path)
    time.sleep(3)  # several poll ticks and digest checks of the instances with nothing left to claim
    feed_server.routes.release.set()
    assert wait_for(lambda: polled_since(now) == FEEDS), logs(tmp_path)
    assert wait_for(lambda: len(smtp_server.messages) >= 2), logs(tmp_path)
    time.sleep(3)  # every instance has run its digest checks by now

    with db.session() as session:
        digests = session.scalars(select(Digest)).all()
        delivered = {
            route: set(session.scalars(select(Delivery.match_id).where(Delivery.route == route)))
            for route in ("mobile", "rivals")
        }
        stored = {
            name: set(session.scalars(select(Match.id).join(Entity).where(Entity.name == name)))
            for name in ("Xiaomi", "Samsung")
        }
    assert sorted((digest.route, digest.status) for digest in digests) == [("mobile", "sent"), ("rivals", "sent")]
    assert len(stored["Xiaomi"]) == len(stored["Samsung"]) == FEEDS
    assert delivered == {"mobile": stored["Xiaomi"], "rivals": stored["Samsung"]}
    assert sorted(recipients for _, recipients in smtp_server.handler.envelopes) == [
        ["mobile@example.com"],
        ["rivals@example.com"],
    ]
    for process in processes:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    db.dispose()
