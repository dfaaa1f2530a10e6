"""Facts no language hides, weighed where the encoder cannot compare two reports: the same deal between two tracked
companies, names written in another script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from watcher.analyze.signals import signals
from watcher.analyze.stories import ItemFacts, agree

START = datetime(2025, 5, 1, tzinfo=UTC)


def facts(key: str, language: str, actors: set[str], events: set[tuple[str, str]], text: str = "") -> ItemFacts:
    return ItemFacts(key, START + timedelta(hours=len(key)), language, key, frozenset(actors), frozenset(events),
                     frozenset(), frozenset(), signals(text, language=language),
                     vector=np.ones(4) / 2)  # fmt: skip


def test_one_deal_between_two_tracked_companies_is_a_fact_both_reports_name() -> None:
    deal = {("partnership", "Nvidia"), ("partnership", "MediaTek")}
    english = facts("en", "en", {"Nvidia", "MediaTek"}, deal)
    chinese = facts("zh", "zh", {"Nvidia", "MediaTek"}, deal)
    assert agree(english, chinese)
    # A partnership of one of them with a third company: partnerships come several at a time, nothing in common.
    other = facts("zh-2", "zh", {"Nvidia", "MediaTek"}, {("partnership", "Nvidia")})
    assert not agree(english, other)
