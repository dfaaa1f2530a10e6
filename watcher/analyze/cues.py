"""Words that say a business event happened, and words that take it back: data/cues.yaml, for sentences.py, events.py.

Phrases use the alias syntax of config.yaml (case- and accent-insensitive, whole words in spaced
scripts, substrings in CJK, '*' ending a word lets it continue). Each table is {kind: {language: [...]}};
language "*" applies to every item. A phrase counts only in an item of its language, so Italian "sale"
(rises) is not English "sale". A phrase with " … " is a separable verb (Dutch and German): its particle
ends the clause, words apart ("neemt … over" finds "neemt de keten Profi over").

Kinds beyond the taxonomy's event types:
- `<type>?`: a weak cue, an event only with a figure (not a year) in the same sentence ("sales rose 9%"), or
  in the title with one in the lead's first sentence;
- `announce`: a launch when the sentence makes no other event ("新型を発表"; "決算を発表" is results);
- `facility` + `build`: both in one sentence, with a country, make a market entry ("opens a plant in Egypt");
- `acquired_by`: the passive ("acquired by", "racheté par", "overgenomen door"): the buyer follows it, and the
  company before it, bought, gets no event;
- `after`: an event cue just after it is what came before the news ("dopo l'accordo con Exor"), or no news of its own
  ("300 partners at launch", a shop "run by a franchisee"), no event;
- `export`: goods shipped or exported ("ships a new batch", "नई खेप"): no market entry, unless the sentence says first;
- `per_share`: a price per share ("12,5 euros por acción") holds the word for shares but is no share move;
- `org_noun`: a country's adjective next to it names the company's home ("the German group", "le groupe
  français", "중국 기업"), a country no market entry of the item can be;
- `expand`: a facility and a build word in its sentence make no market entry ("expands its plant");
- `cut` + `jobs`: both in one sentence make layoffs ("to cut 6,000 jobs");
- `supply` ("to supply", "leveren aan", "供应"): a partnership where the sentence names two tracked companies;
- `sell` + `asset`: both make an acquisition for the seller ("sells its Italian business");
- `first` + `outlet` (at most three words apart), with a country, make a market entry ("first flagship
  store in Mexico", "premier grand magasin", "첫 번째 매장");
- `enter` + `market_word`, with a country, make a market entry ("enters the Hungarian market");
- `arrive`: a movement or start verb ("starts operations in", "goes live in", "chega ao", "stiže u", "jõuab"), a
  market entry with a country or one of its cities named by name next to it and the company just before it
  (not a product: "Xiaomi SU7 arriva in Germania");
- `open` + `office`, with a country or a city, make a market entry ("opens an office in Hanoi");
- `first` + `venture` (a contract, order, project or investment), with a country after it (or before it where the
  verb comes last) or `there` ("in the country": the one the item names elsewhere), make a market entry ("its first
  contract in the Philippines", "ilk sözleşmesi ... bu ülkedeki");
- `absent` ("where it has had no business until now"), with a country and an act in the sentence, makes a market
  entry; the cues inside it count for nothing (its negation denies nothing);
- `present` ("already present in", "présente en France depuis"), with a country next to it: a country the company has
  long been in, no market to enter (entry_country.already_present); the cues inside it count for nothing;
- `domestic` ("domestic capacity", "国内生産") anywhere in an item: the plant it builds is at home, no market entry;
- `another` ("second", "zweite") just before a shop or an office: no market entry, unless the sentence says first;
- `buyers` ("shoppers", "Kunden", "wateja") just before an acquisition verb: shopping, no acquisition;
- `stake` + `stake_enter` or `stake_raise`, or `stake_enter` + a percentage, make an acquisition ("raises
  its stake", "entre au capital", "entra con il 41%"), unless the sentence reports results or funding;
- `preview` ("to publish", "next week", "将于", "発表へ", "analysts expect") beside results in a sentence: results to
  come, none reported; in a title, the item reports none ("Week ahead: Nokia to publish third-quarter results");
- `begin` ("start", "dimulai", "시작") beside a weak results word, with no percentage, makes no results: sales or
  deliveries that start ("Penjualan dimulai pada kuartal keempat", "deliveries begin in January");
- `appoint` ("named", "designa", "起用") beside a `role` ("chief executive", "directora general", "社長"), either
  side, makes a leadership change: "named Mariana Cortés chief executive";
- `chosen` ("selected by", "ales de"): a partnership, unless the sentence names a plant or makes a market entry (a
  site picked: "Hungary picked by Baowu for a steel plant");
- `fix` ("patch", "不具合を修正"): no product launch in its sentence;
- `halt` ("suspends", "bloquea") before the company and its offering: the authorities' action, legal, no funding;
- `settlement_date` ("settlement is expected on", "date de règlement"): a bond's settlement, no lawsuit in its sentence;
- `labour` ("unions", "sindacati", "IG Metall"): no partnership in its sentence (a pay or job-cuts agreement);
- `lease` ("signed a lease", "договор аренды", "Mietvertrag"): no partnership in its sentence (a site rented);
- `minor_role` ("spokesperson", "directeur artistique", "広報部長") anywhere in an item that names no `role`: no
  leadership change (a post below the board);
- blockers: `rumour`, `denial`, `negation`, `review`, `opinion`, `stock`, `anniversary` drop the sentence
  (in a title: the whole item); `not_party` marks the entity next to it as no party ("following Toyota", "a
  supplier to Daikin").
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from watcher.analyze import tables as shipped_tables
from watcher.match.packed import pack
from watcher.match.table import MatcherTable, compile_table

Table = dict[str, dict[str, list[str]]]
ARABIC_AND = "\u0648"  # و
ARABIC_ARTICLE = "\u0627\u0644"  # ال
# Hebrew prepositions written onto the next word ("נוחתת בישראל"): a phrase ending in one ("נוחתת ב") is matched by
# the words before it, the country after it being found with its prefix by the market finder.
HEBREW_PREFIXES = frozenset("בלמ")


@cache
def _tables() -> dict[str, Table]:
    """cues.yaml, from the copy shipped parsed when it is current (data/cues-yaml.pickle: ~2 ms; PyYAML ~60)."""
    shipped = shipped_tables.shipped(shipped_tables.CUES_YAML, yaml_key())
    return shipped["tables"] if shipped is not None else read_yaml()


def read_yaml() -> dict[str, Any]:
    # PyYAML imported here, not at the top: a process whose shipped copy is current never reads the YAML, and the
    # import alone (~0.03 CPU-s, ~90 M instructions: its regular expressions compiled) was a tenth of the analysis
    # stage's start in `poll --once` (issue 12).
    import yaml

    text = resources.files("watcher.analyze").joinpath("data", "cues.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml: ~10× faster


def yaml_key() -> str:
    """The key of cues.yaml's parsed copy (watcher/analyze/tables.py): the file."""
    return shipped_tables.key(shipped_tables.data_bytes("cues.yaml"))


def table_key() -> str:
    """The key of cue_table()'s sources: cues.yaml, this module and watcher.match's folding and compiling."""
    match_modules = ("watcher.match.words", "watcher.match.chars", "watcher.match.fold", "watcher.match.table",
                     "watcher.match.endings", "watcher.match.prefixes", "watcher.match.packed")  # fmt: skip
    return shipped_tables.key(
        shipped_tables.data_bytes("cues.yaml"),
        shipped_tables.code(__name__),
        *(shipped_tables.code(module) for module in match_modules),
    )


def cue_table() -> MatcherTable:
    """The automaton's table of every cue phrase but the separable verbs, built from the cue tables (~0.1 CPU-s):
    the cue finder's (watcher.analyze.sentences)."""
    from watcher.config import EntityConfig  # pydantic: only where the table is made, not where it is read

    entities = []
    for table in (event_cues(), blockers()):
        for kind, by_language in table.items():
            for language, phrases in by_language.items():
                whole = [phrase for phrase in phrases if not is_split(phrase)]
                if language == "ar":
                    # Not a deal's words: "الصفقة" (the deal) points back at one named before, of any kind ("will
                    # pay 1.5 billion for the deal"); its own forms are listed ("المشروع المشترك").
                    whole = [form for phrase in whole for form in arabic_forms(phrase, kind != "partnership")]
                if language == "he":
                    whole = [_without_prefix(phrase) for phrase in whole]
                if whole:
                    # A cue's forms are listed or written with '*': no case endings (and no stems in the automaton).
                    entities.append(EntityConfig(name=f"{kind}|{language}", aliases=whole, inflect=False))
    return pack(compile_table(entities))  # read a language at a time (select_table), the rest left in its buffers


def arabic_forms(phrase: object, articled: bool = True) -> list[object]:
    """An Arabic phrase with what is written onto its first word: "and" ("وتدخل السوق", and enters the market);
    `articled`, the article and the prepositions joined to it too ("الاستحواذ", the acquisition; "للاستحواذ", to
    acquire; "بالاستحواذ")."""
    if not isinstance(phrase, str):
        return [phrase]
    if not articled:
        return [phrase, ARABIC_AND + phrase]
    stem = phrase.removeprefix(ARABIC_ARTICLE)
    forms = [ARABIC_ARTICLE + stem, "ب" + ARABIC_ARTICLE + stem, "لل" + stem]
    return [*dict.fromkeys([phrase, *forms, *(ARABIC_AND + form for form in (phrase, ARABIC_ARTICLE + stem))])]


def _without_prefix(phrase: object) -> object:
    """A phrase without its last word where that is a Hebrew preposition alone, written onto the word after it:
    "נוחתת ב" (lands in) is matched as "נוחתת"."""
    if isinstance(phrase, str) and " " in phrase:
        head, last = phrase.rsplit(" ", 1)
        if last in HEBREW_PREFIXES:
            return head
    return phrase


def is_split(phrase: object) -> bool:
    """A separable verb ("neemt … over"): a regular expression of its own, not a phrase of the automaton."""
    return isinstance(phrase, str) and SPLIT_MARK in phrase


def event_cues() -> Table:
    return _tables()["events"]


def blockers() -> Table:
    return _tables()["blockers"]


# Cues that end a word, in languages that write compounds as one word ("Hubschrauberwerk"): regular expressions.
SUFFIX_CUES: dict[str, dict[str, str]] = {
    "facility": {"de": r"\w{3,}(?:werk|werks|fabrik)\b", "nl": r"\w{3,}fabriek\b", "sv": r"\w{3,}fabrik\b"},
    "jobs": {"de": r"\w{3,}stellen\b"},
    "legal": {"sv": r"\w{3,}böter\b"},  # "miljonböter", "mångmiljonböter": a fine in a compound
    # "betaalapp", "betalingsappen": an app in a compound (entry grid: "lanceert betaalapp in India").
    "service": {lang: r"\w{3,}app(?:en)?\b" for lang in ("nl", "sv", "da", "no")},
    "earnings": {"de": r"\w{3,}(?:gewinn|gewinne|umsatz|umsätze|ergebnis)\b"},
    "org_noun": {"de": r"\w{3,}(?:hersteller|konzern|bauer|riese|händler|gruppe|versorger|anbieter|kette)\b"},
    # "日本上陸から40年", "진출 30주년", "进入中国20周年": an anniversary, in languages that write the number with it;
    # "进入中国三十五年" (35 years since it entered China), the number in words and no "周". "50 Jahre Golf GTI",
    # "Vor 125 Jahren": the years counted, opening a title or looking back (not "30 Jahre Wartung", a contract's
    # length); "marks 50 years in Switzerland"; "completa 25 anos".
    "anniversary": {
        "de": r"^\W*\d+\s+Jahre\b|\bvor\s+\d+\s+Jahren\b",
        "en": r"\bmark(?:s|ed|ing)?\s+\d+\s+years\b",
        "pt": r"\bcomplet(?:a|ou|am|aram)\s+\d+\s+anos\b",
        "ja": r"から\d+年(?!ぶり)",
        "ko": r"\d+\s?주년",
        "zh": r"\d+\s?周年|(?:进入|进军|登陆|登陸|扎根|落户)\w{1,4}?[\d一二三四五六七八九十百]+周?年(?![内後后底初中])",
    },
}

# A separable verb's particle: the last word of its clause (before punctuation, a conjunction or the end).
SPLIT_MARK = " … "
# A price may follow it: "neemt de keten Profi over voor 1,3 miljard euro".
_CLAUSE_END = r"(?=\s*(?:$|[,.;:!?)\]\u2013\u2014-]|\s(?:und|oder|aber|en|of|maar|and|voor|für)\b))"


def split_cue_pattern(phrase: str) -> str:
    """A regular expression for "neemt … over": the verb, then its particle ending the clause, in between
    no sentence end and at most eight words."""
    verb, particle = (part.strip() for part in phrase.split(SPLIT_MARK.strip(), 1))

    def words(text: str) -> str:
        return r"\s+".join(  # "stockt … auf", "breidt … uit": '*' lets a word continue
            re.escape(word.rstrip("*")) + (r"\w*" if word.endswith("*") else "") for word in text.split()
        )

    between = r"(?:\s+(?:[^\s.;:!?]|\.(?=\w))+){1,8}?"  # words, a decimal point inside one ("1.3") but no full stop
    return rf"(?<!\w)(?P<verb>{words(verb)})(?!\w){between}\s+{words(particle)}(?!\w){_CLAUSE_END}"


# Blockers that, in a title, drop every event of the item; elsewhere they drop only their sentence.
ITEM_BLOCKERS = ("denial", "review", "opinion", "stock", "anniversary", "rumour")
# Events of these kinds go to every tracked party in the sentence, not only to its subject.
SHARED_EVENTS = ("partnership", "legal")
