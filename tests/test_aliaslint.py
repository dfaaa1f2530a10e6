"""The alias linter: aliases that would match the wrong words (watcher.aliaslint, `watcher entities lint`).

Most tests read wordfreq's real lists (offline, in the package): the false positives are real words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from watcher.aliaslint import INFO, WARNING, Finding, lint_entities
from watcher.config import EntityConfig, load_config
from watcher.match.matcher import Matcher
from watcher.vocabulary import WordfreqVocabulary, WordList, languages_of

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = WordfreqVocabulary()  # lists read once per process


def lint(*entities: EntityConfig, vocabulary: Any = VOCABULARY) -> list[Finding]:
    return lint_entities(list(entities), vocabulary)


def entity(name: str, *aliases: Any, **settings: Any) -> EntityConfig:
    return EntityConfig(name=name, aliases=list(aliases), **settings)


def only(findings: list[Finding], kind: str, alias: str | None = None) -> Finding:
    matching = [f for f in findings if f.kind == kind and (alias is None or f.alias == alias)]
    assert len(matching) == 1, findings
    return matching[0]


def words_of(finding: Finding) -> set[str]:
    return {w.word for w in finding.words}


class FakeVocabulary:
    def __init__(self, **lists: dict[str, float]) -> None:
        self.lists = {language: WordList.of(words.items()) for language, words in lists.items()}

    def words(self, language: str) -> WordList:
        return self.lists.get(language, WordList.of([]))


# --- wildcards that go on into other words ------------------------------------------------------------


def test_a_cyrillic_wildcard_goes_on_into_unrelated_words() -> None:
    finding = only(lint(entity("Korea", "Коре*")), "other-words")
    assert finding.severity == WARNING  # кореспондент (uk), коренных (ru): words of every day
    assert {"коренные", "коренев", "корень", "кореспондент"} <= words_of(finding)
    families = {w.family for w in finding.words}
    assert {"Корен*", "Корес*"} <= families
    assert {w.family for w in finding.words if w.word == "коренев"} == {"Корен*"}  # with its family
    assert {"корее", "корею"} <= set(finding.forms)  # the alias's own forms are not reported
    assert not {"корее", "корею"} & words_of(finding)


def test_korea_star_flags_koreatown_but_not_korean_and_koreas() -> None:
    finding = only(lint(entity("Korea", "Korea*", "Korean*")), "other-words", "Korea*")
    assert "koreatown" in words_of(finding)
    assert {w.family for w in finding.words if w.word == "koreatown"} == {"Koreat*"}
    assert "koreas" in finding.forms
    # every word "Korean*" also matches is vouched for by that more specific alias
    assert not {"korean", "koreans", "koreanska"} & words_of(finding)
    assert finding.severity == INFO  # koreatown is rare (zipf 2.3): a note, not a warning


def test_the_words_that_are_no_form_come_first_in_their_family() -> None:
    vocabulary = FakeVocabulary(ru={"корень": 3.9, "коренные": 3.6, "корея": 4.1, "кореи": 4.1})
    finding = only(lint(entity("Korea", "Коре*"), vocabulary=vocabulary), "other-words")
    assert [w.word for w in finding.words] == ["коренные", "корень"]  # корень: two letters on, but kin
    assert set(finding.forms) == {"корея", "кореи"}
    assert finding.severity == WARNING


def test_a_wildcard_whose_other_words_are_rare_is_a_note() -> None:
    vocabulary = FakeVocabulary(fr={"corée": 4.4, "coréen": 4.0, "coréalisé": 2.1})
    finding = only(lint(entity("Korea", "Corée*", "Corea*"), vocabulary=vocabulary), "other-words")
    assert finding.alias == "Corea*"  # coréalisé folds to corealise
    assert finding.severity == INFO
    assert words_of(finding) == {"coréalisé"}


def test_entity_with_require_any_gets_notes_not_warnings() -> None:
    finding = only(lint(entity("Korea", "Коре*", require_any=["Сеул"])), "other-words")
    assert finding.severity == INFO


# --- aliases in scripts without spaces -----------------------------------------------------------------


def test_hangul_alias_matching_inside_a_district_name() -> None:
    assert Matcher.build([entity("Samsung", "삼성")]).match({"title": "삼성동 코엑스"})  # the matcher would
    finding = only(lint(entity("Samsung", "삼성")), "inside-words")
    assert "삼성동" in words_of(finding)
    assert finding.severity == INFO


def test_particles_are_forms_and_longer_aliases_vouch_for_words() -> None:
    vocabulary = FakeVocabulary(ko={"삼성": 4.9, "삼성의": 3.0, "삼성동": 3.5, "삼성전자": 4.1})
    finding = only(lint(entity("Samsung", "삼성", "삼성전자"), vocabulary=vocabulary), "inside-words")
    assert words_of(finding) == {"삼성동"}


def test_a_star_after_hangul_or_han_does_nothing() -> None:
    findings = lint(entity("Xiaomi", "小米*"), vocabulary=None)
    assert only(findings, "no-op-wildcard").severity == INFO


# --- aliases that are words ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Apple", "Shell", "Amazon", "Target", "Orange", "Meta"])
def test_ordinary_words_as_aliases(name: str) -> None:
    finding = only(lint(entity(name, name)), "common-word")
    assert finding.severity == WARNING
    assert "case_sensitive" in finding.suggestion and "require_any" in finding.suggestion
    assert finding.words[0].word == name.lower() and finding.words[0].zipf >= 3.5


def test_mi_is_a_word_in_half_the_languages() -> None:
    finding = only(lint(entity("Xiaomi", "Mi")), "common-word")
    assert {w.language for w in finding.words} >= {"it", "es"}


@pytest.mark.parametrize("alias", [{"text": "Apple", "case_sensitive": True}, "Apple"])
def test_case_sensitive_or_require_any_settles_a_common_word(alias: Any) -> None:
    settled = entity("Apple", alias, require_any=["iPhone"]) if alias == "Apple" else entity("Apple", alias)
    assert [f for f in lint(settled) if f.kind in ("common-word", "frequent-word")] == []


def test_names_that_are_only_names_are_not_ordinary_words() -> None:
    findings = lint(entity("Samsung", "Samsung"), entity("Google", "Google"), entity("Xiaomi", "Xiaomi"))
    assert [f for f in findings if f.kind == "common-word"] == []
    assert all(f.severity == INFO for f in findings)  # frequent-word notes for Samsung and Google at most


# --- near-useless, duplicate -------------------------------------------------------------------------


NEAR_USELESS = [
    ("X", "one-letter"),
    ("a*", "one-letter"),
    ("삼*", "one-letter"),
    ("韩", "one-letter"),
    ("Ab*", "short-prefix"),
    ("Xi Pa*", "short-prefix"),
]


@pytest.mark.parametrize(("alias", "kind"), NEAR_USELESS)
def test_near_useless_aliases(alias: str, kind: str) -> None:
    finding = only(lint(entity("E", alias), vocabulary=None), kind)
    assert finding.severity == WARNING


def test_one_letter_with_case_and_require_any_is_a_note() -> None:
    findings = lint(entity("X Corp", {"text": "X", "case_sensitive": True}, require_any=["Musk"]), vocabulary=None)
    assert only(findings, "one-letter").severity == INFO


def test_duplicates_across_entities_and_within_one() -> None:
    findings = lint(
        entity("Xiaomi", "Xiaomi", "Mi", "XIAOMI"),
        entity("Meta", "Meta", "mi"),
        entity("Mi Pay", {"text": "Mi Pay", "case_sensitive": True}),
        entity("Other", {"text": "MI PAY", "case_sensitive": True}),  # both with case: different aliases
        vocabulary=None,
    )
    duplicate = only(findings, "duplicate")
    assert (duplicate.entity, duplicate.alias, duplicate.severity) == ("Meta", "mi", WARNING)
    assert "'Xiaomi'" in duplicate.message
    repeated = only(findings, "repeated")
    assert (repeated.entity, repeated.alias, repeated.severity) == ("Xiaomi", "XIAOMI", INFO)


def test_an_alias_also_in_exclude_can_never_match() -> None:
    findings = lint(entity("Korea", "Korea", "North Korea", exclude=["north  korea"]), vocabulary=None)
    assert only(findings, "self-excluded").alias == "North Korea"


# --- the vocabulary ------------------------------------------------------------------------------------


def test_languages_follow_the_script() -> None:
    assert languages_of("삼성") == ("ko",)
    assert languages_of("Коре*") == ("ru", "uk", "bg", "mk")
    assert set(languages_of("小米")) == {"zh", "ja"}
    assert "en" in languages_of("Korea") and "ru" not in languages_of("Korea")
    assert languages_of("ไทย") == ()  # wordfreq has no Thai list: nothing to check against


def test_word_lists_carry_zipf_frequencies() -> None:
    english = VOCABULARY.words("en")
    assert english.word(0) == "the" and english.zipf(0) > 7
    last = len(english) - 1
    assert english.zipf(last) == pytest.approx(2.0) and english.word(last)
    assert "|" not in english.word(1000) and english.text.count("|") == last


# --- the shipped config ---------------------------------------------------------------------------------


def test_the_shipped_config_lints_without_warnings() -> None:
    findings = lint(*load_config(ROOT / "config.yaml").entities)
    assert [f for f in findings if f.severity == WARNING] == []
    matched = {w.word for f in findings for w in f.words}
    assert not matched & {"koreatown", "коренные", "коренев", "корень", "кореспондент", "coréalisé", "корема"}


def test_the_shipped_config_still_matches_korea_in_every_seed_language() -> None:
    matcher = Matcher.build(load_config(ROOT / "config.yaml").entities)
    for text in ["Corea del Sud", "mercato sudcoreano", "South Korea's", "Южной Кореи", "в Южной Корее",
                 "корейский рынок", "Південної Кореї", "Корейці", "корейски", "한국 시장", "韩国", "Coreia do Sul",
                 "la Corée du Sud", "Südkoreas", "koreanische", "las dos Coreas", "two Koreas"]:  # fmt: skip
        assert [m.entity for m in matcher.match({"title": text})] == ["Korea"], text
    for text in ["коренные изменения", "Коренев", "Koreatown", "кореспондент", "Северной Кореи", "корень"]:
        assert matcher.match({"title": text}) == [], text


# --- the commands ----------------------------------------------------------------------------------------

USER_CONFIG = """\
feeds:
  - url: https://example.com/feed.xml
entities:
  - name: Korea
    aliases: ["Коре*", "한국"]
  - name: Apple
    aliases: [Apple]
  - name: Samsung
    aliases: ["삼성"]
"""


def run_cli(tmp_path: Path, *args: str, config: str = USER_CONFIG) -> Any:
    from click.testing import CliRunner

    from watcher.cli import main

    path = tmp_path / "config.yaml"
    path.write_text(config, encoding="utf-8")
    return CliRunner().invoke(main, ["--config", str(path), *args])


def test_entities_lint_prints_the_words_each_alias_would_match(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "entities", "lint")
    assert result.exit_code == 0, result.output
    assert 'warning: Korea: "Коре*" (other-words)' in result.output
    assert "Корен*" in result.output and "коренных" in result.output
    assert 'warning: Apple: "Apple" (common-word)' in result.output
    assert 'info: Samsung: "삼성" (inside-words)' in result.output and "삼성동" in result.output
    assert result.output.rstrip().endswith("2 warnings, 4 notes")  # 한국 and 삼성: each frequent, inside words


def test_entities_lint_strict_json_and_one_entity(tmp_path: Path) -> None:
    import json

    assert run_cli(tmp_path, "entities", "lint", "--strict").exit_code == 1
    result = run_cli(tmp_path, "entities", "lint", "--json", "-e", "Korea")
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in result.output.splitlines()]
    assert {f["entity"] for f in findings} == {"Korea"}
    other = next(f for f in findings if f["kind"] == "other-words")
    assert {"word": "коренные", "zipf": 3.64, "language": "ru", "family": "Корен*"} in other["words"]
    unknown = run_cli(tmp_path, "entities", "lint", "-e", "Nokia")
    assert unknown.exit_code == 2 and "no such entity" in unknown.output
    clean = USER_CONFIG.split("  - name: Korea")[0] + "  - name: Xiaomi\n    aliases: [Xiaomi]\n"
    assert run_cli(tmp_path, "entities", "lint", "--strict", config=clean).exit_code == 0


def test_check_config_summarises_the_alias_warnings(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "check-config")
    assert result.exit_code == 0, result.output  # warnings do not make a config invalid
    line = next(line for line in result.output.splitlines() if "aliases:" in line)
    assert line.startswith('  aliases: 2 warnings: Korea "Коре*" (other-words: кореспондент')
    assert 'Apple "Apple" (common-word: apple)' in line and line.endswith("run `watcher entities lint`")
    shipped = run_cli(tmp_path, "check-config", config=(ROOT / "config.yaml").read_text(encoding="utf-8"))
    assert "  aliases: no warnings" in shipped.output.splitlines()
