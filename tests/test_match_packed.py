"""A packed MatcherTable (watcher/match/packed.py) reads as the plain one it was packed from, and its Matcher finds the
same; SortedMap answers as the dict it was made of."""

from __future__ import annotations

import pickle

from watcher.analyze.tables import loads
from watcher.config import EntityConfig
from watcher.match.matcher import Matcher
from watcher.match.packed import SortedMap, Texts, columns, pack
from watcher.match.table import COLUMNS, compile_table, select_table, values_at

ENTITIES = [
    EntityConfig.model_validate(entity)
    for entity in [
        {"name": "Samsung", "aliases": ["Samsung", "삼성", "سامسونج"]},
        {
            "name": "Renault",
            "aliases": ["Renault", {"text": "RNO", "case_sensitive": True}],
            "exclude": ["Renault Sport"],
        },
        {"name": "Korea", "aliases": ["Corea del Sud", "Südkorea*", "Южн* Коре*", "韩国"]},
        {"name": "Tesla", "aliases": ["Tesla"], "require_any": ["car", "EV"]},
    ]
]
TEXTS = [
    "Samsung und Renault in Südkoreas Markt; 삼성 and سامسونج",
    "RNO up, rno down; Renault Sport wins",
    "Tesla cars arrive in Corea del Sud and Южной Кореи; 韩国",
    "Tesla's shares rise",
]


def test_a_packed_table_reads_as_the_plain_one() -> None:
    plain = compile_table(ENTITIES)
    packed = loads(pickle.dumps(pack(plain), protocol=5))  # plain data: the shipped tables' reader takes it
    read = columns(packed)
    for name in (*COLUMNS, "keys", "key_starts"):
        assert list(read[name]) == plain[name], name
        assert [read[name][row] for row in range(-len(plain[name]), 0)] == plain[name], name  # from the end too
    assert read["rest"][1:3] == plain["rest"][1:3]
    assert all(isinstance(value, bool) for value in read["start_edge"])


def test_a_packed_table_s_matcher_finds_what_the_plain_one_finds() -> None:
    plain = compile_table(ENTITIES)
    packed = pack(plain)
    for in_parts in (False, True):
        found, expected = Matcher.from_table(packed, in_parts=in_parts), Matcher.from_table(plain, in_parts=in_parts)
        assert (found.inflects, found.joins) == (expected.inflects, expected.joins) == (True, True)
        for text in TEXTS:
            fields = {"title": text, "summary": text}
            assert found.match(fields, language="de") == expected.match(fields, language="de"), text
            assert found.match(fields) == expected.match(fields), text
        keys = range(len(expected.made))
        assert [found.patterns(key) for key in keys] == [expected.patterns(key) for key in keys]
    assert select_table(packed, [0, 2]) == select_table(plain, [0, 2])


def test_texts_hold_none_apart_from_the_empty_string() -> None:
    values = ["", None, "Corea", None, "韩国"]
    packed = pack({**compile_table([]), "rest": values})["rest"]
    texts = Texts(*packed)
    assert list(texts) == values and len(texts) == 5 and texts[-1] == "韩国"
    assert Texts(*pack({**compile_table([]), "rest": ["a", "b"]})["rest"]).absent == b""  # nothing absent


def test_a_sorted_map_answers_as_its_dict() -> None:
    values = {"korea": ["KR:name"], "corea del sud": ["KR:name"], "baltic": ["EE LV LT:region", "x"], "한국": ["KR"]}
    found = SortedMap(SortedMap.pack(values))
    for key, kinds in values.items():
        assert found.get(key) == tuple(kinds)
    for missing in ("", "kore", "koreaa", "a", "zzz", "한", "corea del"):
        assert found.get(missing) == ()
    assert SortedMap(SortedMap.pack({})).get("korea") == ()
    assert found == SortedMap(SortedMap.pack(dict(reversed(values.items()))))  # sorted: the same lines


def test_a_sorted_map_finds_each_key_of_many_blocks() -> None:
    values = {f"{word}{index}": [f"C{index % 7}"] for index in range(1000) for word in ("kyiv", "київ", "a")}
    found = SortedMap(SortedMap.pack(values))
    assert len(found.firsts) > 50  # many blocks
    assert all(found.get(key) == tuple(kinds) for key, kinds in values.items())
    for missing in ("kyiv", "kyiv1000", "a00", "київ-1", "b", "", "zz"):
        assert found.get(missing) == (), missing


def test_a_sorted_map_of_whole_blocks_starts_each_block_at_its_first_key() -> None:
    for count in (SortedMap.BLOCK - 1, SortedMap.BLOCK, SortedMap.BLOCK + 1, 3 * SortedMap.BLOCK):
        values = {f"ville {index:03d}": [f"C{index}"] for index in range(count)}
        found = SortedMap(SortedMap.pack(values))
        assert len(found.starts) == len(found.firsts) + 1 and found.starts[-1] == len(found.lines), count
        blocks = zip(found.starts[:-1], found.firsts, strict=True)
        assert all(found.lines[start:].startswith(first + b"\t") for start, first in blocks)
        assert all(found.get(key) == tuple(kinds) for key, kinds in values.items())


def test_texts_give_many_rows_at_once_as_one_at_a_time() -> None:
    values = ["Corea", None, "", "韩国", None, "Korea"]
    texts = Texts(*pack({**compile_table([]), "rest": values})["rest"])
    rows = [5, 0, 1, 3, 3, 2]
    assert texts.take(rows) == [texts[row] for row in rows] == ["Korea", "Corea", None, "韩国", "韩国", ""]
    assert values_at(texts, rows) == values_at(values, rows)
    present = Texts(*pack({**compile_table([]), "rest": ["a", "bc"]})["rest"])  # no row absent: the other loop
    assert present.take([1, 0]) == ["bc", "a"]
