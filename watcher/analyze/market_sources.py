"""The data MarketFinder's table is built from, as shipped in watcher/analyze/data: CLDR's country names and
adjectives in every language and its short and variant names, English demonyms, the cities and the states."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from watcher.match.fold import fold

SOURCES = ("territories.json", "territory_alt_names.json", "cities.json", "subdivisions.json", "cldr_cities.json")


@cache
def territory_names() -> dict[str, dict[str, dict[str, list[str]]]]:
    """locale → {"names": {code: [...]}, "adjectives": {code: [...]}}: CLDR's territory names, and the country's
    own language name where it doubles as the adjective ("coreano", "Deutsch")."""
    data = resources.files("watcher.analyze").joinpath("data", "territories.json").read_text(encoding="utf-8")
    return json.loads(data)


@cache
def alternate_names() -> dict[str, dict[str, list[str]]]:
    """locale → {code: [...]}: CLDR's short and variant names ("ABD", "Fildişi Sahili", "Türkiye", "Myanmar"), which
    babel leaves out (data/territory_alt_names.json says where they come from)."""
    data = resources.files("watcher.analyze").joinpath("data", "territory_alt_names.json").read_text(encoding="utf-8")
    return json.loads(data)["names"]


@cache
def english_demonyms() -> dict[str, list[str]]:
    """code → English adjectives CLDR's language names leave out ("Ethiopian", "Nigerian", "Emirati"): as exact words,
    "Nigerian" is NG's, not a run-on of "Niger*" (NE)."""
    data = resources.files("watcher.analyze").joinpath("data", "english_demonyms.json").read_text(encoding="utf-8")
    return {code: values for code, values in json.loads(data).items() if not code.startswith("_")}


def city_names() -> dict[str, list[str]]:
    """ISO code → names of its capital and its big cities (data/cities.json, scripts/build_city_names.py)."""
    data = resources.files("watcher.analyze").joinpath("data", "cities.json").read_text(encoding="utf-8")
    return json.loads(data)


def cldr_city_names() -> dict[str, dict[str, list[str]]]:
    """locale → ISO code → names of its capital and big cities in the scripts cities.json leaves out (Amharic
    "አዲስ አበባ", Georgian "თბილისი": CLDR's time-zone exemplar cities, scripts/build_cldr_city_names.py)."""
    data = resources.files("watcher.analyze").joinpath("data", "cldr_cities.json").read_text(encoding="utf-8")
    return json.loads(data)


def subdivision_names() -> dict[str, list[str]]:
    """ISO code → names of its states and provinces (data/subdivisions.json, scripts/build_subdivision_names.py)."""
    data = resources.files("watcher.analyze").joinpath("data", "subdivisions.json").read_text(encoding="utf-8")
    return json.loads(data)


@cache
def names_folded() -> frozenset[str]:
    """Every CLDR name and variant of every country in every language, folded."""
    tables = [tables["names"] for tables in territory_names().values()] + list(alternate_names().values())
    return frozenset(fold(value) for table in tables for values in table.values() for value in values)
