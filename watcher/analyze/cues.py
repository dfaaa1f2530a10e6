"""Words that say a business event happened, and words that take it back: data/cues.yaml, for events.py.

Phrases use the alias syntax of config.yaml (case- and accent-insensitive, whole words in spaced
scripts, substrings in CJK, '*' ending a word lets it continue). Each table is {kind: {language: [...]}};
language "*" applies to every item. A phrase counts only in an item of its language, so Italian "sale"
(rises) is not English "sale".

Kinds beyond the taxonomy's event types:
- `<type>?`: a weak cue, an event only with a figure (not a year) in the same sentence ("sales rose 9%"), or
  in the title with one in the lead's first sentence;
- `announce`: a launch when the sentence makes no other event ("新型を発表"; "決算を発表" is results);
- `facility` + `build`: both in one sentence, with a country, make a market entry ("opens a plant in Egypt");
- `cut` + `jobs`: both in one sentence make layoffs ("to cut 6,000 jobs");
- `sell` + `asset`: both make an acquisition for the seller ("sells its Italian business");
- blockers: `rumour`, `denial`, `negation`, `review`, `opinion`, `stock`, `anniversary` drop the sentence
  (in a title: the whole item); `not_party` marks the entity next to it as no party ("following Toyota").
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

Table = dict[str, dict[str, list[str]]]


@cache
def _tables() -> dict[str, Table]:
    text = resources.files("watcher.analyze").joinpath("data", "cues.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def event_cues() -> Table:
    return _tables()["events"]


def blockers() -> Table:
    return _tables()["blockers"]


# Cues that end a word, in languages that write compounds as one word ("Hubschrauberwerk"): regular expressions.
SUFFIX_CUES: dict[str, dict[str, str]] = {
    "facility": {"de": r"\w{3,}(?:werk|werks|fabrik)\b", "nl": r"\w{3,}fabriek\b", "sv": r"\w{3,}fabrik\b"},
    "jobs": {"de": r"\w{3,}stellen\b"},
}

# Blockers that, in a title, drop every event of the item; elsewhere they drop only their sentence.
ITEM_BLOCKERS = ("denial", "review", "opinion", "stock", "anniversary", "rumour")
# Events of these kinds go to every tracked party in the sentence, not only to its subject.
SHARED_EVENTS = ("partnership", "legal")
