"""The analysis stage and the garbage collector (watcher/storykeeper.py): no collection while the Analyzer is built,
and the collector left as it was found, on or off."""

from __future__ import annotations

import gc
from types import SimpleNamespace
from typing import Any

import pytest

from watcher import storykeeper
from watcher.storykeeper import StoryKeeper

COLLECTOR_ON: list[bool] = []  # gc.isenabled() as each RecordingAnalyzer was made


class RecordingAnalyzer:
    """Stands in for the Analyzer: notes whether the collector was on while it was made."""

    def __init__(self, *_args: Any) -> None:
        COLLECTOR_ON.append(gc.isenabled())


@pytest.mark.parametrize("enabled", [True, False])
def test_the_analyzer_is_built_with_the_collector_paused_and_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    monkeypatch.setattr(storykeeper, "Analyzer", RecordingAnalyzer)
    COLLECTOR_ON.clear()
    keeper = StoryKeeper(db=None, config=SimpleNamespace(entities=[]))  # type: ignore[arg-type]
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        assert isinstance(keeper.analyzer, RecordingAnalyzer)
        assert COLLECTOR_ON == [False]
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
