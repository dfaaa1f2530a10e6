"""Prefixes joined to a name's front by the item's language ("لشاومي", "وسامسونج", "للراجحي", "בשיאומי", "ולטסלה":
watcher.match.prefixes), the words that merely start like a prefix and a name ("لبنان", "حسابك"), names that are
words (טבע, كريم), and the Slavic, Baltic and Persian endings that change a name's last letters ("Toyocie",
"Tatře", "Mercatorju", "تسلاها")."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.test_match_inflections import neutral_entities, surfaces
from watcher.config import EntityConfig
from watcher.match.endings import UNDETERMINED
from watcher.match.matcher import Matcher
from watcher.match.prefixes import prefixes_for, reads_as_word
from watcher.worker import _entity, entity_spec

DATA = Path(__file__).resolve().parent / "data" / "matcher"
GRID = [json.loads(line) for line in (DATA / "prefixes.jsonl").read_text(encoding="utf-8").splitlines() if line]
SEMITIC = ("ar", "he", "fa", "ur")

CASES: list[tuple[str, str | dict[str, Any], str | None, str, list[str]]] = [
    ("ar-lam", "شاومي", "ar", "نمو المبيعات لشاومي في مصر", ["لشاومي"]),
    ("ar-waw", "سامسونج", "ar", "وسامسونج تكشف عن هاتف", ["وسامسونج"]),
    ("ar-ba-hamza", "أبل", "ar", "غرامة تلحق بأبل", ["بأبل"]),
    ("ar-waw-lam", "تويوتا", "ar", "ولتويوتا خطط جديدة", ["ولتويوتا"]),
    ("ar-kaf", "جوجل", "ar", "كجوجل وأمازون", ["كجوجل"]),
    ("ar-article-after-ba", "الراجحي", "ar", "يثقون بالراجحي", ["بالراجحي"]),
    ("ar-lam-drops-the-alef", "الراجحي", "ar", "حصة للراجحي وللراجحي", ["للراجحي", "وللراجحي"]),
    ("ar-alefless-needs-lam", "الراجحي", "ar", "بلراجحي لراجحي", []),
    ("ar-name-starting-with-lam", "لينوفو", "ar", "ولينوفو تطلق حاسوبا", ["ولينوفو"]),
    ("ar-vowel-points", "شاومي", "ar", "لِشاومي", ["لِشاومي"]),
    ("he-bet", "שיאומי", "he", "משבר בשיאומי", ["בשיאומי"]),
    ("he-vav-lamed", "טסלה", "he", "ולטסלה יש בעיה", ["ולטסלה"]),
    ("he-mem", "סמסונג", "he", "מסמסונג נמסר", ["מסמסונג"]),
    ("he-kshe", "סמסונג", "he", "כשסמסונג הודיעה", ["כשסמסונג"]),
    ("he-article-on-a-car", "טויוטה", "he", "הטויוטה החדשה", ["הטויוטה"]),
    ("he-two-words", "רמי לוי", "he", "ברמי לוי הורידו מחירים", ["ברמי לוי"]),
    ("he-name-starting-with-he", "הראל", "he", "בהראל ביטוח", ["בהראל"]),
    ("und-arabic-script", "شاومي", UNDETERMINED, "لشاومي", ["لشاومي"]),
    ("und-hebrew-script", "שיאומי", UNDETERMINED, "בשיאומי", ["בשיאומי"]),
    # not a prefix, not this language, no language, a word of its own, a name that is a word, the config saying so
    ("not-a-prefix", "سابك", "ar", "تحقق من رصيد حسابك", []),
    ("not-a-prefix-he", "ליין", "he", "שיעור אונליין", []),
    ("no-language-as-before", "شاومي", None, "لشاومي", []),
    ("persian-writes-them-apart", "سامسونگ", "fa", "بسامسونگ", []),
    ("english-item", "שיאומי", "en", "בשיאומי", []),
    ("a-word-of-its-own", "بنان", "ar", "انفجار في لبنان", []),
    ("ordinary-word", "טבע", "he", "טיול בטבע ליד מניית טבע", ["טבע"]),
    ("ordinary-word-opted-in", {"text": "טבע", "inflect": True}, "he", "ההשקעה בטבע", ["בטבע"]),
    ("alias-opts-out", {"text": "شاومي", "inflect": False}, "ar", "لشاومي، شاومي", ["شاومي"]),
    ("end-edge-still-holds", "أوبر", "ar", "دار الأوبرا", []),
    ("too-short", "אל", "he", "באל", []),
    ("latin-takes-none", "Samsung", "ar", "وSamsung", []),
    # stems that change before an ending
    ("pl-t-to-c", "Toyota", "pl", "W Toyocie i o Fiacie", ["Toyocie"]),
    ("pl-d-to-dz", "Škoda", "pl", "W Škodzie i Hondzie", ["Škodzie"]),
    ("pl-k-to-c", "Biedronka", "pl", "Zakupy w Biedronce, o biedronce", ["Biedronce"]),
    ("pl-consonant-stem", "Kaufland", "pl", "Promocje w Kauflandzie", ["Kauflandzie"]),
    ("pl-not-an-ending", "Ford", "pl", "Mieszkańcy Fordonu i Fordzie", ["Fordzie"]),
    ("cs-r-to-rzh", "Tatra", "cs", "V Tatře, do Tater", ["Tatře"]),
    ("cs-k-to-c-in-a-phrase", "Komerční banka", "cs", "Úvěr v Komerční bance", ["Komerční bance"]),
    ("hr-sibilarisation", "Erste banka", "hr", "Kredit u Erste banci", ["Erste banci"]),
    ("hr-neuter-e", "Gorenje", "hr", "Gorenju i Gorenjaku", ["Gorenju"]),
    ("sl-rj", "Mercator", "sl", "V Mercatorju", ["Mercatorju"]),
    ("sk-locative-e", "Slovnaft", "sk", "V Slovnafte", ["Slovnafte"]),
    ("lv-e-stem", "Citadele", "lv", "Citadeles un Citadelē", ["Citadeles", "Citadelē"]),
    ("lt-e-stem", "Citadele", "lt", "Citadelės klientai", ["Citadelės"]),
    ("fa-plural-after-zwnj", "سامسونگ", "fa", "سامسونگ\u200cها و تسلاها", ["سامسونگ\u200cها"]),
    ("not-this-language", "Toyota", "cs", "W Toyocie", []),
]


@pytest.mark.parametrize(
    ("alias", "language", "text", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_case(alias: str | dict[str, Any], language: str | None, text: str, expected: list[str]) -> None:
    assert surfaces(alias, language, text) == expected


def test_entity_opts_out_and_an_alias_overrides_it() -> None:
    aliases = [{"text": "שיאומי"}, {"text": "شاومي", "inflect": True}]
    assert surfaces(aliases[0], "he", "בשיאומי", inflect=False) == []
    config = EntityConfig(name="E", aliases=aliases, inflect=False)
    found = Matcher.build([config]).match({"title": "בשיאומי لشاومي"}, language=UNDETERMINED)
    assert [hit.text for match in found for hit in match.hits] == ["لشاومي"]


def test_a_case_sensitive_alias_is_compared_without_its_prefix() -> None:
    """The prefix is no part of the name: a case-sensitive alias (its text compared as written) still takes one; a
    Latin alias after a Hebrew letter takes none (ב-Wolt, with its hyphen, was always a word edge)."""
    assert surfaces({"text": "شاومي", "case_sensitive": True}, "ar", "لشاومي") == ["لشاومي"]
    assert surfaces({"text": "Wolt", "case_sensitive": True}, "he", "בWolt ב-Wolt") == ["Wolt"]


def test_exclude_and_require_any_still_decide_as_written() -> None:
    entity = EntityConfig(name="Teva", aliases=["טבע"], exclude=["בטבע"], inflect=True)
    matcher = Matcher.build([entity])
    assert matcher.match({"title": "מניית טבע בטבע"}, language="he") == []
    assert [m.entity for m in matcher.match({"title": "מניית טבע"}, language="he")] == ["Teva"]


def test_parse_workers_build_the_same_matcher_from_the_spec() -> None:
    entities = [
        EntityConfig(name="A", aliases=["شاومي", {"text": "טבע", "inflect": True}]),
        EntityConfig(name="B", aliases=["סמסונג"], inflect=False),
    ]
    rebuilt = Matcher.build([_entity(*spec) for spec in entity_spec(entities)])
    fields = {"title": "ولشاومي ובטבע ובסמסונג"}
    found = rebuilt.match(fields, language=UNDETERMINED)
    assert found == Matcher.build(entities).match(fields, language=UNDETERMINED)
    assert [hit.text for match in found for hit in match.hits] == ["ولشاومي", "ובטבע"]


def test_language_tags_choose_their_table() -> None:
    arabic, egyptian, hebrew = prefixes_for("ar-SA"), prefixes_for("arz"), prefixes_for("he_IL")
    assert arabic is not None and "وبال" in arabic.by_head[""] and arabic is egyptian
    assert hebrew is not None and "וכש" in hebrew.by_head[""] and "ו" not in arabic.by_head[""]
    assert prefixes_for("fa") is None and prefixes_for("en") is None
    undetermined = prefixes_for("")
    assert undetermined is prefixes_for(UNDETERMINED) and undetermined is not None
    assert {"و", "ו"} <= undetermined.by_head[""]


def test_words_that_merely_look_prefixed_come_from_the_lists() -> None:
    assert reads_as_word("ل", "بنان") and reads_as_word("מ", "בזק") is False  # בזק is an ordinary word: not listed
    assert not reads_as_word("ل", "شاومي")


def grid_counts(matcher: Matcher, language: str | None, rows: Sequence[dict[str, Any]]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {}
    for row in rows:
        language_of = row["lang"] if language == "item" else language
        got = {match.entity for match in matcher.match({"title": row["title"]}, language=language_of)}
        expected = set(row["expected"])
        tally = counts.setdefault(row["lang"], Counter())
        tally.update(found=len(got & expected), wrong=len(got - expected), missed=len(expected - got))
    return counts


def test_grid_with_the_items_language() -> None:
    """tests/data/matcher/prefixes.jsonl: no wrong name in Arabic, Hebrew, Persian or Urdu, their prefixed names
    found; the Slavic and Baltic stems found."""
    matcher = Matcher.build(neutral_entities("prefixes.entities.yaml"))
    counts = grid_counts(matcher, "item", GRID)
    total = sum(counts.values(), Counter())
    assert all(counts[language]["wrong"] == 0 for language in SEMITIC)
    assert total["found"] >= 0.95 * (total["found"] + total["missed"])
    assert total["wrong"] <= 0.02 * (total["found"] + total["wrong"])
    before = grid_counts(matcher, None, GRID)
    assert all(counts[language]["found"] > 2 * before[language]["found"] for language in ("ar", "he", "pl"))
    assert len(GRID) >= 150 and {"ar", "he", "fa", "ur", "pl", "cs", "sk", "hr", "sl", "lt", "lv"} <= set(counts)


def test_grid_undetermined_reads_prefixes_by_script_and_no_wrong_name() -> None:
    matcher = Matcher.build(neutral_entities("prefixes.entities.yaml"))
    counts = grid_counts(matcher, UNDETERMINED, GRID)
    item = grid_counts(matcher, "item", GRID)
    assert all(counts[language]["wrong"] == 0 for language in SEMITIC)
    assert all(counts[language] == item[language] for language in ("ar", "he"))
