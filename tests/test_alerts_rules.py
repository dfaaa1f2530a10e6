"""Alert rules as values: which stories fit, when an alert is due (quiet hours, hourly limit), what it says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watcher.alerts.rules import after_quiet_hours, due_at, fits, message
from watcher.config import Config, parse_config
from watcher.config.web import AlertRuleConfig
from watcher.errors import ConfigError
from watcher.store.alerts import StoryFacts

ROME = ZoneInfo("Europe/Rome")
# A fixed moment is fine here: these functions take the clock as an argument.
MONDAY_NOON = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # 12:00 in Rome


def story(**overrides: object) -> StoryFacts:
    values: dict[str, object] = {
        "id": 1,
        "key": "item:7",
        "title": "Xiaomi pronta a sbarcare in Corea del Sud <b>",
        "link": "https://it.example/x",
        "entities": frozenset({"Xiaomi", "Korea"}),
        "events": frozenset({"market_entry"}),
        "outlets": ("TecnoNotizie", "테크경제신문"),
        "languages": ("it", "ko"),
        "first_published": MONDAY_NOON - timedelta(hours=1),
    }
    values.update(overrides)
    return StoryFacts(**values)  # type: ignore[arg-type]


def rule(**overrides: object) -> AlertRuleConfig:
    values: dict[str, object] = {"name": "r", "notify": ["json://127.0.0.1:9/x"], "entities": ["Xiaomi"]}
    values.update(overrides)
    return AlertRuleConfig.model_validate(values)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, True),
        ({"entities": ["Samsung", "Xiaomi"]}, True),
        ({"entities": ["Samsung"]}, False),
        ({"entities": [], "together": ["Xiaomi", "Korea"]}, True),
        ({"entities": [], "together": ["Xiaomi", "Samsung"]}, False),
        ({"events": ["market_entry", "patent"]}, True),
        ({"events": ["layoffs"]}, False),
        ({"min_outlets": 2, "min_languages": 2}, True),
        ({"min_outlets": 3}, False),
        ({"min_languages": 3}, False),
    ],
)
def test_a_story_fits_a_rule_when_every_condition_given_holds(settings: dict[str, object], expected: bool) -> None:
    assert fits(rule(**settings), story()) is expected


def test_quiet_hours_hold_an_alert_until_they_end_in_the_digest_zone() -> None:
    night = rule(quiet_hours="22:00-07:00")
    late = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Rome
    assert after_quiet_hours(night, late, ROME) == datetime(2026, 3, 3, 7, 0, tzinfo=ROME)
    early = datetime(2026, 3, 3, 4, 0, tzinfo=UTC)  # 05:00 in Rome
    assert after_quiet_hours(night, early, ROME) == datetime(2026, 3, 3, 7, 0, tzinfo=ROME)
    assert after_quiet_hours(night, MONDAY_NOON, ROME) == MONDAY_NOON
    lunch = rule(quiet_hours="12:00-13:30")
    assert after_quiet_hours(lunch, MONDAY_NOON, ROME) == datetime(2026, 3, 2, 13, 30, tzinfo=ROME)


def test_the_hourly_limit_spreads_alerts_over_the_next_hours() -> None:
    limited = rule(max_per_hour=2)
    first = MONDAY_NOON - timedelta(minutes=50)
    recent = [first, MONDAY_NOON - timedelta(minutes=10)]
    assert due_at(limited, MONDAY_NOON, ROME, recent) == first + timedelta(hours=1)
    assert due_at(limited, MONDAY_NOON, ROME, recent[:1]) == MONDAY_NOON
    assert due_at(limited, MONDAY_NOON, ROME, [MONDAY_NOON - timedelta(hours=2)] * 5) == MONDAY_NOON


def test_the_message_is_short_plain_text_with_its_key() -> None:
    title, body = message(rule(), story(), "https://watcher.example/stories/1", ROME)
    assert title == "Korea, Xiaomi: market entry"
    lines = body.splitlines()
    assert lines[0] == "Xiaomi pronta a sbarcare in Corea del Sud <b>"  # feed text as text; services escape it
    assert lines[1].startswith("2 outlets (TecnoNotizie, 테크경제신문), languages: it, ko; first report")
    assert lines[1].endswith("2026-03-02 11:00 CET")
    assert lines[-1] == "rule r · alert r:item:7" and "https://watcher.example/stories/1" in lines


def test_rules_are_checked_with_the_config(tmp_path: object) -> None:
    base = "entities: [{name: Xiaomi}]\nalerts:\n  rules:\n"
    with pytest.raises(ConfigError, match=r"alerts.rules.*rule 1 \(a\).*unknown entities: Samsung"):
        parse_config(base + "    - {name: a, notify: ['ntfy://t'], entities: [Samsung]}\n", _path(tmp_path))
    with pytest.raises(ConfigError, match=r"rule 1 \(a\): events: .*unknown event types sale"):
        parse_config(base + "    - {name: a, notify: ['ntfy://t'], events: [sale]}\n", _path(tmp_path))
    with pytest.raises(ConfigError, match=r"quiet_hours: .*22:00-07:00"):
        night = "    - {name: a, notify: ['ntfy://t'], entities: [Xiaomi], quiet_hours: night}\n"
        parse_config(base + night, _path(tmp_path))
    with pytest.raises(ConfigError, match="names entities, events or together"):
        parse_config(base + "    - {name: a, notify: ['ntfy://t']}\n", _path(tmp_path))
    config: Config = parse_config(base + "    - {name: a, notify: ['ntfy://t'], entities: [Xiaomi]}\n", _path(tmp_path))
    assert config.alerts.rules[0].max_per_hour == 10


def _path(tmp_path: object) -> object:
    from pathlib import Path

    return Path(str(tmp_path)) / "config.yaml"
