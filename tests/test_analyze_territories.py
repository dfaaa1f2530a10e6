"""The country and language names shipped in watcher/analyze/data are what scripts/build_territory_names.py
builds from the babel pinned in pyproject.toml (a test dependency: the daemon reads the JSON files only)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import babel

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "watcher" / "analyze" / "data"


def build_script() -> ModuleType:
    script = ROOT / "scripts" / "build_territory_names.py"
    spec = importlib.util.spec_from_file_location("build_territory_names", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_installed_babel_is_the_pinned_one() -> None:
    pinned = re.search(r'"babel==([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pinned is not None, "pyproject.toml pins babel for the names' build"
    assert babel.__version__ == pinned.group(1), "install the pinned babel: pip install -e '.[test]'"


def test_the_shipped_names_are_what_the_script_builds() -> None:
    built = build_script().outputs(DATA)
    assert sorted(path.name for path in built) == ["english_names.json", "territories.json"]
    for path, text in built.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run scripts/build_territory_names.py"


def test_the_names_hold_what_the_analysis_and_the_digest_read() -> None:
    territories = json.loads((DATA / "territories.json").read_text(encoding="utf-8"))
    assert len(territories) == 80 and "대한민국" in territories["ko"]["names"]["KR"]
    # Maltese and Irish names without CLDR's article ("il-Kambodja", "an tSín"); Irish ones lenited and eclipsed
    # too ("sa Chambóid", "i gCambóid"); no Basque adjectives.
    assert territories["mt"]["names"]["KH"] == ["Kambodja"]
    assert territories["ga"]["names"]["KH"] == ["Cambóid", "Chambóid", "gCambóid"]
    assert territories["ga"]["names"]["PE"] == ["Peiriú", "Pheiriú", "bPeiriú"]
    assert territories["eu"]["adjectives"] == {}
    assert territories["vi"]["names"]["VN"] == ["Việt Nam"] and "MX" not in territories["vi"]["names"]  # "Mê-hi-cô"
    assert "TD" not in territories["lv"]["names"]  # "Čada" is Spanish "cada"
    assert territories["ca"]["names"]["ES"] == ["Espanya"]
    assert "Ungarn" in territories["de"]["names"]["HU"] and "EU" not in territories["en"]["names"]  # not a country
    assert territories["de"]["adjectives"]["DE"] == ["Deutsch"] and "Deutsch" not in territories["de"]["names"]["DE"]
    english = json.loads((DATA / "english_names.json").read_text(encoding="utf-8"))
    assert english["countries"]["KR"] == "South Korea" and english["languages"]["ko"] == "Korean"
