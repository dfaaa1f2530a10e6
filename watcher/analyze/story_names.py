"""The names two reports give, compared across languages and scripts: takeovers of two different companies, two
products, a place one writes in Latin letters and the other in its own script. Pure."""

from __future__ import annotations

import re

from watcher.analyze.sounds import shared_sounds
from watcher.analyze.story_facts import ItemFacts


def other_targets(a: ItemFacts, b: ItemFacts) -> bool:
    """Two takeovers of one company whose headlines name what is bought, one of them a name the other report never
    gives: two deals ("Spotify snaps up Chartwell", its lead recalling "after buying Storyloom on Monday", is not
    "Spotify acquires Storyloom"). Both headlines must name one: a name in another script is not compared. Partnerships
    are not split this way: measured on a set never tuned on, two partners' names split more true reports of one deal
    (a partner named in one outlet's headline only) than they kept different deals apart."""
    if not (a.title_names and b.title_names) or "acquisition" not in a.event_types & b.event_types:
        return False
    return not _any_named(a.title_names, b.signals.names) or not _any_named(b.title_names, a.signals.names)


_ELISION = re.compile(r"^[^\W\d_]{1,4}['’]")  # "d'Ubisoft", "dell'Eni", "l'Oréal" is one word of its own


def _any_named(names: frozenset[str], others: frozenset[str]) -> bool:
    """Whether one of `names` is among `others`, as languages write and inflect it ("d'Ubisoft", "Axaltou"): the
    same word but for an elided article before it and two letters at its end."""
    if names & others:
        return True
    stems = {_ELISION.sub("", name) for name in names}
    for other in others:
        other = _ELISION.sub("", other)
        for stem in stems:
            kept = max(4, min(len(stem), len(other)) - 2)
            if min(len(stem), len(other)) >= 5 and stem[:kept] == other[:kept]:
                return True
    return False


# A model's name: letters, then a number ("su7", "v162", "hbm4", "c-390", "wh-1000xm6"); not a quarter, a half or
# a fiscal year ("q3", "h1", "fy26"), nor a figure with its unit ("260mw", "25-year", "1bn").
_MODEL = re.compile(r"(?!(?:q|h|fy)\d)[^\W\d_]+-?\d+[^\W_]*(?:-[^\W_]+)*")


def other_names(a: ItemFacts, b: ItemFacts) -> bool:
    """Both name things and none in common. Across languages, only when one of them names a model ("SU7" and
    "Smart Band"): words capitalised in one language are not in another ("Premium-Kunden", "subscribers")."""
    names_a, names_b = a.signals.names, b.signals.names
    if not (names_a and names_b) or names_a & names_b:
        return False
    return a.language == b.language or any(_MODEL.fullmatch(name) for name in names_a | names_b)


def same_names_across(a: ItemFacts, b: ItemFacts) -> int:
    """Names one report writes in Latin letters and the other in its own script ("Pithampur", "पीथमपुर"), or two
    languages spell and inflect their own way where the two have no name alike ("Toshkent", "Tashkent";
    "Debrecína", "Debrecen")."""
    across = shared_sounds(a.sounds, b.script_words) + shared_sounds(b.sounds, a.script_words)
    if a.language != b.language and not a.signals.names & b.signals.names:
        across += shared_sounds(a.sounds, b.sounds)
    return across
