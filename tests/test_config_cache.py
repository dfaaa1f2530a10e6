"""The validated config kept in the state directory (watcher/config/cache.py): used only for the same bytes at
the same path, never for a config that does not validate, and never when it is not plainly watcher's own."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from watcher.cli import main
from watcher.config import cache, load_config, loader
from watcher.errors import ConfigError

GOOD = """\
feeds:
  - url: https://example.com/feed.xml
    name: Example
  - url: https://example.org/news.rss
    interval: 2h
    full_text: never
entities:
  - name: Xiaomi
    aliases: [Xiaomi, 小米集团]
    home: CN
digest:
  time: "07:30"
  timezone: Asia/Seoul
  recipients: [a@example.com]
"""


def written(tmp_path: Path, text: str = GOOD, *, state: bool = True) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    if state:
        (tmp_path / "state").mkdir(exist_ok=True)
    return path


def validations(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths parse_config validates from now on (a config taken from the cache is not validated)."""
    seen: list[Path] = []
    parse = loader.parse_config

    def counting(text: str, path: Path) -> object:
        seen.append(path)
        return parse(text, path)

    monkeypatch.setattr(loader, "parse_config", counting)
    return seen


def test_the_same_file_again_is_the_same_config_without_validating_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = written(tmp_path)
    seen = validations(monkeypatch)
    first = load_config(path)
    assert (tmp_path / "state" / cache.CACHE_NAME).is_file()
    second = load_config(path)
    assert seen == [path]
    assert second == first and second is not first
    assert second.feeds[1].interval == first.feeds[1].interval
    assert second.entities[0].aliases[1].text == "小米集团"
    assert second.base_dir == tmp_path.resolve()
    # What every start compares with the tables comes with it, as computed from the settings.
    assert "fingerprint" in vars(second.feeds[0]) and "fingerprint" in vars(second.entities[0])
    fresh = load_config(path, cache=False)
    assert [feed.fingerprint for feed in second.feeds] == [feed.fingerprint for feed in fresh.feeds]
    assert second.entities[0].fingerprint == fresh.entities[0].fingerprint
    assert seen == [path, path]  # cache=False validates


def test_an_edited_file_is_validated_again_and_a_bad_line_still_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = written(tmp_path)
    load_config(path)
    seen = validations(monkeypatch)
    path.write_text(GOOD.replace("interval: 2h", "interval: 3h"), encoding="utf-8")
    assert load_config(path).feeds[1].interval.total_seconds() == 3 * 3600
    assert seen == [path]
    path.write_text(GOOD.replace("interval: 2h", "interval: often"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config.yaml:5: feed 2 \(url https://example.org/news.rss\): interval"):
        load_config(path)
    with pytest.raises(ConfigError, match="interval"):  # and again: a bad config is never kept
        load_config(path)
    assert seen == [path, path, path]
    result = CliRunner().invoke(main, ["--config", str(path), "check-config"])
    assert result.exit_code == 2 and "config.yaml:5" in result.output


def test_the_same_bytes_elsewhere_are_validated_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Relative paths and base_dir follow from where the file is: the key holds its path.
    text = GOOD + f"state_dir: {tmp_path / 'shared'}\n"
    (tmp_path / "shared").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = written(tmp_path / "a", text, state=False)
    second = written(tmp_path / "b", text, state=False)
    seen = validations(monkeypatch)
    assert load_config(first).base_dir == (tmp_path / "a").resolve()
    assert load_config(second).base_dir == (tmp_path / "b").resolve()
    assert load_config(second).base_dir == (tmp_path / "b").resolve()
    assert seen == [first, second]


@pytest.mark.parametrize(
    "line",
    ["state_dir: var/state", "state_dir: 'var/state'", 'state_dir: "var/state"  # beside the config'],
)
def test_a_state_dir_of_its_own_holds_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    path = written(tmp_path, GOOD + line + "\n", state=False)
    (tmp_path / "var" / "state").mkdir(parents=True)
    seen = validations(monkeypatch)
    config = load_config(path)
    assert config.state_path == (tmp_path / "var" / "state").resolve()
    assert (config.state_path / cache.CACHE_NAME).is_file()
    assert load_config(path) == config
    assert seen == [path]


def test_systemds_state_directory_holds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "lib" / "watcher"
    state.mkdir(parents=True)
    monkeypatch.setenv("STATE_DIRECTORY", str(state))
    path = written(tmp_path, state=False)
    seen = validations(monkeypatch)
    load_config(path)
    load_config(path)
    assert (state / cache.CACHE_NAME).is_file()
    assert seen == [path]


def test_no_state_directory_yet_nothing_is_created(tmp_path: Path) -> None:
    # check-config, status and the like on a fresh install write nothing.
    path = written(tmp_path, state=False)
    result = CliRunner().invoke(main, ["--config", str(path), "check-config"])
    assert result.exit_code == 0, result.output
    load_config(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]


def test_the_command_that_makes_the_state_directory_keeps_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first `watcher poll` of a new install makes the state directory after reading the config: it writes the
    # cache then, so the second start does not validate config.yaml again.
    from watcher.app import Watcher

    path = written(tmp_path, state=False)
    seen = validations(monkeypatch)
    config = load_config(path)
    assert not (tmp_path / "state").exists()
    Watcher.open(config, one_pass=True).close()
    assert (tmp_path / "state" / cache.CACHE_NAME).is_file()
    again = load_config(path)
    assert seen == [path]
    assert again == config and again is not config
    other = load_config(path, cache=False)  # validated, not waiting: a later open writes nothing more of it
    Watcher.open(other, one_pass=True).close()
    assert seen == [path, path]


def test_a_cache_anyone_else_may_write_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path)
    load_config(path)
    kept = tmp_path / "state" / cache.CACHE_NAME
    assert kept.stat().st_mode & 0o777 == 0o600
    kept.chmod(0o620)
    seen = validations(monkeypatch)
    load_config(path)
    assert seen == [path]


def test_a_cache_that_would_make_anything_else_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path)
    load_config(path)
    kept = tmp_path / "state" / cache.CACHE_NAME
    header = kept.read_bytes().split(b"\n", 2)
    marker = tmp_path / "ran"

    class Hostile:
        def __reduce__(self) -> tuple[object, ...]:
            return (os.mkdir, (str(marker),))

    kept.write_bytes(header[0] + b"\n" + header[1] + b"\n" + pickle.dumps(Hostile()))
    seen = validations(monkeypatch)
    config = load_config(path)
    assert not marker.exists()
    assert seen == [path] and config.feeds[0].url == "https://example.com/feed.xml"
    # It was written again, whole, and is used from then on.
    assert load_config(path) == config and seen == [path]


@pytest.mark.parametrize("damage", ["cut", "other key", "empty", "symlink"])
def test_a_damaged_or_foreign_cache_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    path = written(tmp_path)
    load_config(path)
    kept = tmp_path / "state" / cache.CACHE_NAME
    body = kept.read_bytes()
    if damage == "cut":
        kept.write_bytes(body[: len(body) * 2 // 3])
    elif damage == "other key":
        kept.write_bytes(body.replace(cache.cache_key(path.read_bytes(), path), b"0" * 64))
    elif damage == "empty":
        kept.write_bytes(b"")
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.write_bytes(body)
        elsewhere.chmod(0o600)
        kept.unlink()
        kept.symlink_to(elsewhere)
    seen = validations(monkeypatch)
    assert load_config(path).feeds[1].full_text == "never"
    assert seen == [path]


def test_other_code_makes_the_cache_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # An upgrade of watcher's config package (or of Python, pydantic, the territories) changes the key.
    path = written(tmp_path)
    load_config(path)
    monkeypatch.setattr(cache, "_fingerprint", b"another version of the config package")
    seen = validations(monkeypatch)
    load_config(path)
    assert seen == [path]


EVERY_BLOCK = (
    GOOD
    + """\
  routes:
    - {name: team, recipients: [b@example.com], entities: [Xiaomi], subject: Team news}
poll: {interval: 15m, max_bytes: 2MB, per_host_rate: 5.5, user_agent: test-agent}
matching: {backfill_days: 7}
smtp: {host: mail.example.com, port: 465, security: ssl, username: watcher, password_env: WATCHER_SMTP}
http: {listen: "127.0.0.1:9464"}
retention: {unmatched_days: 30}
web: {base_url: "https://watcher.example.com", session_hours: 24}
alerts:
  rules:
    - name: launch
      notify: ["ntfy://ntfy.sh/watcher-test"]
      entities: [Xiaomi]
      min_outlets: 2
      quiet_hours: "22:00-07:00"
search:
  engines: [google-news, {name: own, url: "https://search.example.com/rss?q={query}", interval: 3h}]
  markets: [it-IT, ko-KR]
full_text: {budget: 10, max_bytes: 1MB, max_age: 1d}
"""
)


def test_every_block_of_the_config_comes_back_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A value type the unpickler did not allow would make every start a miss (slow, not wrong): none is left out.
    path = written(tmp_path, EVERY_BLOCK)
    seen = validations(monkeypatch)
    fresh = load_config(path)
    cached = load_config(path)
    assert seen == [path]
    assert cached == fresh
    assert cached.alerts.rules[0].quiet_hours == fresh.alerts.rules[0].quiet_hours
    assert cached.search.engines[1].interval == fresh.search.engines[1].interval
    assert cached.routes() == fresh.routes()
    assert cached.state_path == fresh.state_path and cached.database_url == fresh.database_url


def test_a_cached_config_is_plain_data_with_the_models_methods(tmp_path: Path) -> None:
    # Read back without pydantic (watcher/config/cache.py): frozen as the models are, equal to them both ways (a
    # daemon started from the cache compares its blocks with a reloaded, validated config), and with their methods.
    path = written(tmp_path, EVERY_BLOCK)
    fresh = load_config(path)
    cached = load_config(path)
    assert isinstance(cached, cache.CachedModel) and not isinstance(fresh, cache.CachedModel)
    assert cached == fresh and fresh == cached
    assert (cached != fresh) is False and (fresh != cached) is False
    assert cached.web == fresh.web and cached.feeds == fresh.feeds and cached.entities == fresh.entities
    assert cached.poll != fresh.poll.model_copy(update={"per_host": 3})
    assert hash(cached.http) == hash(load_config(path).http)
    assert repr(cached.http) == "HttpConfig(listen='127.0.0.1:9464')"
    assert cached.http.address == fresh.http.address == ("127.0.0.1", 9464)
    assert cached.digest.zone == fresh.digest.zone and cached.outbox_path == fresh.outbox_path
    assert cached.search.engines[1].host == "search.example.com"
    assert cached.feed_location("news.xml") == fresh.feed_location("news.xml")
    with pytest.raises(AttributeError, match="frozen"):
        cached.poll.per_host = 3  # type: ignore[misc]


def test_a_cache_naming_a_mixin_that_is_none_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = written(tmp_path)
    load_config(path)
    kept = tmp_path / "state" / cache.CACHE_NAME
    header = kept.read_bytes().split(b"\n", 2)
    data = (cache._MODEL, "Config", ("Route",), ("feeds",), [[]], {})  # a class of shared.py that is no mixin
    kept.write_bytes(header[0] + b"\n" + header[1] + b"\n" + pickle.dumps(data))
    seen = validations(monkeypatch)
    assert len(load_config(path).feeds) == 2 and seen == [path]
