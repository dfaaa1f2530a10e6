"""Write watcher/analyze/data/cldr_cities.json: the capitals and big cities of data/cities.json by the names CLDR's
time-zone exemplar cities give them (via babel) in the scripts GeoNames' table leaves out (scripts/build_city_names.py
keeps Latin, Cyrillic, Greek, Arabic, Hebrew, CJK, Hangul, kana, Devanagari, Bengali and Thai).

A report in Amharic, Georgian, Tamil or Khmer names the city as often as the country ("በአዲስ አበባ", "თბილისში"), and
GeoNames has few names in those scripts; CLDR names each time zone's exemplar city in every locale, with its country
(babel's zone_territories). Only the zones whose city is already in data/cities.json are taken (a capital or a city
of 450,000 people or more, by its English name), so no small town's name, and none that is a word there by rule
(that table's list of everyday words left them out already).

Run after upgrading babel or rebuilding cities.json: `.venv/bin/python scripts/build_cldr_city_names.py`, then
`scripts/build_finder_tables.py`. tests/test_analyze_cldr_cities.py checks the file is what the pinned babel builds.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from babel import Locale
from babel.core import get_global

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_territory_names import LOCALES

DATA = Path(__file__).resolve().parent.parent / "watcher" / "analyze" / "data"
OUTPUT = DATA / "cldr_cities.json"
# Scripts GeoNames' table (cities.json) covers already: names there come from it, not from here.
COVERED = ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "CJK", "HANGUL", "KATAKANA", "HIRAGANA", "DEVANAGARI",
           "BENGALI", "THAI")  # fmt: skip


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def _script(name: str) -> str:
    first = next((ch for ch in name if ch.isalpha()), "")
    return unicodedata.name(first, "?").split()[0] if first else "?"


def _country_names() -> set[str]:
    territories = json.loads((DATA / "territories.json").read_text(encoding="utf-8"))
    return {
        _fold(value.replace("*", ""))
        for tables in territories.values()
        for kind in tables.values()
        for values in kind.values()
        for value in values
    }


def build() -> dict[str, dict[str, list[str]]]:
    """locale → ISO code → its cities' names in that locale, in the scripts cities.json leaves out."""
    cities = json.loads((DATA / "cities.json").read_text(encoding="utf-8"))
    known = {code: {_fold(name) for name in names} for code, names in cities.items()}
    zones: dict[str, str] = get_global("zone_territories")
    english = Locale("en").time_zones
    # A zone of a city cities.json has: CLDR's English exemplar city, else the zone's own ("Asia/Tbilisi").
    kept = {
        zone: code
        for zone, code in zones.items()
        if _fold(english.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")) in known.get(code, ())
    }
    country_names = _country_names()
    table: dict[str, dict[str, list[str]]] = {}
    for locale in LOCALES:
        owners: dict[str, set[str]] = {}  # a name in this locale → the countries it names a city of
        for zone, code in kept.items():
            written = Locale.parse(locale).time_zones.get(zone, {}).get("city") or ""
            name = " ".join(written.split()).strip("\u200c\u200d")  # CLDR's Malayalam ends some with a non-joiner
            if name and _script(name) not in COVERED and _fold(name) not in country_names:
                owners.setdefault(name, set()).add(code)
        for name, codes in owners.items():
            if len(codes) == 1:  # two countries' cities of one name are neither's
                table.setdefault(locale, {}).setdefault(next(iter(codes)), []).append(name)
    return {
        locale: {code: sorted(names) for code, names in sorted(countries.items())}
        for locale, countries in sorted(table.items())
    }


def output() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def main() -> None:
    text = output()
    OUTPUT.write_text(text, encoding="utf-8")
    table = json.loads(text)
    print(f"{sum(len(names) for countries in table.values() for names in countries.values())} names in "
          f"{len(table)} locales")  # fmt: skip


if __name__ == "__main__":
    main()
