"""Business events an item reports about tracked entities. Pure: sentences, entity hits and cues in, events out.

An event needs, in one sentence (the title or one of the first sentences of the summary):
- a cue of its type in the item's language (watcher/analyze/cues.py);
- a tracked organisation as its subject: the first one named before the cue. Partnerships and legal
  actions go to every tracked party named in the sentence ("VW kooperiert mit Xiaomi": both; "Brandenburg
  fines Tesla": Tesla), but never to one just after "following", "like", "rival" ... ("after Toyota");
- for a market entry, a country in the sentence (the first after the cue; a name over an adjective).
A rumour, denial, negation, review, opinion, share move or anniversary in a sentence drops it; in the
title, it drops every event of the item. When in doubt the item carries no event: a wrong event costs an
analyst more than a missing one.

Which events one sentence's cues make is sentence_events.py's; the sentence model and the cue finder are in
sentences.py, who is a party or a subject in subjects.py, a company's home in homes.py, the rules that read a market
entry in entries.py and its country in entry_country.py, weak cues and conflicts between events in conflicts.py.
"""

from __future__ import annotations

from collections.abc import Sequence

from watcher.analyze.background import opens_with_a_past_year, told_before
from watcher.analyze.cues import ITEM_BLOCKERS
from watcher.analyze.entries import dated_before
from watcher.analyze.entry_country import already_present, also_entered, entry_market, in_the_past, listed_before
from watcher.analyze.homes import item_homes
from watcher.analyze.local_press import written_locally
from watcher.analyze.previous_market import after_another, both_countries
from watcher.analyze.production_plans import planned_production
from watcher.analyze.questions import QUESTION_MARKS
from watcher.analyze.roundups import CLAUSE_BREAK
from watcher.analyze.sentence_events import sentence_blockers, sentence_event_cues
from watcher.analyze.sentence_figures import has_figure
from watcher.analyze.sentences import EVENT_TYPES, VERB_LAST, Event, Party, Sentence, apart, cue_language_of
from watcher.analyze.subjects import described, parties_of, subjects_of

EVIDENCE_CHARS = 240


def item_blocker(title: Sentence) -> str | None:
    """What a title is when it is a review, opinion, denial, rumour, share move or anniversary: no event at all."""
    if any(mark in title.text for mark in QUESTION_MARKS):
        return "rumour"  # "Costco guarda all'Italia?", "Is Tesco coming to Greece?": asked, not reported
    kinds = [kind for kind in sentence_blockers(title) if kind in ITEM_BLOCKERS]
    if "stock" in kinds and "rumour" in kinds:
        # "매각설에 Arm 주가 급락", "shares slide on report SoftBank weighs a sale": the move is the news.
        return "stock"
    return kinds[0] if kinds else None


def previews_results(title: Sentence) -> bool:
    """A title that previews results in one clause: not "Inditex sales rise 8%; H&M reports next week"."""
    previews = [cue for cue in title.cues if cue.kind == "preview"]
    results = [cue for cue in title.cues if cue.kind in ("earnings", "earnings?")]
    return any(not apart(title.text, preview, result) for preview in previews for result in results)


def extract_events(
    sentences: Sequence[Sentence],
    language: str | None,
    known_homes: frozenset[str] = frozenset(),
    year: int | None = None,
) -> list[Event]:
    """The events of an item, title first; at most one per (type, entity). known_homes: the home countries
    config.yaml gives the item's companies (`home: CN`), never entered, like those the item's own words give;
    year: the item's, an entry dated before it being the company's past."""
    if not sentences:
        return []
    blocker = item_blocker(sentences[0])
    # "Broadcom forecasts strong AI chip revenue, shares jump": the results moved the shares; only they count.
    only = {"earnings"} if blocker == "stock" and _reports_results(sentences[0]) else None
    if blocker and only is None:
        return []
    # "Week ahead: Nokia to publish third-quarter results": a title that previews results makes none, nor does its
    # lead ("Analysts expect a 4% rise").
    previewed = previews_results(sentences[0])
    title_parties = parties_of(sentences[0], language)  # not "following Aramco": no subject to carry on
    title_subject = title_parties[0] if title_parties else None
    # "Operator picks Nokia – Huawei gear to be removed": a company the headline names only after its first clause is
    # not what its lead goes on about ("The operator signed a deal with Nokia" is no deal of Huawei's).
    aside = title_subject is not None and _later_clause(sentences[0].text, title_subject)
    title_subject = None if aside else title_subject
    # A headline's figures are often in the lead: "Heineken sells less beer in the third quarter" (volumes -4%).
    lead_figure = len(sentences) > 1 and has_figure(sentences[1].text)
    # "Allegro wchodzi na rynek węgierski. ... na Węgrzech": an entry whose sentence names no country enters
    # the one country the item names elsewhere (by name, not an adjective: "the Polish group" is its home).
    home = item_homes(sentences, language, known_homes)
    home |= already_present(sentences)  # "present in France since 2014": no longer a market to enter
    named = {hit.code for sentence in sentences for hit in sentence.markets if hit.is_name} - home
    named_elsewhere = next(iter(named)) if len(named) == 1 else None
    # A plant built somewhere the item names by a city alone may be the company's own country ("महिंद्रा नागपूरमध्ये
    # उभारणार": Mahindra builds near Nagpur): a building's country named elsewhere must be named as a country.
    countries = {hit.code for sentence in sentences for hit in sentence.markets if hit.is_name and not hit.is_city}
    said = {hit.code for sentence in sentences for hit in sentence.markets if not hit.is_city}  # "the Polish market"
    built_elsewhere = named_elsewhere if named_elsewhere in countries - home else None
    # "国内生産を強化", "expand domestic capacity": the plant the item builds is at home.
    at_home = any(cue.kind == "domestic" for sentence in sentences for cue in sentence.cues)
    named_parties = {party.entity for sentence in sentences for party in parties_of(sentence, language)}
    sole = next(iter(named_parties)) if len(named_parties) == 1 else None
    found: dict[tuple[str, str], list[Event]] = {}
    previous: Party | None = None  # the subject of the last sentence that named one
    for sentence in sentences:
        parties = parties_of(sentence, language)
        if not parties and title_subject is None and previous is not None and described(sentence):
            # "Kedden letették az LG Energy Solution ... alapkövét. A dél-koreai vállalat első magyarországi gyára":
            # the company described is the one the sentence before named.
            parties = [Party(previous.entity, -1, -1)]
        previous = parties[0] if parties and not (aside and sentence.index == 0) else previous
        blocked = sentence_blockers(sentence)
        if blocked and not (only is not None and set(blocked) == {"stock"}):
            continue  # where results moved the shares, the sentence that says both still tells the results
        demoted = any(party.entity == sole for party in sentence.parties)  # "Former Arm executive named CEO"
        if not parties and sentence.index == 0 and sole is not None and not demoted and described(sentence):
            # "Philippinische Fastfood-Kette eröffnet erste deutsche Filiale" and only Jollibee named below: the
            # headline's company, described, is the one tracked company the item names (not one it names as no
            # party: the startup a former Arm executive heads is not Arm).
            parties = [Party(sole, -1, -1)]
        if not parties and not sentence.parties and sentence.index >= 1 and title_subject is not None:
            # The lead continues the title: "The German group is paying ..." is about the title's subject (not one
            # whose companies are all bystanders: "首次超越海尔", overtaking Haier, says nothing Haier did).
            parties = [Party(title_subject.entity, -1, -1)]
        if not parties:
            continue
        for event_type, cue in sentence_event_cues(
            sentence, figure=sentence.index == 0 and lead_figure, language=language
        ):
            markets: list[str | None] = [None]
            if (only is not None and event_type not in only) or (previewed and event_type == "earnings"):
                continue
            if event_type != "earnings" and year is not None and opens_with_a_past_year(sentence.text, year):
                continue  # "Em 1996, a locadora ... inaugurava em Buenos Aires sua primeira loja": background
            if event_type != "earnings" and told_before(sentence.text, cue):
                continue  # "The cuts come weeks after the neobank raised 60 million dollars": the event before
            dated = event_type in _DATED or (sentence.index >= 1 and event_type != "earnings")
            if dated and year is not None and dated_before(sentence.text, cue, year):
                continue  # "since the Omega collaboration debuted in 2022": a past deal, told as background
            if event_type == "product_launch" and year is not None and planned_production(sentence.text, cue, year):
                continue  # "2027年量产Robotaxi": production planned for a later year, nothing launched yet
            if event_type == "market_entry":
                candidates = [
                    hit
                    for hit in sentence.markets
                    if hit.code not in home and not in_the_past(sentence, cue, hit) and not after_another(sentence, hit)
                ]
                there = any(other.kind == "there" and other.start >= cue.start for other in sentence.cues)
                building = cue.kind in ("facility", "build")
                if building and at_home:
                    continue
                elsewhere = built_elsewhere if building else named_elsewhere
                market = entry_market(
                    candidates, cue, elsewhere, cue_language_of(language) in VERB_LAST, there=there, text=sentence.text
                )
                # "signs 60 hotels in Egypt and Morocco ... will start operating in both countries this month": the
                # two countries the item names, where the entry's sentence names none and says "both".
                both = not candidates and len(named) == 2 and both_countries(sentence.text)
                market = sorted(named)[0] if market is None and both else market
                if market is None or market in home:
                    continue  # without a country too unsure to report; at home ("the German group's plant in
                    # Germany") no entry
                if building and not home and market not in said and written_locally(language, market):
                    # "Infineon baut neue Chipfabrik in Dresden" in a German paper: a plant in one of its own
                    # country's cities, by a company it does not call foreign ("Duński producent" would), is the
                    # company's own country more often than not.
                    continue
                listed = also_entered(sentence.text, candidates, market, cue)
                listed = listed or listed_before(sentence.text, candidates, market, cue)
                markets = sorted(named) if both else [market, *listed]
            for entity in subjects_of(event_type, cue, parties, language, sentence.text, sentence.cues):
                key = (event_type, entity)
                evidence = evidence_at(sentence.text, cue.start)
                if key not in found:
                    found[key] = [Event(event_type, entity, evidence, market) for market in markets]
                elif event_type == "market_entry":
                    # "Llega a Colombia Globoplay ... desembarca en el país, y también en Perú": a later sentence adds
                    # the countries it names and enters too (not "its first investment in the country" again).
                    known = {event.market for event in found[key]} | {None}
                    named_here = {hit.code for hit in sentence.markets}
                    found[key] += [
                        Event(event_type, entity, evidence, m) for m in markets if m not in known and m in named_here
                    ]
    kinds = {cue.kind for sentence in sentences for cue in sentence.cues}
    if "minor_role" in kinds and "role" not in kinds:
        # "names a new spokesperson", "広報部長に起用 ... 就任する", "nomme un nouveau directeur artistique": a post
        # below the board, whichever sentence says it is filled
        found = {key: same for key, same in found.items() if key[0] != "leadership"}
    entered = {entity for event_type, entity in found if event_type == "market_entry"}
    # "Enters Japan with a kei car": the entry is the news, the car its means.
    events = [
        event for key, same in found.items() if not (key[0] == "product_launch" and key[1] in entered) for event in same
    ]
    return sorted(events, key=lambda event: EVENT_TYPES.index(event.type))


def _later_clause(title: str, party: Party) -> bool:
    return party.start > 0 and CLAUSE_BREAK.search(title, 0, party.start) is not None


# Events a year in their clause dates to the company's past; not counts ("schrapt 2000 banen", "2000人削減"). Past the
# headline, any event but results: an article's background ("The company raised 12 million dollars last year").
_DATED = ("market_entry", "partnership")


def _reports_results(title: Sentence) -> bool:
    return any(cue.kind in ("earnings", "earnings?") for cue in title.cues)


def evidence_at(text: str, position: int) -> str:
    """The sentence, or the EVIDENCE_CHARS of it around `position` (a cue's start, a country named)."""
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    start = max(0, min(position - EVIDENCE_CHARS // 2, len(text) - EVIDENCE_CHARS))
    return ("…" if start else "") + text[start : start + EVIDENCE_CHARS].strip() + "…"
