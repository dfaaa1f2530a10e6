#!/usr/bin/env python3
"""Precision and recall of the event rules on the trap grid (tests/data/event_traps/), overall, by kind and by language.

    .venv/bin/python bench/event_traps.py [--mistakes]

An event counts as (type, entity, market); a market entry in the wrong country is one wrong and one missed event.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.event_traps import found_events, trap_analyzer, trap_rows  # noqa: E402


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def main() -> None:
    analyzer = trap_analyzer()
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # right, given, labelled, rows wrong
    for row in trap_rows():
        got = found_events(analyzer, row)
        right = len(got & row.events)
        for key in ("all", f"kind {row.family}", f"lang {row.language}"):
            total = totals[key]
            total[0] += right
            total[1] += len(got)
            total[2] += len(row.events)
            total[3] += got != row.events
        if got != row.events and "--mistakes" in sys.argv:
            print(f"  {row.language}-{row.kind}: got {sorted(got)} want {sorted(row.events)} | {row.title}")
    for key, (right, given, labelled, wrong) in sorted(totals.items(), key=lambda pair: (pair[0] != "all", pair[0])):
        print(
            f"{key:24} P {_ratio(right, given)} ({right}/{given})  R {_ratio(right, labelled)} ({right}/{labelled})"
            f"  rows wrong {wrong}"
        )


if __name__ == "__main__":
    main()
