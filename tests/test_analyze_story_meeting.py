"""Vectors only for the reports placing compares (watcher/analyze/story_meeting.py): a report that meets no other of
its companies within the story window waits with its text, and gets its vector with the batch that brings one; the
stories are those that vectors made for every report give."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import yaml

from watcher.analyze import Analyzer, ItemInput, StoryBook, analyze_items
from watcher.analyze.analyzer import embed_items
from watcher.analyze.embed import Encoder
from watcher.analyze.evaluation import item_input, load_labelled
from watcher.analyze.signals import Signals
from watcher.analyze.stories import MOST_FITTED, STORY_WINDOW
from watcher.analyze.story_facts import ItemFacts
from watcher.analyze.story_meeting import meeting
from watcher.config import EntityConfig

STORIES = Path(__file__).resolve().parent / "data" / "stories"
START = datetime.now(UTC) - timedelta(days=10)
NO_SIGNALS = Signals(frozenset(), frozenset(), frozenset())


def waiting(key: str, hours: float, actors: set[str], vector: np.ndarray | None = None) -> ItemFacts:
    facts = ItemFacts(key, START + timedelta(hours=hours), "en", f"feed-{key}", frozenset(actors), frozenset(),
                      frozenset(), frozenset(), NO_SIGNALS, vector=vector)  # fmt: skip
    facts.unembedded = None if vector is not None else f"text of {key}"
    return facts


def keys(found: list[ItemFacts]) -> set[str]:
    return {facts.key for facts in found}


def test_a_report_meets_another_of_a_company_in_common_within_the_window() -> None:
    book = StoryBook()
    for facts in (waiting("old", 0, {"Scania"}), waiting("other", 10, {"Volvo"})):
        book.place(facts)
    window = STORY_WINDOW / timedelta(hours=1)
    items = [
        waiting("edge", window, {"Scania", "MAN"}),  # one window after "old", to the second: compared, so it meets
        waiting("alone", 20, {"Daimler"}),
        waiting("late", 60, {"Volvo"}),  # 50 hours after "other"
        waiting("man", window + 70, {"MAN"}),  # 70 hours after "edge", through MAN
    ]
    assert keys(book.meeting(items)) == {"old", "edge", "late", "other", "man"}
    assert keys(book.meeting([waiting("too-late", window + 0.01, {"Scania"})])) == set()  # 36 seconds past it
    assert keys(book.meeting([waiting("man-late", 2 * window + 1, {"MAN"})])) == set()  # "edge" is not in the book


def test_reports_with_their_vector_are_not_asked_for_again_nor_an_item_analysed_again_meeting_itself() -> None:
    made = waiting("made", 0, {"Scania"}, vector=np.ones(4) / 2)
    book = StoryBook()
    book.place(made)
    assert keys(book.meeting([waiting("new", 1, {"Scania"})])) == {"new"}
    # The storykeeper analyses a report again (a backfill's new entity): its old analysis is no other report.
    assert keys(meeting(book.stories, [waiting("made", 0, {"Scania"})], STORY_WINDOW)) == set()


def test_a_crowded_books_index_is_made_again_when_a_report_in_it_gets_its_vector() -> None:
    book = StoryBook()
    generator = np.random.default_rng(3)
    for number in range(MOST_FITTED + 5):  # unrelated vectors: each report a story of its own
        vector = generator.standard_normal(256)
        book.place(waiting(f"s{number}", number / 10, {"Acme"}, vector=vector / np.linalg.norm(vector)))
    assert len(book.stories) == MOST_FITTED + 5
    book.place(waiting("lone", 0, {"Lone"}))  # placed alone, with no vector
    book.candidates(waiting("asks", 5, {"Acme"}))  # more than MOST_FITTED candidates: the index is made
    assert book._index is not None
    newcomer = waiting("newcomer", 6, {"Lone"})
    assert keys(book.meeting([newcomer])) == {"lone", "newcomer"}
    assert book._index is None  # made again with the rows of the vectors about to be made


def entities(name: str) -> list[EntityConfig]:
    raw = yaml.safe_load((STORIES / name).read_text(encoding="utf-8"))["entities"]
    return [EntityConfig.model_validate(entity) for entity in raw]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Encoder:
    return Encoder(cache_dir=tmp_path_factory.mktemp("cache"))


def test_a_lone_report_gets_its_vector_with_the_batch_that_brings_another_report_of_it(encoder: Encoder) -> None:
    analyzer = Analyzer([EntityConfig(name=name, aliases=[name]) for name in ("Scania", "Volvo")], encoder)
    given: list[str] = []
    encode = encoder.encode
    encoder.encode = lambda texts: given.extend(texts) or encode(texts)  # type: ignore[method-assign]
    book = StoryBook()
    first = analyze_items(analyzer, [
        ItemInput("plant", "Scania opens a bus plant in Kenya", "The plant in Nairobi will build 500 buses a year.",
                  published=START, language="en"),
        ItemInput("volvo", "Volvo recalls 10,000 trucks", "A brake fault was found.", published=START, language="en"),
    ], book)  # fmt: skip
    assert given == [] and all(analysis.facts.vector is None for analysis in first)  # each alone: none encoded
    assert first[0].facts.unembedded.startswith("Scania opens a bus plant in Kenya. The plant in Nairobi")
    later = analyze_items(analyzer, [
        ItemInput("plant-de", "Scania eröffnet Buswerk in Kenia", "In Nairobi sollen jährlich 500 Busse entstehen.",
                  published=START + timedelta(hours=5), language="de"),
    ], book)  # fmt: skip
    assert len(given) == 2 and given[0].startswith("Scania eröffnet")  # the new report and the Scania one it meets
    assert first[0].facts.vector is not None and first[0].facts.unembedded is None
    assert first[1].facts.vector is None  # Volvo's still alone
    assert later[0].story == first[0].story == "plant"


def test_stories_are_those_every_reports_vector_gives(encoder: Encoder) -> None:
    """dev.jsonl placed as analyze_items does, and with a vector made for each report first: the same stories."""
    rows = load_labelled(STORIES / "dev.jsonl")
    analyzer = Analyzer(entities("entities-own.yaml"), encoder)
    items = [item_input(row) for row in rows]
    lazily = {analysis.id: analysis.story for analysis in analyze_items(analyzer, items)}
    analyses = analyzer.analyse(items)  # every vector made
    assert sum(analysis.facts.vector is not None for analysis in analyses) > 150
    book = StoryBook()
    eagerly = {}
    for analysis in sorted(analyses, key=lambda analysis: (analysis.facts.published, analysis.id)):
        placed = analysis.facts.actors or analysis.entities
        eagerly[analysis.id] = book.place(analysis.facts).key if placed else analysis.id
    assert lazily == eagerly
    assert len(set(lazily.values())) < len(rows) * 0.8  # stories of several reports


def test_a_vector_is_made_of_the_headline_and_the_leads_first_lead_chars() -> None:
    from watcher.analyze.analyzer import LEAD_CHARS

    analyzer = Analyzer([EntityConfig(name="Scania", aliases=["Scania"])], Encoder(enabled=False))
    lead = "Scania will build 500 buses a year in Nairobi. The company entered Kenya in 1998. It employs 300 people."
    long = " ".join(["Scania"] * 100) + ". Second sentence."
    quoted = '"We are delighted," a spokesperson said. ' + lead + " " + "More background follows here. " * 10
    plant, bare, endless, other, quote = analyzer.analyse([
        ItemInput("plant", "Scania opens a plant in Kenya", lead, published=START, language="en"),
        ItemInput("bare", "Scania opens a plant in Kenya", published=START, language="en"),
        ItemInput("endless", "Headline", long, published=START, language="en"),
        ItemInput("other", "Volvo opens a plant in Kenya", lead.replace("Scania", "Volvo"), published=START),
        ItemInput("quote", "Scania opens a plant in Kenya", quoted, published=START, language="en"),
    ], embed=False)  # fmt: skip
    assert plant.facts.unembedded == "Scania opens a plant in Kenya. " + lead
    # A lead opening on a quote: the sentence after it, that tells the event, is read too.
    assert quote.facts.unembedded == "Scania opens a plant in Kenya. " + quoted[:LEAD_CHARS]
    assert "500 buses" in quote.facts.unembedded
    assert bare.facts.unembedded == "Scania opens a plant in Kenya"
    assert endless.facts.unembedded == "Headline. " + long[:LEAD_CHARS]
    assert other.facts.unembedded is None  # no tracked company: it joins no story, no vector is made for it
    embed_items(analyzer.encoder, [plant, other])  # no model: trigrams stand in
    assert plant.facts.unembedded is None and plant.facts.vector is None and len(plant.facts.trigrams) > 40
