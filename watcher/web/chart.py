"""The 90-day volume chart of an entity's page, as numbers for a server-side SVG (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH, HEIGHT, AXIS = 720, 120, 16  # viewBox units; the SVG scales to the page's width


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int | None  # None: before watcher's history
    day: str  # the day the bar ends, YYYY-MM-DD


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    top: int  # the busiest day's count
    total: int
    labels: tuple[tuple[float, str], ...]  # x and a day, under the axis
    width: int = WIDTH
    height: int = HEIGHT + AXIS
    base: int = HEIGHT

    @property
    def summary(self) -> str:
        """The chart in words (its text alternative)."""
        return f"{self.total} reports in {len(self.bars)} days; busiest day {self.top}"


def volume_chart(days: Sequence[int | None], now: datetime) -> Chart:
    """Bars for reports a day, oldest first, the last ending at `now` (local time)."""
    count = max(len(days), 1)
    step = WIDTH / count
    top = max((day for day in days if day), default=0)
    bars = []
    for index, day in enumerate(days):
        height = 0.0 if not day or not top else max(2.0, day / top * (HEIGHT - 4))
        ends = now - timedelta(days=len(days) - 1 - index)
        bars.append(Bar(index * step + 0.5, HEIGHT - height, max(step - 1, 1), height, day, f"{ends:%Y-%m-%d}"))
    labels = tuple(
        (bar.x + (bar.width if index == len(bars) - 1 else 0), bar.day[5:])
        for index, bar in enumerate(bars)
        if index % 15 == 0 or index == len(bars) - 1
    )
    return Chart(tuple(bars), top, sum(day or 0 for day in days), labels)
