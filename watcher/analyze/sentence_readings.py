"""How one sentence's events of a type are read beyond their cue words, for sentence_events.py: news that arrives after
other news is no launch, a route launched is an airline's, a distributor appointed is a deal and no post, a post with
"new" beside it an appointment, a process patented no lawsuit, an offering an authority halts legal action and no
funding, goods bought by the tonne no acquisition, "to court" someone no lawsuit. Pure.
"""

from __future__ import annotations

import re

from watcher.analyze.sentences import Cue, Sentence

# A word for arriving that, followed by "after", dates a report ("La designación llega dos días después de la
# renuncia", "El anuncio llega 48 horas después"): the news comes after another, no product arrives.
_ARRIVAL_WORDS = frozenset(
    {"llega", "llegará", "llegan", "chega", "chegará", "arrive", "arrives", "arriva", "arrivera"}
)
_AFTER_WORDS = re.compile(r"[^.;]{0,40}?\b(?:después|tras|depois|após|after|dopo|après)\b", re.IGNORECASE)


def comes_after(text: str, cue: Cue) -> bool:
    return text[cue.start : cue.end].lower() in _ARRIVAL_WORDS and _AFTER_WORDS.match(text, cue.end) is not None


# Characters between "appointed" and the distributor it names ("appointed Nairobi-based Savanna Distributors").
_APPOINTED_REACH = 60


def distributor_appointed(sentence: Sentence, made: list[tuple[str, Cue]]) -> list[tuple[str, Cue]]:
    """A distributor, importer or franchisee appointed ("has appointed Savanna Distributors to sell its drinks",
    "ernennt Alpha zum Generalimporteur"): a deal with a company, no leadership change."""
    appointed = next((cue for kind, cue in made if kind == "leadership"), None)
    if appointed is None or not any(
        cue.kind == "distributor" and 0 <= cue.start - appointed.end <= _APPOINTED_REACH for cue in sentence.cues
    ):
        return made
    kept = [(kind, cue) for kind, cue in made if kind != "leadership"]
    return kept if any(kind == "partnership" for kind, _cue in kept) else [*kept, ("partnership", appointed)]


_ROUTE_REACH = 48  # characters from a launch to the route it opens ("to launch Panama City–Lisbon, its first route")


def launches_a_route(sentence: Sentence, launch: Cue) -> bool:
    """A route or flights just after the launch, or just before it ("新航线开通"): an airline's route opened."""
    return any(
        cue.kind == "route" and (0 <= cue.start - launch.end <= _ROUTE_REACH or 0 <= launch.start - cue.end <= 8)
        for cue in sentence.cues
    )


# What a patent is for, between it and a legal word that is its object: "patente nos EUA para processo de ...", "patente
# de um processo" (Portuguese "processo" is a lawsuit and a process), "brevet pour un procédé". A lawsuit over a patent
# names it with no preposition between ("patent lawsuit", "processo de patente" comes before it).
_PATENTED = re.compile(
    r"[^.;:!?,]{0,24}?\b(?:for|of|on|para|de|do|da|pour|für|per|por|sobre)\s+(?:(?:a|an|the|um|uma|un|une|el|la|le|o|"
    r"seu|sua|its|einen?)\s+)?",
    re.IGNORECASE,
)


def patented_only(sentence: Sentence) -> bool:
    """Every legal word of the sentence is what a patent before it is for."""
    patents = [cue for cue in sentence.cues if cue.kind == "patent"]
    legal = [cue for cue in sentence.cues if cue.kind == "legal"]
    text = sentence.text
    return bool(patents) and all(
        any(patent.end <= cue.start and _PATENTED.fullmatch(text[patent.end : cue.start]) for patent in patents)
        for cue in legal
    )


def new_in_role(sentence: Sentence) -> Cue | None:
    """A post with "new" beside it, before or after as the language puts its adjectives: "new president director",
    "Presiden Direktur baru", "nuevo director general". The tables' "new" words are the build kind's ("new plant");
    a building verb is never written beside a post."""
    for role in (cue for cue in sentence.cues if cue.kind == "role"):
        for new in (cue for cue in sentence.cues if cue.kind == "build"):
            first, last = (new, role) if new.end <= role.start else (role, new)
            between = sentence.text[first.end : last.start]
            if first.end <= last.start and between.strip() == "" and len(between) <= 2:
                return Cue("leadership", min(new.start, role.start), max(new.end, role.end))
    return None


_HALT_REACH = 60  # characters between an authority's halting verb and the offering it halts, the company between


def offering_halted(sentence: Sentence, made: list[tuple[str, Cue]]) -> list[tuple[str, Cue]]:
    """An offering stopped by someone else: a halting verb, the company after it, its offering after that ("SEC
    suspends Acme Holdings rights issue", "la CNMV suspende la ampliación de capital de Acme"): legal action."""
    funding = next((cue for kind, cue in made if kind == "funding"), None)
    if funding is None:
        return made
    for halt in (cue for cue in sentence.cues if cue.kind == "halt"):
        named = any(halt.end <= party.start and party.end <= funding.end + _HALT_REACH for party in sentence.parties)
        if 0 <= funding.start - halt.end <= _HALT_REACH and named:
            kept = [(kind, cue) for kind, cue in made if kind != "funding"]
            return sorted([*kept, ("legal", halt)], key=lambda pair: pair[1].start)
    return made


# A quantity of goods just after a purchase: "buy up to 250,000 tonnes a year of copper concentrate", "comprará 2
# millones de barriles", "kauft 500.000 Tonnen": goods bought under a supply deal, no company.
_GOODS_AFTER = re.compile(
    r"\s+(?:up to|about|around|some|more than|at least|hasta|até|bis zu|jusqu'à)?\s*\d[\d,.\s]*"
    r"(?:million|billion|millones|milhões|Millionen|millions)?\s*(?:metric\s+)?"
    r"(?:tonnes|tons|toneladas|Tonnen|barrels|barriles|barris|cubic metres|cubic meters|megawatt-hours|MWh|GWh|"
    r"units)\b",
    re.IGNORECASE,
)


def goods_bought(text: str, buying: Cue) -> bool:
    """A purchase whose object is a quantity of goods, right after the verb."""
    return _GOODS_AFTER.match(text, buying.end) is not None


# "to court cable makers", "to court investors": the verb (to woo), no court of law; "took Amgen to court over ...",
# "heads to court in May" are the court, which a preposition, a date word or the clause's end follows.
_WOOED = re.compile(
    r"(?<=\bto )court (?!(?:over|in|on|for|against|after|again|and|or|but|to|with|by|at|as|this|last|next|if|before|"
    r"until|from|soon|today|tomorrow|yesterday|early|later)\b)[a-z]"
)


# Papers filed with or submitted to an authority: "draft prospectus, filed with the market regulator on Tuesday", "files
# with the watchdog for approval": an offering's or a deal's paperwork, no legal action.
_FILED_WITH = re.compile(
    r"\b(?:filed|files|filing|submitted|submits|lodged|lodges)\s+(?:\w+\s+){0,3}?(?:with|to)\s+(?:the|its|a)?\s*"
    r"(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_FILED_REACH = 60  # characters from the filing verb to the authority


def filed_with(text: str, cue: Cue) -> bool:
    """Whether the legal cue ("regulator", "watchdog") is the authority papers are filed with."""
    return _FILED_WITH.search(text[max(0, cue.start - _FILED_REACH) : cue.start]) is not None


def wooed(text: str, cue: Cue) -> bool:
    """Whether the legal cue "court" is the verb "to court" someone ("to court cable makers")."""
    return _WOOED.match(text, cue.start) is not None
