"""The shared matching examples (tests/data/matcher, a copy of ../shared/matcher) through watcher's own config.

entities.yaml is written in a neutral form; `shared_config` translates it into watcher's config.yaml and
loads it with the real loader, so the examples exercise exactly what an operator would configure.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from watcher.config import Config, load_config
from watcher.match.fold import fold
from watcher.match.matcher import Matcher
from watcher.match.results import EntityMatch
from watcher.parse.text import visible_text

DATA = Path(__file__).resolve().parent / "data" / "matcher"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "matcher"
EXAMPLES = [json.loads(line) for line in (DATA / "examples.jsonl").read_text(encoding="utf-8").splitlines() if line]
FIELDS = ("title", "summary", "content")


def translate_entities(neutral: dict[str, Any]) -> dict[str, Any]:
    """The neutral entities.yaml as a watcher config.yaml document (refusing anything it does not know)."""
    entities = []
    for entity in neutral["entities"]:
        unknown = set(entity) - {"name", "aliases", "exclude", "require_any"}
        assert not unknown, f"entities.yaml has keys this translation does not know: {unknown}"
        aliases = []
        for alias in entity.get("aliases", []):
            if isinstance(alias, str):
                aliases.append(alias)
            else:
                assert set(alias) <= {"text", "case_sensitive"}, alias
                aliases.append({"text": alias["text"], "case_sensitive": bool(alias.get("case_sensitive", False))})
        entities.append(
            {
                "name": entity["name"],
                "aliases": aliases,
                "exclude": list(entity.get("exclude", [])),
                "require_any": list(entity.get("require_any", [])),
            }
        )
    return {"entities": entities}


@pytest.fixture(scope="module")
def shared_config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    neutral = yaml.safe_load((DATA / "entities.yaml").read_text(encoding="utf-8"))
    path = tmp_path_factory.mktemp("matcher") / "config.yaml"
    path.write_text(yaml.safe_dump(translate_entities(neutral), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_config(path)


@pytest.fixture(scope="module")
def matcher(shared_config: Config) -> Matcher:
    return Matcher.build(shared_config.entities)


def item_fields(example: dict[str, Any]) -> dict[str, str]:
    """What the pipeline hands the matcher: the visible text of each field."""
    return {name: visible_text(example[name]) for name in FIELDS if name in example}


def run(matcher: Matcher, example: dict[str, Any]) -> tuple[dict[str, str], list[EntityMatch]]:
    fields = item_fields(example)
    return fields, matcher.match(fields)


def test_translated_config_keeps_every_entity_and_option(shared_config: Config) -> None:
    by_name = {entity.name: entity for entity in shared_config.entities}
    assert list(by_name) == ["Samsung", "Nestlé", "Apple", "Germany", "Mergers"]
    apple = by_name["Apple"]
    assert [(a.text, a.case_sensitive) for a in apple.aliases] == [
        ("Apple", True),
        ("苹果公司", False),
        ("애플", False),
    ]
    assert "Tim Cook" in apple.require_any
    assert by_name["Samsung"].exclude == ["三星堆"]
    assert by_name["Germany"].exclude == ["German shepherd", "pastore tedesco"]


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/matcher is not mounted")
@pytest.mark.parametrize("name", ["entities.yaml", "examples.jsonl"])
def test_fixture_copy_is_current(name: str) -> None:
    assert (DATA / name).read_bytes() == (SHARED / name).read_bytes()


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
def test_example(matcher: Matcher, example: dict[str, Any]) -> None:
    _, found = run(matcher, example)
    assert sorted(match.entity for match in found) == sorted(example["expected"])


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["id"] for example in EXAMPLES])
def test_example_evidence_points_at_the_alias(matcher: Matcher, example: dict[str, Any]) -> None:
    fields, found = run(matcher, example)
    for match in found:
        assert match.hits, match
        for hit in match.hits:
            assert hit.entity == match.entity
            assert fields[hit.field][hit.start : hit.end] == hit.text
            assert fold(hit.alias.replace("*", "")) in fold(hit.text)


# Where exactly the examples match: the surface text of each hit, per entity.
SURFACES = {
    "s2": {"Samsung": [("title", "삼성"), ("summary", "삼성")]},
    "s4": {"Samsung": [("title", "三星"), ("summary", "三星")]},
    "s5": {"Samsung": [("title", "САМСУНГ")]},
    "s6": {"Samsung": [("title", "SAMSUNG")]},
    "n2": {"Nestlé": [("title", "Nestle")]},
    "n4": {"Nestlé": [("title", "Nestlé")]},
    "n5": {"Nestlé": [("title", "ＮＥＳＴＬＥ")]},
    "a1": {"Apple": [("title", "Apple")]},
    "a4": {"Apple": [("title", "苹果公司")]},
    "g1": {"Germany": [("title", "tedesco"), ("summary", "Germania")]},
    "g3": {"Germany": [("title", "Deutsche")], "Mergers": [("summary", "Übernahme")]},
    "m1": {"Mergers": [("title", "Fusione"), ("summary", "acquisizione")]},
    "m3": {"Mergers": [("title", "acquisition"), ("summary", "merger")], "Samsung": [("title", "Samsung")]},
    "m4": {
        "Mergers": [("title", "fusions"), ("title", "acquisitions")],
        "Germany": [("title", "Allemagne"), ("summary", "allemand")],
    },
}


@pytest.mark.parametrize("example_id", sorted(SURFACES))
def test_example_surfaces(matcher: Matcher, example_id: str) -> None:
    example = next(e for e in EXAMPLES if e["id"] == example_id)
    _, found = run(matcher, example)
    surfaces = {match.entity: [(hit.field, hit.text) for hit in match.hits] for match in found}
    assert surfaces == SURFACES[example_id]


def test_alias_in_an_attribute_is_not_text(matcher: Matcher) -> None:
    # n3, and the same with the alias only in the link text versus only in the URL.
    html = '<a href="https://www.nestle.com/">Nestlé</a> <img src="https://nestle.example/x.png">'
    found = matcher.match({"summary": visible_text(html)})
    assert [(m.entity, [h.text for h in m.hits]) for m in found] == [("Nestlé", ["Nestlé"])]
    assert matcher.match({"summary": visible_text('<a href="https://www.samsung.com/">more</a>')}) == []


def test_entities_decoded_before_matching(matcher: Matcher) -> None:
    fields = {"title": visible_text("Nestl&eacute; &amp; Samsung&#8217;s deal")}
    found = matcher.match(fields)
    assert fields["title"] == "Nestlé & Samsung’s deal"
    assert sorted(m.entity for m in found) == ["Nestlé", "Samsung"]
