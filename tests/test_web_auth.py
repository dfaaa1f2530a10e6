"""Who may use the web page. Off loopback it needs a login: an unauthenticated request reads and changes
nothing, every change needs the session's CSRF token, logins are throttled, and a one-click digest link
does only what it says, until it expires. (The listener is bound to 0.0.0.0; the tests reach it through
127.0.0.1 only.)"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import FeedServer, Route, WatcherProcesses, founding_feed, free_port, rss, wait_until, write_config
from tests.web_daemon import quiet_zone, request, start_web_daemon
from watcher.clock import utcnow
from watcher.config import load_config
from watcher.feedback import NOT_RELEVANT_PURPOSE, link_secret, not_relevant_token
from watcher.models import Entity, Item, Match, MatchFeedback
from watcher.store import Database
from watcher.web.auth import write_password_file

pytestmark = pytest.mark.clock

PASSWORD = "correct horse battery"
PAGES = ["/", "/entities", "/entities/Xiaomi", "/stories/1", "/search?q=xiaomi", "/feeds", "/metrics"]


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page
    return found[1]


def session_cookie(answer_cookies: list[str]) -> str:
    [cookie] = [cookie for cookie in answer_cookies if cookie.startswith("watcher_session=")]
    return cookie.split(";")[0]


def feedback_rows(db: Database) -> list[tuple[int, str, str]]:
    with db.session() as session:
        return [(row.match_id, row.verdict, row.by) for row in session.scalars(select(MatchFeedback))]


def mi_pay_match(db: Database) -> int:
    with db.session() as session:
        return session.scalars(select(Match.id).join(Entity).where(Entity.name == "Mi Pay")).one()


@pytest.fixture
def guarded(tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses) -> tuple[int, Path, Database]:
    feed_server.routes["/it.xml"] = Route(body=founding_feed())
    write_password_file(tmp_path / "web-password", PASSWORD)
    port = free_port()
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/it.xml")}],
        http={"listen": f"0.0.0.0:{port}"},
        web={"password_file": "web-password", "base_url": f"https://watcher.example:{port}/"},
        digest={"time": "23:59", "timezone": quiet_zone(), "recipients": ["analyst@example.com"]},
    )
    start_web_daemon(watcher_processes, config, port, tmp_path)
    db = Database(load_config(config).database_url)
    assert wait_until(lambda: bool(_matches(db)), 30)
    return port, config, db


def _matches(db: Database) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Match.id)))


def test_off_loopback_without_a_login_the_daemon_refuses_to_start(
    tmp_path: Path, watcher_processes: WatcherProcesses
) -> None:
    config = write_config(tmp_path, feeds=[], http={"listen": f"0.0.0.0:{free_port()}"})
    code, output = watcher_processes.run(config, "run", timeout=60)
    assert code == 2
    assert "not a loopback address" in output and "watcher web passwd" in output


def test_an_unauthenticated_request_reads_and_changes_nothing(guarded: tuple[int, Path, Database]) -> None:
    port, config, db = guarded
    for path in PAGES:
        answer = request(port, "GET", path)
        assert answer.status == 303, (path, answer.status)
        assert answer.headers["location"] == "/login?next=" + quote(path, safe=""), path
        assert "Xiaomi" not in answer.body and "Corea" not in answer.body
    before = config.read_text()
    match_id = mi_pay_match(db)
    for path, form in [
        (f"/matches/{match_id}/verdict", {"verdict": "not_relevant"}),
        ("/entities/Mi%20Pay/accept", {"kind": "exclude", "phrase": "limon"}),
        ("/logout", {}),
    ]:
        assert request(port, "POST", path, form=form).status == 401, path
    assert request(port, "GET", "/confirm/forged-token").status == 400
    assert request(port, "POST", "/confirm/forged-token", form={}).status == 400
    assert feedback_rows(db) == [] and config.read_text() == before
    assert request(port, "GET", "/healthz").body == "ok\n"  # the service's health is no secret


def test_logged_in_every_change_needs_the_csrf_token(guarded: tuple[int, Path, Database]) -> None:
    port, _config, db = guarded
    form = request(port, "GET", "/login?next=%2Ffeeds")
    anonymous = session_cookie(form.cookies)
    # A login without the form's token (another site posting) is refused like any change.
    assert request(port, "POST", "/login", form={"password": PASSWORD}, cookie=anonymous).status == 403
    answer = request(
        port, "POST", "/login", cookie=anonymous,
        form={"csrf": csrf_of(form.body), "name": "Ada", "password": PASSWORD, "next": "/feeds"},
    )  # fmt: skip
    assert answer.status == 303 and answer.headers["location"] == "/feeds"
    [cookie] = [cookie for cookie in answer.cookies if cookie.startswith("watcher_session=")]
    assert "secure" in cookie.lower() and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    session = cookie.split(";")[0]
    page = request(port, "GET", "/entities/Mi%20Pay", cookie=session)
    assert page.status == 200 and "Mi Pay" in page.body
    token = csrf_of(page.body)
    match_id = mi_pay_match(db)
    path = f"/matches/{match_id}/verdict"
    forged = [
        {"verdict": "not_relevant"},
        {"verdict": "not_relevant", "csrf": "x" * 43},
        {"verdict": "not_relevant", "csrf": csrf_of(form.body)},  # the token of the session before the login
    ]
    for fields in forged:
        assert request(port, "POST", path, form=fields, cookie=session).status == 403
    elsewhere = {"Origin": "https://evil.example"}
    assert request(port, "POST", path, form={"verdict": "not_relevant", "csrf": token}, cookie=session,
                   headers=elsewhere).status == 403  # fmt: skip
    assert feedback_rows(db) == []
    done = request(port, "POST", path, form={"verdict": "not_relevant", "csrf": token, "back": "/"}, cookie=session)
    assert done.status == 303 and feedback_rows(db) == [(match_id, "not_relevant", "Ada")]


def test_logins_are_throttled(guarded: tuple[int, Path, Database]) -> None:
    port, _config, _db = guarded
    form = request(port, "GET", "/login")
    cookie, token = session_cookie(form.cookies), csrf_of(form.body)
    statuses = [
        request(port, "POST", "/login", form={"csrf": token, "password": f"wrong {n}"}, cookie=cookie).status
        for n in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    # Even the right password waits now.
    answer = request(port, "POST", "/login", form={"csrf": token, "password": PASSWORD}, cookie=cookie)
    assert answer.status == 429 and int(answer.headers["retry-after"]) > 60


class _Backdated(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(utcnow().timestamp()) - 15 * 86400  # older than web.link_days (14), on watcher's clock


def test_a_one_click_link_does_only_what_it_says_until_it_expires(guarded: tuple[int, Path, Database]) -> None:
    port, config, db = guarded
    secret = link_secret(load_config(config).state_path)
    match_id = mi_pay_match(db)
    link = f"/confirm/{not_relevant_token(secret, match_id)}"
    page = request(port, "GET", link)  # no login: the link is the permission, for this one match
    assert page.status == 200 and "Mark this Mi Pay match not relevant?" in page.body
    assert feedback_rows(db) == []  # showing the page changes nothing
    cookie = session_cookie(page.cookies)
    assert request(port, "POST", link, form={}, cookie=cookie).status == 403  # no CSRF token
    other_purpose = URLSafeTimedSerializer(secret, salt="watcher.something-else").dumps({"match": match_id})
    expired = URLSafeTimedSerializer(secret, salt=NOT_RELEVANT_PURPOSE, signer=_Backdated).dumps({"match": match_id})
    tampered = not_relevant_token(secret, match_id)[:-2] + "xx"
    for token in (other_purpose, expired, tampered):
        assert request(port, "GET", f"/confirm/{token}").status == 400
    # The link opens no other page.
    assert request(port, "GET", "/entities/Xiaomi", cookie=cookie).status == 303
    done = request(port, "POST", link, form={"csrf": csrf_of(page.body)}, cookie=cookie)
    assert done.status == 200 and "Marked not relevant" in done.body
    assert feedback_rows(db) == [(match_id, "not_relevant", "digest link")]


def test_the_digest_carries_a_not_relevant_link_per_entity_of_each_story(
    guarded: tuple[int, Path, Database], watcher_processes: WatcherProcesses, tmp_path: Path
) -> None:
    port, config, db = guarded
    code, output = watcher_processes.run(config, "digest", "--preview", str(tmp_path / "preview.html"))
    assert code == 0, output
    html = (tmp_path / "preview.html").read_text(encoding="utf-8")
    links = re.findall(rf'href="https://watcher\.example:{port}(/confirm/[^"]+)"[^>]*>([^<]+)</a>', html)
    names = sorted(name for _, name in links)
    assert "Mi Pay" in names and "Xiaomi" in names and "Korea" in names
    path = next(path for path, name in links if name == "Mi Pay")
    page = request(port, "GET", path)
    assert page.status == 200 and "Mark this Mi Pay match not relevant?" in page.body
    assert "Xiaomi pronta a sbarcare in Corea del Sud" in page.body
    assert feedback_rows(db) == []


def test_check_config_refuses_what_run_refuses_and_names_the_policy(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from watcher.cli import main

    port = free_port()
    config = write_config(tmp_path, feeds=[], http={"listen": f"0.0.0.0:{port}"})
    result = CliRunner().invoke(main, ["--config", str(config), "check-config"])
    assert result.exit_code == 2 and "watcher web passwd" in result.output
    write_password_file(tmp_path / "web-password", PASSWORD)
    config = write_config(tmp_path, feeds=[], http={"listen": f"0.0.0.0:{port}"}, web={"password_file": "web-password"})
    result = CliRunner().invoke(main, ["--config", str(config), "check-config"])
    assert result.exit_code == 0 and f"web page: http://0.0.0.0:{port}/ (password login)" in result.output


def test_behind_a_trusted_proxy_its_header_names_the_user_and_feed_text_stays_text(
    tmp_path: Path, feed_server: FeedServer, watcher_processes: WatcherProcesses
) -> None:
    hostile = {
        # Escaped once more than the feed itself would: the stored title holds the characters "<script>".
        "title": 'Xiaomi &lt;script&gt;alert("title")&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;',
        "link": "javascript:alert(document.cookie)",
        "description": "<p>Xiaomi &lt;b onmouseover=alert(2)&gt;bold&lt;/b&gt; news</p>",
    }
    feed_server.routes["/x.xml"] = Route(body=rss(hostile))
    port = free_port()
    config = write_config(
        tmp_path,
        feeds=[{"url": feed_server.url("/x.xml")}],
        http={"listen": f"0.0.0.0:{port}"},
        web={"trusted_proxy_header": "X-Remote-User"},
    )
    start_web_daemon(watcher_processes, config, port, tmp_path)
    db = Database(load_config(config).database_url)
    assert wait_until(lambda: bool(_matches(db)), 30)
    assert request(port, "GET", "/search?q=xiaomi").status == 401  # no header: nobody
    with db.session() as session:
        [title] = session.scalars(select(Item.title)).all()
    assert "<script>" in title and "<img" in title
    as_ada = {"X-Remote-User": "ada@example.com"}
    assert wait_until(lambda: 'class="result"' in request(port, "GET", "/search?q=xiaomi", headers=as_ada).body, 30)
    for path in ("/search?q=xiaomi", "/stories/1", "/entities/Xiaomi"):
        page = request(port, "GET", path, headers=as_ada)
        assert page.status == 200, path
        assert "<script>" not in page.body.replace('<script src="/static/htmx.min.js" defer></script>', ""), path
        assert "<img" not in page.body and "javascript:" not in page.body, path
        assert str(escape(title)) in page.body, path
    page = request(port, "GET", "/entities/Xiaomi", headers=as_ada)
    cookie = session_cookie(page.cookies)
    [match_id] = _matches(db)
    answer = request(port, "POST", f"/matches/{match_id}/verdict", cookie=cookie, headers=as_ada,
                     form={"csrf": csrf_of(page.body), "verdict": "not_relevant"})  # fmt: skip
    assert answer.status == 303 and feedback_rows(db) == [(match_id, "not_relevant", "ada@example.com")]


def test_the_hash_may_come_as_a_systemd_credential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from watcher.errors import ConfigError
    from watcher.web.auth import access_policy, verify_password

    config = load_config(write_config(tmp_path, feeds=[], http={"listen": "[::]:9464"}))
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path / "credentials"))
    with pytest.raises(ConfigError, match="not a loopback address"):
        access_policy(config)
    write_password_file(tmp_path / "credentials" / "watcher-web-password", PASSWORD)
    policy = access_policy(config)
    assert policy.kind == "password" and policy.secure_cookies
    stored = policy.password_hash or ""
    assert verify_password(PASSWORD, stored) and not verify_password("nope", stored)
    local = load_config(write_config(tmp_path, feeds=[], http={"listen": "localhost:9464"}))
    assert access_policy(local).kind == "open"
