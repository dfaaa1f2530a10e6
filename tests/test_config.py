"""Config validation: a bad value names the file, line and field path; exit status 2; no traceback."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from watcher.cli import main
from watcher.config import load_config
from watcher.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

GOOD = """\
feeds:
  - url: https://example.com/feed.xml
    name: Example
entities:
  - name: Xiaomi
    aliases: [Xiaomi, 小米集团]
digest:
  time: "07:30"
  timezone: Asia/Seoul
  recipients: [a@example.com]
"""


def check(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(path), "check-config"])
    return result.exit_code, result.output


def test_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config.yaml")
    assert {entity.name for entity in config.entities} == {"Xiaomi", "Mi Pay", "Korea"}
    assert all((ROOT / feed.url).is_file() for feed in config.feeds)
    assert config.smtp.host is None  # the embedded default writes to the outbox


def test_good_config_parses_durations_times_and_aliases(tmp_path: Path) -> None:
    code, output = check(tmp_path, GOOD + "poll:\n  interval: 15m\n  max_bytes: 2MB\n")
    assert code == 0, output
    config = load_config(tmp_path / "config.yaml")
    assert config.poll.interval == timedelta(minutes=15)
    assert config.poll.max_bytes == 2_000_000
    assert config.digest.time == time(7, 30)
    assert config.entities[0].aliases[1].text == "小米集团"
    assert config.database_url == f"sqlite:///{tmp_path / 'state' / 'watcher.db'}"


def test_unquoted_time_is_read_as_a_time(tmp_path: Path) -> None:
    # YAML 1.1 turns 08:30 into the number 510; we take it back.
    check(tmp_path, GOOD.replace('"07:30"', "08:30"))
    assert load_config(tmp_path / "config.yaml").digest.time == time(8, 30)


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (
            GOOD.replace("    name: Example", "    nmae: Example"),
            r"config.yaml:3: feed 1 (url https://example.com/feed.xml): nmae: unknown setting",
        ),
        (GOOD.replace("Asia/Seoul", "Asia/Seol"), r"config.yaml:9: digest.timezone: unknown IANA timezone 'Asia/Seol'"),
        (
            GOOD.replace("  - url: https://example.com/feed.xml\n", "  - tags: [x]\n"),
            r"config.yaml:2: feed 1: url: required setting is missing",
        ),
        (
            GOOD.replace("https://example.com/feed.xml", "ftp://example.com/x"),
            "config.yaml:2: feed 1 (url ftp://example.com/x): url: unsupported URL scheme",
        ),
        (GOOD.replace('"07:30"', '"25:00"'), "digest.time: expected a local time of day as HH:MM"),
        (GOOD.replace("[a@example.com]", "[not-an-address]"), "digest.recipients: not an email address"),
        (GOOD + "smtp:\n  host: mail\n  password: hunter2\n", "a password is never stored in config.yaml"),
        (GOOD + "smtp:\n  port: 70000\n", "smtp.port: Input should be less than or equal to 65535"),
        (GOOD + "poll:\n  interval: soon\n", "poll.interval: expected a duration"),
        (
            GOOD.replace("[Xiaomi, 小米集团]", '["Xia*mi"]'),
            "config.yaml:6: entity 1 (Xiaomi): alias 1: 'Xia*mi': '*' may only end a word",
        ),
        (
            GOOD.replace("[Xiaomi, 小米集团]", '[Xiaomi, "  "]'),
            "entity 1 (Xiaomi): alias 2: an alias must not be blank",
        ),
        (
            GOOD.replace("entities:\n", 'entities:\n  - name: "   "\n'),
            "entity 1: name: an entity's name must not be blank",
        ),
        (
            GOOD.replace("[Xiaomi, 小米集团]", "[Xiaomi, 小米集团]\n    home: XX"),
            "config.yaml:7: entity 1 (Xiaomi): home: not an ISO 3166-1 alpha-2 country code: 'XX'",
        ),
        # An unknown block is reported on its own line, not on the first line of its contents.
        (GOOD + "digets:\n  time: 07:00\n", "config.yaml:11: digets: unknown setting"),
        (GOOD.replace("digest:", "digets:"), "config.yaml:7: digets: unknown setting"),
        (GOOD + "smtp:\n  port: 70000\n", "config.yaml:12: smtp.port: Input should be"),
        (
            GOOD.replace("    name: Example\n", "    name: Example\n    tags: [ok, [nested]]\n"),
            "config.yaml:4: feed 1 (url https://example.com/feed.xml): tag 2: Input should be a valid string",
        ),
        (
            GOOD.replace("  - url: https://example.com/feed.xml\n", "  - url: https://example.com/feed.xml\n" * 2),
            "config.yaml:3: feed 2 (url https://example.com/feed.xml): url: repeats the url of feed 1",
        ),
        (
            GOOD.replace("entities:\n", "entities:\n  - name: xiaomi\n  - name: Apple\n"),
            "config.yaml:7: entity 3 (Xiaomi): name: repeats the name of entity 1 (xiaomi)",
        ),
        (
            GOOD + "  routes:\n    - {name: team, entities: [Xiaomi]}\n    - {name: bad one}\n",
            "config.yaml:13: digest.routes: route 2 (bad one): name: String should match pattern",
        ),
        ("feeds: [\n", "not valid YAML"),
        ("- just a list\n", "the top level must be a mapping"),
    ],
)
def test_bad_config_exits_2_naming_the_field(tmp_path: Path, broken: str, expected: str) -> None:
    code, output = check(tmp_path, broken)
    assert code == 2
    assert expected in output
    assert "Traceback" not in output


def test_entity_home_is_an_upper_cased_country_code(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(GOOD.replace("[Xiaomi, 小米集团]", "[Xiaomi, 小米集团]\n    home: cn"), encoding="utf-8")
    assert load_config(path).entities[0].home == "CN"
    assert load_config(ROOT / "config.yaml").entities[0].home in (None, "CN")


def test_missing_config_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "nope.yaml"), "check-config"])
    assert result.exit_code == 2 and "config file not found" in result.output


def test_password_comes_from_environment_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "config.yaml").write_text(GOOD + "smtp:\n  host: mail\n  password_env: WATCHER_TEST_PW\n")
    config = load_config(tmp_path / "config.yaml")
    with pytest.raises(ConfigError, match="WATCHER_TEST_PW is not set"):
        config.smtp.password(config.base_dir)
    monkeypatch.setenv("WATCHER_TEST_PW", "s3cret")
    secret = config.smtp.password(config.base_dir)
    assert secret is not None and secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(secret) and "s3cret" not in str(secret) and "s3cret" not in f"{secret}"

    (tmp_path / "pw").write_text("from-file\n")
    (tmp_path / "config.yaml").write_text(GOOD + "smtp:\n  host: mail\n  password_file: pw\n")
    config = load_config(tmp_path / "config.yaml")
    secret = config.smtp.password(config.base_dir)
    assert secret is not None and secret.get_secret_value() == "from-file"
