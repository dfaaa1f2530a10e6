"""English names of countries and languages, for gist lines a reader of any language understands.

From CLDR (scripts/build_territory_names.py writes watcher/analyze/data/english_names.json); read from the
file, not from the analyze package, whose import loads its models.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _names() -> dict[str, dict[str, str]]:
    path = resources.files("watcher").joinpath("analyze", "data", "english_names.json")
    return json.loads(path.read_text(encoding="utf-8"))


def country_name(code: str) -> str:
    """ "South Korea" for KR; an unknown code stays as it is."""
    return _names()["countries"].get(code.upper(), code.upper())


def base_language(code: str | None) -> str | None:
    """ "en" for en-US, en_GB or EN; None for none."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower() or None


def language_name(code: str | None) -> str | None:
    """ "Korean" for ko or ko-KR; None when unknown."""
    base = base_language(code)
    return _names()["languages"].get(base) if base else None
