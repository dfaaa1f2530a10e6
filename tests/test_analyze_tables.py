"""The market and cue finders' tables shipped in watcher/analyze/data are what scripts/build_finder_tables.py builds
from the sources now, a finder made from them is the finder built live, and a table whose sources changed is not
used (watcher/analyze/tables.py)."""

from __future__ import annotations

import importlib.util
import json
import logging
import pickle
import subprocess
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from watcher.analyze import cues, market_names, markets, sentences, tables
from watcher.analyze.evaluation import load_labelled
from watcher.match.matcher import Matcher
from watcher.match.table import select_table

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "tests" / "data" / "stories"


def build_script() -> ModuleType:
    script = ROOT / "scripts" / "build_finder_tables.py"
    spec = importlib.util.spec_from_file_location("build_finder_tables", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_tables_are_what_the_script_builds() -> None:
    # After a change to the names, the cue tables or how phrases are compiled, the tables are made again:
    # `.venv/bin/python scripts/build_finder_tables.py`. Until then a table whose sources changed is not used.
    built = build_script().outputs()
    assert sorted(path.name for path in built) == sorted([tables.MARKETS, tables.CUES, tables.CUES_YAML])
    for path, (table, key) in built.items():
        assert tables.shipped(path.name, key) is not None, f"{path.name} is stale: run scripts/build_finder_tables.py"
        # As JSON text: in its order too (a finder's rows follow the order of the cue tables and the names); a packed
        # column's buffer (watcher/match/packed.py) as its bytes in hex.
        found, expected = tables.loads(path.read_bytes()), tables.plain({"key": key, **table})
        as_text = {"ensure_ascii": False, "default": bytes.hex}
        assert json.dumps(found, **as_text) == json.dumps(expected, **as_text), (
            f"{path.name} is not what the code builds now: run scripts/build_finder_tables.py"
        )


class _Runs:
    """Pickled as a call of subprocess.run: what a table must never make its reader do."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return subprocess.run, (["touch", "/nonexistent/made-by-a-table"],)


def test_a_table_is_plain_data_or_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    for made in ({"key": "k", "wait": timedelta(days=1)}, {"key": "k", "run": _Runs()}):
        data = pickle.dumps(made, protocol=5)
        with pytest.raises(pickle.UnpicklingError, match="not plain data"):
            tables.loads(data)
        monkeypatch.setattr(tables, "data_bytes", lambda name, data=data: data)
        assert tables.shipped(tables.MARKETS, "k") is None  # built live instead
    plain = {"key": "k", "names": ["Corea del Sud", "Corea del Sud", None, 3, 1.5, True, {"KR": ["name"]}]}
    monkeypatch.setattr(tables, "data_bytes", lambda name: tables.dumps(plain))
    assert tables.shipped(tables.MARKETS, "k") == plain
    monkeypatch.setattr(tables, "data_bytes", lambda name: tables.dumps(plain)[:-9])  # cut short
    assert tables.shipped(tables.MARKETS, "k") is None


def same_matcher(found: Matcher, expected: Matcher) -> None:
    assert found.entities == expected.entities
    assert found.columns == expected.columns
    assert found.has_require == expected.has_require
    keys = range(len(expected.made))
    assert [found.patterns(key) for key in keys] == [expected.patterns(key) for key in keys]


def texts() -> list[tuple[str, str]]:
    rows = [row for name in ("dev.jsonl", "heldout9.jsonl", "heldout10.jsonl") for row in load_labelled(STORIES / name)]
    return [(row["lang"], f"{row['title']}. {row['summary'][:400]}") for row in rows]


def test_the_market_finder_from_its_table_is_the_one_built_live() -> None:
    shipped = tables.shipped(tables.MARKETS, markets.table_key())
    assert shipped is not None
    found, live = markets.MarketFinder(shipped), markets.MarketFinder()
    same_matcher(found.matcher, live.matcher)
    assert found.exact == live.exact
    assert found.cities.parts() == live.cities.parts() and set(vars(found.cities)) == set(vars(live.cities))
    assert set(vars(found)) == set(vars(live))
    for _language, text in texts():
        assert found.find(text) == live.find(text), text


def test_a_country_s_name_is_told_from_its_adjective_and_from_other_words() -> None:
    finder = markets.market_finder()  # "Korea" is also German's adjective ("Korea-"), a name still
    names = ["Korea", "corea del sud", "South Korea*", "Deutschland", "TÜRKIYE", "日本"]
    assert all(finder.is_country_name(text) for text in names)
    assert not any(
        finder.is_country_name(text) for text in ["Korean", "koreanische", "German", "japanisch*", "Samsung"]
    )


def typed(value: Any) -> Any:
    """`value` with the type of every part of it: JSON's copy must not turn a YAML number into a string."""
    if isinstance(value, dict):
        return {typed(name): typed(item) for name, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def test_the_cue_finder_from_its_tables_is_the_one_built_live() -> None:
    shipped_yaml = tables.shipped(tables.CUES_YAML, cues.yaml_key())
    assert shipped_yaml is not None
    assert typed(shipped_yaml["tables"]) == typed(cues.read_yaml())
    shipped = tables.shipped(tables.CUES, cues.table_key())
    assert shipped is not None
    found, live = sentences.CueFinder(shipped["matcher"]), sentences.CueFinder()
    same_matcher(Matcher.from_table(found.table), Matcher.from_table(live.table))
    assert found.languages == live.languages
    assert set(vars(found)) == set(vars(live))
    for language, text in texts():
        assert found.find(text, language) == live.find(text, language), text
    assert found.readers.keys() == live.readers.keys() and len(found.readers) > 20  # a reader for each language read


def test_a_language_s_cues_are_those_the_whole_table_finds_in_its_languages() -> None:
    # Each language's automaton (made when an item in it is first read) holds its phrases, its sisters' and every
    # language's: it finds what one automaton of every phrase finds of them, in the same order.
    finder = sentences.cue_finder()
    whole = Matcher.from_table(finder.table)
    for language, text in [*texts(), ("xx", "Samsung übernimmt Harman and enters Vietnam; ایران را ترک کرد")]:
        base = sentences.cue_language_of(language)
        read = ("*", base, *sentences._SISTERS.get(base, ())) if base in finder.languages else None
        found = whole.match({"text": text})
        expected = [match for match in found if read is None or match.entity.split("|")[1] in read]
        assert finder.reader(base).matcher.match({"text": text}) == expected, (language, text)


def test_a_table_selected_finds_what_the_whole_finds_of_its_entities() -> None:
    shipped = tables.shipped(tables.MARKETS, markets.table_key())
    assert shipped is not None
    table = shipped["matcher"]
    whole = Matcher.from_table(table)
    index = {name: position for position, name in enumerate(whole.entities)}
    for every in (1, 3, 7):
        part = Matcher.from_table(select_table(table, range(0, len(table["entities"]), every)))
        assert part.entities == whole.entities
        assert len(part.made) < len(whole.made) or every == 1
        for _language, text in texts():
            expected = [found for found in whole.match({"text": text}) if index[found.entity] % every == 0]
            assert part.match({"text": text}) == expected, text
    nothing = Matcher.from_table(select_table(table, []))
    assert nothing.automaton is None and nothing.match({"text": "Corea del Sud"}) == []


def test_a_large_table_in_parts_finds_what_one_automaton_finds() -> None:
    # The country names' automaton is made in parts as texts need them: an English text makes only the part of keys
    # that start with ASCII; what is found, and in what order, is what one automaton finds.
    shipped = tables.shipped(tables.MARKETS, markets.table_key())
    assert shipped is not None
    table = shipped["matcher"]
    whole, parted = Matcher.from_table(table), Matcher.from_table(table, in_parts=True)
    assert whole.parts is None and parted.parts is not None and parted.automaton is None
    assert parted.match({"text": "Samsung enters Corea del Sud — “at last” · Ørsted"})
    assert [automaton is not None for automaton in parted.parts.automata] == [True, False]  # ASCII's alone
    mixed = ["Xiaomi 进入韩国 and Южной Кореи, كوريا الجنوبية", "Deutschland und 日本 und Κορέα", "ሀገር ኢትዮጵያ 🇪🇹"]
    for text in [*(text for _language, text in texts()), *mixed]:
        fields = {"title": text[:80], "summary": text}
        assert parted.match(fields) == whole.match(fields), text
    assert [automaton is not None for automaton in parted.parts.automata] == [True, True]


def test_a_table_is_used_only_for_the_sources_it_was_made_from(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    keys = {"markets": markets.table_key(), "cues": cues.table_key(), "cues.yaml": cues.yaml_key()}
    assert tables.shipped(tables.MARKETS, keys["markets"]) is not None

    def changed() -> set[str]:
        now = {"markets": markets.table_key(), "cues": cues.table_key(), "cues.yaml": cues.yaml_key()}
        return {table for table, key in now.items() if key != keys[table]}

    read_data, read_code = tables.data_bytes, tables.code
    edits = [("territories.json", {"markets"}), ("cities.json", {"markets"}), ("cues.yaml", {"cues", "cues.yaml"})]
    for file, stale in edits:  # a byte more in a data file
        monkeypatch.setattr(tables, "data_bytes", lambda name, file=file: read_data(name) + b" " * (name == file))
        assert changed() == stale, file
    monkeypatch.setattr(tables, "data_bytes", read_data)
    code_edits = [("watcher.match.fold", {"markets", "cues"}), ("watcher.match.table", {"markets", "cues"}),
                  ("watcher.match.words", {"markets", "cues"}), ("watcher.match.chars", {"markets", "cues"}),
                  ("watcher.analyze.cues", {"cues"}),
                  ("watcher.analyze.markets", {"markets"}), ("watcher.analyze.market_names", {"markets"}),
                  ("watcher.analyze.market_table", {"markets"}), ("watcher.analyze.cities", {"markets"})]  # fmt: skip
    for module, stale in code_edits:  # an edit to the code that builds a table
        monkeypatch.setattr(
            tables, "code", lambda name, module=module: (read_code(name) or b"") + b"#" * (name == module)
        )
        assert changed() == stale, module
    assert tables.key(b"a", b"b") != tables.key(b"ab")

    # A name added in market_names.py (an edit above): the finder is built from the sources, and knows it.
    monkeypatch.setitem(market_names.EXTRA_NAMES, "KR", [*market_names.EXTRA_NAMES["KR"], "Hanguk"])
    markets.market_finder.cache_clear()
    try:
        with caplog.at_level(logging.INFO, logger="watcher.analyze.tables"):
            finder = markets.market_finder()
        assert "analyze.stale_table" in caplog.messages
        assert [hit.code for hit in finder.find("Samsung returns to Hanguk")] == ["KR"]
    finally:
        markets.market_finder.cache_clear()
