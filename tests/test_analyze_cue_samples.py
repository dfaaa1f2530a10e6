"""Cue phrases by language (issue 11): each sample of tests/data/cue_samples.txt holds its cue kind in its language,
and makes the market entry it says (or none); every language of the market-entry cue tables has samples."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from watcher.analyze import Analyzer, analyze_items
from watcher.analyze.analyzer import ItemInput
from watcher.analyze.cues import event_cues
from watcher.analyze.sentences import cue_finder
from watcher.config import EntityConfig

SAMPLES = Path(__file__).parent / "data" / "cue_samples.txt"
ENTITIES = ("Tesco", "Chery", "Xpeng", "Costco")


class Sample(NamedTuple):
    language: str
    kind: str
    market: str  # an ISO code, "0" (no market entry) or "-" (not checked)
    text: str


def _samples() -> list[Sample]:
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    return [Sample(*line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]


ALL = _samples()
WITH_MARKET = [sample for sample in ALL if sample.market != "-"]


def _id(sample: Sample) -> str:
    return f"{sample.language}-{sample.kind}-{sample.text[:24]}"


@pytest.fixture(scope="module")
def entries() -> dict[Sample, list[str]]:
    """The market entries the analyser makes of each sample with a market to check, each analysed alone (in one
    batch, samples of one story would lend each other their events)."""
    analyzer = Analyzer([EntityConfig.model_validate({"name": name}) for name in ENTITIES])
    found = {}
    for sample in WITH_MARKET:
        (result,) = analyze_items(analyzer, [ItemInput(id="x", title=sample.text, language=sample.language)])
        found[sample] = [str(event.market) for event in result.events if event.type == "market_entry"]
    return found


@pytest.mark.parametrize("sample", ALL, ids=_id)
def test_a_sample_holds_its_cue_kind(sample: Sample) -> None:
    found = {cue.kind for cue in cue_finder().find(sample.text, sample.language)}
    assert sample.kind in found, found


@pytest.mark.parametrize("sample", WITH_MARKET, ids=_id)
def test_a_sample_makes_its_market_entry(sample: Sample, entries: dict[Sample, list[str]]) -> None:
    expected = [] if sample.market == "0" else [sample.market]
    assert entries[sample] == expected


@pytest.mark.parametrize("kind", ["arrive", "new_market", "first_time", "partnership"])
def test_every_language_of_a_market_entry_kind_has_samples(kind: str) -> None:
    """Production or sales started, a new market, a first time and a codeshare: a sample in every language with
    phrases of the kind, so a phrase written in a language no one checked shows as a gap here."""
    sampled = {sample.language for sample in ALL if sample.kind == kind}
    languages = {language for language in event_cues()[kind] if language != "*"}
    assert languages - sampled == set()
