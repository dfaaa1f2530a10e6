"""Case endings after an alias ("Renaulta", "Nokian", "Ikeának", "Самсунга") by the item's language
(watcher.match.endings), and what takes none: short aliases, ordinary words, lowercase words, an alias or
entity that says `inflect: false`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from watcher.cli import main
from watcher.config import AliasConfig, EntityConfig, load_config
from watcher.errors import ConfigError
from watcher.match.endings import UNDETERMINED, endings_for
from watcher.match.matcher import Matcher
from watcher.match.table import ordinary_word, sorted_line
from watcher.parse.text import visible_text
from watcher.worker import _entity, entity_spec

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "matcher"
GRID = [json.loads(line) for line in (DATA / "inflections.jsonl").read_text(encoding="utf-8").splitlines() if line]
EXAMPLES = [json.loads(line) for line in (DATA / "examples.jsonl").read_text(encoding="utf-8").splitlines() if line]


def neutral_entities(name: str) -> list[EntityConfig]:
    raw = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return [EntityConfig.model_validate(entity) for entity in raw["entities"]]


def surfaces(alias: str | dict[str, Any], language: str | None, text: str, **entity: Any) -> list[str]:
    config = EntityConfig(name="E", aliases=[alias if isinstance(alias, dict) else {"text": alias}], **entity)
    fields = {"title": text}
    found = Matcher.build([config]).match(fields, language=language)
    for match in found:
        for hit in match.hits:
            assert text[hit.start : hit.end] == hit.text
    return [hit.text for match in found for hit in match.hits]


CASES: list[tuple[str, str | dict[str, Any], str | None, str, list[str]]] = [
    ("hr-genitive", "Renault", "hr", "Dionice Renaulta porasle", ["Renaulta"]),
    ("hr-possessive", "Renault", "hr", "Renaultova tvornica", ["Renaultova"]),
    ("hr-a-stem", "Tesla", "hr", "Dionice Tesle i Teslin šef", ["Tesle", "Teslin"]),
    ("hr-j-after-i", "Nokia", "hr", "ugovor s Nokijom", ["Nokijom"]),
    ("sr-cyrillic", "Самсунг", "sr-Cyrl", "уговор са Самсунгом", ["Самсунгом"]),
    ("pl-ogonek", "IKEA", "pl", "Klienci pokochali Ikeę", ["Ikeę"]),
    ("cs-instrumental", "Škoda", "cs", "Se Škodou jedná vláda", ["Škodou"]),
    ("fi-genitive", "Nokia", "fi", "Nokian osakkeet ja Nokialla", ["Nokian", "Nokialla"]),
    ("hu-lengthened-vowel", "IKEA", "hu", "Az Ikeának új áruháza", ["Ikeának"]),
    ("hu-doubled-consonant", "Samsung", "hu", "A Samsunggal közös", ["Samsunggal"]),
    ("hu-doubled-must-double", "Samsung", "hu", "A Samsungxal közös", []),
    ("tr-apostrophe-as-before", "Renault", "tr", "Renault’nun yeni modeli", ["Renault"]),
    ("tr-no-apostrophe", "Samsung", "tr", "Samsungun satışları", ["Samsungun"]),
    ("ru-mixed-script", "Samsung", "ru", "конкуренция с Samsungом", ["Samsungом"]),
    ("ru-a-stem", "Тесла", "ru", "акции Теслы и Теслой", ["Теслы", "Теслой"]),
    ("uk-yi", "Нокіа", "uk", "акції Нокії", ["Нокії"]),
    ("el-os-stem", "Κωτσόβολος", "el", "του ΚΩΤΣΟΒΟΛΟΥ", ["ΚΩΤΣΟΒΟΛΟΥ"]),
    ("ka-caseless", "სამსუნგი", "ka", "სამსუნგმა და სამსუნგის", ["სამსუნგმა", "სამსუნგის"]),
    ("de-genitive", "Renault", "de", "Renaults Gewinn", ["Renaults"]),
    ("de-no-other-ending", "Tesla", "de", "die Teslaspule", []),
    # no language, a language whose names take no endings, an ending the language does not have
    ("no-language-as-before", "Renault", None, "Dionice Renaulta", []),
    ("english-takes-none", "Samsung", "en", "Samsungs and Samsungite", []),
    ("french-takes-none", "Renault", "fr", "un Renaulta", []),
    ("not-this-language", "Renault", "fi", "Renaultom", []),
    # what an undetermined item reads: its script's endings, less those that end English and Romance words
    ("und-latin", "Samsung", UNDETERMINED, "Kupci Samsunga", ["Samsunga"]),
    ("und-cyrillic", "Самсунг", UNDETERMINED, "акции Самсунга", ["Самсунга"]),
    ("und-mixed-script", "Samsung", UNDETERMINED, "Samsungом", ["Samsungом"]),
    ("und-english-plural", "Orange", UNDETERMINED, "Oranges", []),
    ("und-short-name-plus-a-letter", "Sony", UNDETERMINED, "Sonya Smith", []),
    ("und-romance-ending", "Tesla", UNDETERMINED, "Teslo", []),
    # what takes none: short aliases, ordinary words, lowercase words, digits, a '*', the config saying so
    ("short-alias", "Arm", "de", "den Armen, the Army", []),
    ("ordinary-word", "Bolt", "hu", "A Boltban", []),
    ("ordinary-word-opted-in", {"text": "Bolt", "inflect": True}, "hu", "A Bolttal", ["Bolttal"]),
    ("lowercase-word", "Магнит", "ru", "притяжение магнита, сеть Магнита", ["Магнита"]),
    ("all-capitals", "Renault", "hr", "RENAULTA", ["RENAULTA"]),
    ("digits", "Samsung", "hr", "Samsung5G", []),
    ("wildcard-as-before", "Orlen*", "pl", "Zarząd Orlenu", ["Orlenu"]),
    ("alias-opts-out", {"text": "Samsung", "inflect": False}, "hr", "Kupci Samsunga", []),
    ("camel-case", "eBay", "hr", "prodaja na eBayu, na ebayu", ["eBayu"]),
    ("case-sensitive", {"text": "Apple", "case_sensitive": True}, "fi", "Applen ja applen", ["Applen"]),
    ("last-word-of-a-phrase", "Deutsche Telekom", "hr", "vlasništvo Deutsche Telekoma", ["Deutsche Telekoma"]),
    ("hyphenated-name", "Coca-Cola", "pl", "akcje Coca-Coli", ["Coca-Coli"]),
]


@pytest.mark.parametrize(
    ("alias", "language", "text", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_case(alias: str | dict[str, Any], language: str | None, text: str, expected: list[str]) -> None:
    assert surfaces(alias, language, text) == expected


def test_entity_opts_out_for_its_aliases_and_an_alias_overrides_it() -> None:
    aliases = [{"text": "Samsung"}, {"text": "Самсунг", "inflect": True}]
    assert surfaces(aliases[0], "hr", "Kupci Samsunga", inflect=False) == []
    config = EntityConfig(name="E", aliases=aliases, inflect=False)
    found = Matcher.build([config]).match({"title": "Samsunga и Самсунга"}, language="sr")
    assert [hit.text for match in found for hit in match.hits] == ["Самсунга"]


def test_exclude_and_require_any_still_decide() -> None:
    nokia = EntityConfig(name="Nokia", aliases=["Nokia"], exclude=["Nokian Renkaat"])
    apple = EntityConfig(name="Apple", aliases=[AliasConfig(text="Apple", case_sensitive=True)], require_any=["iPhone"])
    matcher = Matcher.build([nokia, apple])
    assert matcher.match({"title": "Nokian Renkaat julkaisi tuloksensa"}, language="fi") == []
    assert [m.entity for m in matcher.match({"title": "Nokian osakkeet"}, language="fi")] == ["Nokia"]
    assert matcher.match({"title": "Applen tulos"}, language="fi") == []
    assert [m.entity for m in matcher.match({"title": "Applen iPhone"}, language="fi")] == ["Apple"]


def grid_counts(matcher: Matcher, language: str | None, rows: Sequence[dict[str, Any]]) -> tuple[int, int, int]:
    found = wrong = missed = 0
    for row in rows:
        language_of = row["lang"] if language == "item" else language
        got = {match.entity for match in matcher.match({"title": row["title"]}, language=language_of)}
        expected = set(row["expected"])
        found, wrong, missed = found + len(got & expected), wrong + len(got - expected), missed + len(expected - got)
    return found, wrong, missed


def test_grid_with_the_items_language() -> None:
    """tests/data/matcher/inflections.jsonl: no wrong entity, and the names found but for an ordinary word's."""
    matcher = Matcher.build(neutral_entities("inflections.entities.yaml"))
    found, wrong, missed = grid_counts(matcher, "item", GRID)
    assert wrong == 0
    bolt = sum(1 for row in GRID if "Bolt" in row["expected"] and row["title"].split()[-1] != "Bolt")
    assert missed <= bolt, (found, missed)
    assert len({row["lang"] for row in GRID}) >= 20 and len(GRID) >= 300


def test_grid_undetermined_is_precise_and_finds_more_than_no_language() -> None:
    matcher = Matcher.build(neutral_entities("inflections.entities.yaml"))
    found, wrong, _missed = grid_counts(matcher, UNDETERMINED, GRID)
    before, _, _ = grid_counts(matcher, None, GRID)
    assert wrong == 0
    assert found > 2 * before


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
def test_shared_examples_stay_right_with_their_language(example: dict[str, Any]) -> None:
    matcher = Matcher.build(neutral_entities("entities.yaml"))
    fields = {name: visible_text(example[name]) for name in ("title", "summary", "content") if name in example}
    for language in (example["lang"], UNDETERMINED):
        assert sorted(m.entity for m in matcher.match(fields, language=language)) == sorted(example["expected"])


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("Korea*", "already lets the word go on"),
        ("삼성", "script without spaces"),
        ("Mi", "fewer than 3 letters"),
        ("Galaxy S24", "does not end with a letter"),
    ],
)
def test_inflect_true_where_no_ending_can_follow_is_a_config_error(tmp_path: Path, alias: str, message: str) -> None:
    path = tmp_path / "config.yaml"
    document = {"entities": [{"name": "E", "aliases": [{"text": alias, "inflect": True}]}]}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert message in str(error.value) and "inflect: true" in str(error.value)


def test_inflect_must_be_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("entities:\n  - name: E\n    inflect: sometimes\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="inflect"):
        load_config(path)


def test_fingerprint_changes_only_when_inflect_is_set() -> None:
    """An entity that says nothing of `inflect` keeps the fingerprint it had (no backfill of every entity)."""
    plain = EntityConfig(name="E", aliases=["Renault"])
    old = json.dumps(
        {"aliases": [{"text": "Renault", "case_sensitive": False}], "exclude": [], "require_any": []},
        sort_keys=True,
        ensure_ascii=False,
    )
    assert plain.fingerprint == hashlib.sha256(old.encode()).hexdigest()
    assert EntityConfig(name="E", aliases=["Renault"], inflect=False).fingerprint != plain.fingerprint
    assert EntityConfig(name="E", aliases=[{"text": "Renault", "inflect": False}]).fingerprint != plain.fingerprint


def test_parse_workers_build_the_same_matcher_from_the_spec() -> None:
    entities = [
        EntityConfig(name="A", aliases=["Renault", {"text": "Bolt", "inflect": True}]),
        EntityConfig(name="B", aliases=["Samsung"], inflect=False),
    ]
    rebuilt = Matcher.build([_entity(*spec) for spec in entity_spec(entities)])
    fields = {"title": "Renaulta, Bolta i Samsunga"}
    found = rebuilt.match(fields, language="hr")
    assert found == Matcher.build(entities).match(fields, language="hr")
    assert [hit.text for match in found for hit in match.hits] == ["Renaulta", "Bolta"]


def test_language_tags_choose_their_table() -> None:
    assert endings_for("sr-Latn") is not None and "om" in endings_for("sr-Latn").by_tail[""]  # type: ignore[union-attr]
    assert endings_for("fi_FI") is not None and "n" in endings_for("fi_FI").by_tail[""]  # type: ignore[union-attr]
    assert endings_for("en-GB") is None and endings_for("zh") is None
    assert endings_for("") is endings_for(UNDETERMINED)


def test_ordinary_words_are_the_ones_wordfreq_gives_now() -> None:
    """watcher/match/data/ordinary-words.txt and prefixed-words.txt as scripts/build_ordinary_words.py writes them
    with this wordfreq."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_ordinary_words", ROOT / "scripts" / "build_ordinary_words.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = (ROOT / "watcher" / "match" / "data" / "ordinary-words.txt").read_text(encoding="utf-8")
    assert shipped == script.text(), "run scripts/build_ordinary_words.py"
    assert "orange" in shipped.split() and "samsung" not in shipped.split()
    assert "טבע" in shipped.split() and "שיאומי" not in shipped.split()  # nature; Xiaomi
    prefixed = (ROOT / "watcher" / "match" / "data" / "prefixed-words.txt").read_text(encoding="utf-8")
    assert prefixed == script.prefixed_text(shipped), "run scripts/build_ordinary_words.py"
    assert "ل بنان" in prefixed.splitlines()


def test_ordinary_words_are_looked_up_in_the_sorted_file() -> None:
    """ordinary_word searches the file's sorted lines (no set made at each start): every word of the file is found,
    and nothing else, the header's comment and words next to the file's own included."""
    shipped = (ROOT / "watcher" / "match" / "data" / "ordinary-words.txt").read_text(encoding="utf-8")
    words = [line for line in shipped.splitlines() if line and not line.startswith("#")]
    encoded = [word.encode("utf-8") for word in words]
    assert encoded == sorted(encoded) and len(set(words)) == len(words) > 20_000
    assert all(ordinary_word(word) for word in words)
    near = [word[:-1] for word in words] + [word + "z" for word in words] + ["", "#", shipped.splitlines()[0]]
    assert not any(ordinary_word(word) for word in near if word not in set(words))
    assert sorted_line(b"# a comment\nb\nd\nf\n", b"d") and not sorted_line(b"# a comment\nb\nd\nf\n", b"c")
    assert not sorted_line(b"# a comment\nb\nd\nf\n", b"# a comment") and not sorted_line(b"", b"a")


def test_match_command_reads_the_items_language(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("entities:\n  - name: Renault\n", encoding="utf-8")

    def entities(stdin: str, *args: str) -> list[list[str]]:
        result = CliRunner().invoke(main, ["--config", str(path), "match", *args], input=stdin)
        assert result.exit_code == 0, result.output
        return [json.loads(line)["entities"] for line in result.output.splitlines()]

    lines = '{"title": "Renaultom"}\n{"title": "Renaultom", "language": "en"}\n{"title": "Renaultin"}\n'
    assert entities(lines) == [["Renault"], [], []]  # undetermined: Slavic "-om", not the Finnish "-in"
    assert entities(lines, "--language", "fi") == [[], [], ["Renault"]]
    assert entities(lines, "--language", "none") == [[], [], []]
