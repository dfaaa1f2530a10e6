"""Scores of an analysis against labelled items (tests/data/stories/*.jsonl): pairwise same-story F1, event
precision and recall, market and language accuracy. Used by the tests and bench/analyze-quality."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from watcher.analyze.analyzer import ItemAnalysis, ItemInput
from watcher.parse.text import visible_text


def load_labelled(path: Path) -> list[dict[str, Any]]:
    """The labelled items, their text as the analysis is given it: the feed parser and `watcher analyze` hand it
    what a reader sees of each field (watcher.parse.text.visible_text), not a Google-News summary's markup (its link
    and `<font color="#6f6f6f">`, read as the names "6f6f6f" and "cbmi..." that no other report shares)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        for name in ("title", "summary", "content"):
            if isinstance(row.get(name), str):
                row[name] = visible_text(row[name])
    return rows


def item_input(row: dict[str, Any], *, keep_language: bool = True) -> ItemInput:
    published = row.get("published")
    return ItemInput(
        id=str(row["id"]),
        title=str(row.get("title") or ""),
        summary=str(row.get("summary") or ""),
        content=str(row.get("content") or ""),
        published=datetime.fromisoformat(published.replace("Z", "+00:00")) if published else None,
        feed=str(row.get("feed") or ""),
        language=row.get("lang") if keep_language else None,
    )


@dataclass
class Scores:
    pairs_f1: float
    pairs_precision: float
    pairs_recall: float
    event_precision: float
    event_recall: float
    market_accuracy: float
    language_accuracy: float
    mistakes: list[str] = field(default_factory=list)
    # Of the labelled entries the analyser reports as entries of that company, those with the right country: how far
    # a market it gives can be trusted (market_accuracy also counts the entries it misses).
    market_given_entry: float = 1.0

    def line(self) -> str:
        return (
            f"story pairs F1 {self.pairs_f1:.3f} (P {self.pairs_precision:.3f} R {self.pairs_recall:.3f}) · "
            f"events P {self.event_precision:.3f} R {self.event_recall:.3f} · market {self.market_accuracy:.3f} "
            f"(of entries found {self.market_given_entry:.3f}) · language {self.language_accuracy:.3f}"
        )


def _pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    by_story: dict[str, list[str]] = {}
    for item, story in groups.items():
        by_story.setdefault(story, []).append(item)
    return {tuple(sorted(pair)) for members in by_story.values() for pair in combinations(members, 2)}  # type: ignore[misc]


def score(rows: Sequence[dict[str, Any]], analyses: Iterable[ItemAnalysis]) -> Scores:
    by_id = {analysis.id: analysis for analysis in analyses}
    truth = _pairs({str(row["id"]): str(row["story"]) for row in rows})
    found = _pairs({str(row["id"]): str(by_id[str(row["id"])].story) for row in rows})
    hit = len(truth & found)
    precision = hit / len(found) if found else 1.0
    recall = hit / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    mistakes = [f"story: together but apart in truth {pair}" for pair in sorted(found - truth)]
    mistakes += [f"story: apart but together in truth {pair}" for pair in sorted(truth - found)]
    true_events = got_events = right_events = 0
    markets_total = markets_right = languages_right = entries_found = 0
    for row in rows:
        analysis = by_id[str(row["id"])]
        expected = {(event["type"], event["entity"]) for event in row.get("events", [])}
        got = {(event.type, event.entity) for event in analysis.events}
        true_events += len(expected)
        got_events += len(got)
        right_events += len(expected & got)
        for wrong in sorted(got - expected):
            mistakes.append(f"event: {row['id']} wrongly {wrong}: {_evidence(analysis, wrong)}")
        for missed in sorted(expected - got):
            mistakes.append(f"event: {row['id']} missed {missed}: {row['title']}")
        for event in row.get("events", []):
            if event["type"] == "market_entry":
                markets_total += 1
                given = [e.market for e in analysis.events if e.type == "market_entry" and e.entity == event["entity"]]
                entries_found += bool(given)
                if event["market"] in given:  # "expands into Romania and Bulgaria": two labels, two events
                    markets_right += 1
                elif given:
                    mistakes.append(f"market: {row['id']} {', '.join(map(str, given))} instead of {event['market']}")
        languages_right += analysis.language == row.get("lang")
        if analysis.language != row.get("lang"):
            mistakes.append(f"language: {row['id']} {analysis.language} instead of {row.get('lang')}")
    return Scores(
        pairs_f1=f1,
        pairs_precision=precision,
        pairs_recall=recall,
        event_precision=right_events / got_events if got_events else 1.0,
        event_recall=right_events / true_events if true_events else 1.0,
        market_accuracy=markets_right / markets_total if markets_total else 1.0,
        language_accuracy=languages_right / len(rows) if rows else 1.0,
        mistakes=mistakes,
        market_given_entry=markets_right / entries_found if entries_found else 1.0,
    )


def _evidence(analysis: ItemAnalysis, key: tuple[str, str]) -> str:
    return next((event.evidence for event in analysis.events if (event.type, event.entity) == key), "")
