"""The analyze stage: language, business events and cross-language stories of matched items.

language  — the feed's language when plausible, else fastText's offline model
close_languages — languages the model takes for one another (Malay, Indonesian), told apart by their words and letters
markets   — country names in 43 languages (CLDR) in one automaton
cues      — event cue words and the words that take an event back, per language (data)
sentences — the sentence model (Event, Cue, Party, Sentence) and the cue finder: every cue phrase in one automaton
events    — events per item and tracked entity, with their evidence
subjects  — who is a party to a sentence and the subject of each event
homes     — where an item's company is at home: countries it is from or leaves, which it never enters
entries   — the rules that read a market entry beyond its cue word
entry_country — the country an entry enters, and whether what arrives is the company
conflicts — weak cues that need a figure, cues that make an event together, conflicts between events
signals   — figures, quarters and product names: what embeddings miss
amounts   — sums with their scale words ("$10bn", "100億ドル", "१५ हजार कोटी") as one value, in any digits
sounds    — names across scripts ("पीथमपुर", "Pithampur"): the consonants of words transliterated
embed     — multilingual sentence embeddings (USE v3 in numpy), loaded once, lexical fallback
stories   — grouping items into stories over a 72-hour window (story_facts: what it knows of an item; story_fit:
            how well two reports fit one story; story_names: the names they give, compared across scripts)
corroborate — market entries a story's other reports establish, for a report naming the company and country
analyzer  — the pipeline the daemon and `watcher analyze` share
"""

from __future__ import annotations

from collections.abc import Sequence

from watcher.analyze.analyzer import Analyzer, ItemAnalysis, ItemInput, embed_facts
from watcher.analyze.corroborate import corroborate
from watcher.analyze.sentences import Event
from watcher.analyze.stories import MOST_REPORTS, STORY_WINDOW, ItemFacts, Story, StoryBook


def analyze_items(analyzer: Analyzer, items: Sequence[ItemInput], book: StoryBook | None = None) -> list[ItemAnalysis]:
    """Analyse items and group them into stories (with those already in `book`), in order of publication. Vectors
    are made for the reports placing compares (StoryBook.meeting), in one batch: an item that meets no other report
    keeps its text instead, for a later batch's (ItemFacts.unembedded)."""
    analyses = analyzer.analyse(items, embed=False)
    book = book if book is not None else StoryBook()
    ordered = sorted(analyses, key=lambda analysis: (analysis.facts.published, analysis.id))
    embed_facts(analyzer.encoder, book.meeting([a.facts for a in ordered if a.facts.actors or a.entities]))
    placed = []
    for analysis in ordered:
        if analysis.facts.actors or analysis.entities:
            story = book.place(analysis.facts)
            analysis.story = story.key
            placed.append((analysis.facts, analysis.events, story))
        else:
            analysis.story = analysis.id
    corroborate(placed)  # a report of a story gains the entries the others make into a country it names
    return analyses


__all__ = [
    "MOST_REPORTS",
    "STORY_WINDOW",
    "Analyzer",
    "Event",
    "ItemAnalysis",
    "ItemFacts",
    "ItemInput",
    "Story",
    "StoryBook",
    "analyze_items",
]
