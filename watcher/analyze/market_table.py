"""The table MarketFinder is made of: country names and adjectives in every language as matcher aliases, built from
CLDR's names (data/territories.json, by scripts/build_territory_names.py from babel), its short and variant names
(data/territory_alt_names.json), the adjective where a country's own language name doubles as it, the names written
by hand (market_names.py), English demonyms, and the cities' finder; shipped precomputed (watcher/analyze/tables.py).

Inflected languages get a '*' after each word's stem ("Южн* Коре*" finds "Южной Кореи"), the agglutinative ones
after the whole word ("Magyarország*" finds "Magyarországon"); Arabic, Hebrew and Amharic their prefixes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from watcher.analyze import tables as shipped_tables  # `tables` names CLDR's in _entities
from watcher.analyze.arabic_adjectives import arabic_adjectives, with_and
from watcher.analyze.cities import CityFinder
from watcher.analyze.hits import lower_written
from watcher.analyze.inflections import (
    INDIC_SUFFIXED,
    abugida_forms,
    georgian_forms,
    greek_forms,
    is_abugida,
    letters,
    short_forms,
    slavic_forms,
    spellings,
)
from watcher.analyze.market_names import EXTRA_ADJECTIVES, EXTRA_NAMES, REGIONS
from watcher.analyze.market_sources import (
    SOURCES,
    alternate_names,
    city_names,
    cldr_city_names,
    english_demonyms,
    names_folded,
    subdivision_names,
    territory_names,
)
from watcher.match.fold import fold
from watcher.match.packed import SortedMap, pack
from watcher.match.table import compile_table
from watcher.match.words import written_unspaced

if TYPE_CHECKING:
    from watcher.config import EntityConfig

# Names in these languages change their ending: a '*' replaces the final vowels of each word.
_STEMMED = {"ru", "uk", "pl", "cs", "sk", "hr", "sr", "sl", "lt", "lv", "bg"}
# Albanian declines a name's end too: "Maqedonia e Veriut", "Maqedoninë e Veriut", "Shqipëri", "Shqipërisë".
_STEMMED |= {"sq"}
# ... and in these, suffixes are added to the whole word.
_SUFFIXED = {"tr", "fi", "hu", "el", "de", "nl", "sv", "da", "nb", "et", "bn"}  # Bengali: "বাংলাদেশে"
# ... as in these agglutinative languages: "அரேபியாவில்" (Tamil), "Өзбекстанда" (Kazakh), "Azərbaycanda".
_SUFFIXED |= {"ta", "te", "kn", "ml", "mr", "kk", "ky", "az", "uz", "tk", "ka", "hy", "si", "tg", "mn"}
_VOWELS = set("aeiouyąęóаеёиоуыэюяйьіїєαεηιουω")

# Three-letter names in Arabic and Hebrew script that are everyday words or given names: "סרק" (blank, Sark),
# "לאו" (no), "غنا" (sang, Persian Ghana), "هند" (Hind), "شام" (evening, Urdu Syria).
# So are "माली", "মালি" (gardener: Mali) in Indic scripts.
_SHORT_WORDS = frozenset({"סרק", "לאו", "غنا", "هند", "شام", "माली", "মালি", "માલી", "ਮਾਲੀ"})


def _stem(word: str, least: int = 5) -> str:
    stem = word
    while len(stem) > least and fold(stem[-1]) in _VOWELS:  # "český" → "česk*", "slovenský" → "slovensk*"
        stem = stem[:-1]
    return stem + "*" if len(stem) >= least else word  # shorter stems run into other words ("Samo*", "Indi*")


def _variants(name: str, language: str, adjective: bool) -> list[str]:
    if "*" in name or not any(ch.isalpha() for ch in name):
        return [name]
    if "\u02bb" in name:  # Uzbek "Oʻzbekiston" is as often written "O‘zbekiston" or "O'zbekiston"
        plain = _variants(name.replace("\u02bb", "'"), language, adjective)
        return [*plain, *(variant.replace("'", "\u02bb") for variant in plain)]
    words = name.split()
    if language == "ar" and not adjective and " " not in name:
        # Clitics written onto the name: "بالمغرب" (in Morocco), "والمغرب" (and Morocco), "للمغرب" (to Morocco).
        rest = name[2:] if name.startswith("ال") else None
        return [name, *(["بال" + rest, "وال" + rest, "لل" + rest] if rest else ["ب" + name, "و" + name, "ل" + name])]
    if not adjective and (language in INDIC_SUFFIXED or language == "am"):
        return abugida_forms(name, language)  # "ভারতেও", "भारतात", "नेपालमा", "በኢትዮጵያ", "የኬንያው", "चीनमध्ये"
    if not adjective and language == "el":
        return greek_forms(name)  # "στην Αίγυπτο", "της Κίνας"
    if not adjective and language == "ka":
        return georgian_forms(name)  # "თურქეთში"
    if language in _PREFIXES and not adjective and " " not in name:
        # Prefixes written onto the name: "בישראל" (in Israel), "לישראל" (to Israel), "በኢትዮጵያ" (in Ethiopia).
        return [name, *(prefix + name for prefix in _PREFIXES[language])]
    if adjective or language in _STEMMED:
        # Each word of a name of several stemmed from three letters ("Jižn* Kore*": "Jižní Koreji"), the words
        # together being specific enough; one word's endings written out where its stem is short ("Čadu", "Иране").
        stems = [_stem(word, 3 if len(words) > 1 and not adjective else 5) for word in words]
        if not adjective and len(words) == 1:
            star = stems[0][:-1] if stems[0].endswith("*") else None  # its forms the '*' finds need no writing out
            declined = [form for form in _declined(name, language) if not star or not form.startswith(star)]
            return [name, *declined, *stems]  # "Indie*" does not find "Indii"
        return [name, " ".join(stems)]
    # Not after a short name ("Şili*" ran on into "silicon"); Turkish puts an apostrophe before the ending.
    if language in _SUFFIXED and language != "tr" and len(fold(words[-1])) >= 5 and _letter(words[-1][-1:]):
        return [name, name + "*"]
    return short_forms(name, language)  # "Kínában", "Virossa", "Kinas", "Çində": endings written out


def _declined(name: str, language: str) -> list[str]:
    """A Slavic name's cases written out, but none that is, folded, a country's name: Polish "Nigerią" (Niger's
    instrumental) folds to "Nigeria"."""
    return [form for form in slavic_forms(name, language)[1:] if fold(form) not in names_folded()]


def _three_letters(name: str, language: str) -> bool:
    """A name of three Latin letters one of which is no ASCII letter ("Çin", "Irã", "Čad"), or Turkish "Fas"
    (Morocco): a country's, where a three-letter word in ASCII ("Lao", "Man", "Tai") is too often something else."""
    folded = fold(name)
    latin = len(folded) == 3 and folded.isalpha() and max(folded) < "\u0250"
    return latin and (not name.isascii() or (language == "tr" and name == "Fas"))


def _letter(char: str) -> bool:
    """A letter, or a vowel sign that ends a word in an Indic script ("संयुक्त अरब अमिराती" takes "-त": "अमिरातीत")."""
    return char.isalpha() or unicodedata.category(char or " ") in ("Mc", "Mn")


_SEMITIC = re.compile("[\u0590-\u06ff]")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")  # an Arabic letter first: Arabic's names, Persian's and Urdu's
_PREFIXES = {"he": ("ב", "ל", "מ", "ו", "וב", "ול", "ומ", "שב")}  # Amharic's: inflections.py


def _usable(text: str) -> bool:
    """Names a matcher can use safely: no parentheses, and long enough not to be an everyday word."""
    folded = fold(text.replace("*", ""))
    if "(" in folded or "," in folded or not folded.strip():
        return False
    # Latin, Cyrillic, Greek, Arabic ...: whole words; not Thai ("ไทย", Thailand, is three letters)
    spaced = max(folded) < "\u2e80" and not written_unspaced(folded)  # ~20,000 names: no test per character
    semitic = _SEMITIC.search(folded) is not None  # written without vowels: "مصر", "יפן"
    if semitic and folded in _SHORT_WORDS:
        return False
    if is_abugida(folded):  # two letters: "चीन", "রূস", "ቻድ" (their vowels are signs)
        return letters(folded) >= 2 and folded not in _SHORT_WORDS
    return len(folded) >= (3 if semitic else 4) if spaced else len(folded) >= 2


_BRACKETED = re.compile(r"\s*\([^)]*\)\s*")


def _unbracketed(countries: dict[str, list[str]]) -> dict[str, list[str]]:
    """CLDR's names with a bracketed aside ("เมียนมา (พม่า)", "Myanmar (Burma)") also without it, as the news writes
    them: bracketed, a name is unusable (_usable). Not where the name left is another country's too ("Конго
    (Киншаса)", "Конго (Бразавил)"); the aside itself is often no name ("Hong Kong (SAR Kina)")."""
    bare = {
        code: [_BRACKETED.sub(" ", value).strip() for value in written if "(" in value]
        for code, written in countries.items()
    }
    owners: dict[str, set[str]] = {}
    for code, values in bare.items():
        for value in values:
            owners.setdefault(value, set()).add(code)
    return {
        code: [*written, *(value for value in bare[code] if value and len(owners[value]) == 1)]
        for code, written in countries.items()
    }


def _entities() -> list[EntityConfig]:
    from watcher.config import EntityConfig  # pydantic: only where the table is made, not where it is read

    names: dict[str, list[object]] = {}
    adjectives: dict[str, list[object]] = {}
    for language, tables in territory_names().items():
        base = language.split("_")[0]
        for kind, countries in tables.items():
            for code, written in _unbracketed(countries).items():
                for value in (form for typed in written for form in spellings(typed)):
                    if kind == "cased":  # "Läti", "Čada": as written, where folded they are everyday words
                        forms = [value, *short_forms(value, base)[1:], *_declined(value, base)]
                        names.setdefault(code, []).extend({"text": form, "case_sensitive": True} for form in forms)
                        continue
                    adjective = kind == "adjectives" or lower_written(value)
                    target = adjectives if adjective else names
                    if not adjective and _three_letters(value, base):
                        # "Çin'de", "Çində", "no Irã": as written, capitalised (three letters are a word otherwise)
                        forms = short_forms(value, base, size=3) + _declined(value, base)  # "Čadu"
                        target.setdefault(code, []).extend({"text": form, "case_sensitive": True} for form in forms)
                        continue
                    target.setdefault(code, []).extend(_variants(value, base, adjective))
                    if base == "ar" and not adjective:
                        adjectives.setdefault(code, []).extend(arabic_adjectives(value))
    for language, countries in alternate_names().items():
        base = language.split("_")[0]
        for code, values in countries.items():
            for value in values:
                if value.isupper() and len(value) <= 5:  # "ABD", "САЩ", "USA": as written ("sad" is no "SAD")
                    names.setdefault(code, []).append({"text": value, "case_sensitive": True})
                else:
                    names.setdefault(code, []).extend(_variants(value, base, False))
    for code, values in EXTRA_NAMES.items():
        for value in values:  # Amharic's with their affixes ("በአውስትራሊያ"), the others as written
            ethiopic = isinstance(value, str) and "\u1200" <= value[:1] <= "\u139f"
            # Arabic's with its clitics, as CLDR's are: "والإمارات" (and the Emirates), "بالإمارات" (in the Emirates).
            arabic = isinstance(value, str) and " " not in value and _ARABIC_LETTER.match(value) is not None
            names.setdefault(code, []).extend(
                _variants(value, "am", False) if ethiopic else _variants(value, "ar", False) if arabic else [value]
            )
    for table in (EXTRA_ADJECTIVES, english_demonyms()):
        for code, values in table.items():
            adjectives.setdefault(code, []).extend(with_and(list(values)) if table is EXTRA_ADJECTIVES else values)
    regions: dict[str, list[object]] = {codes: list(values) for codes, values in REGIONS.items()}
    # Cities in the scripts GeoNames' table leaves out, with the affixes their language writes on a country's name
    # ("በአዲስ አበባ", "თბილისში", "சென்னையில்"): in the automaton, which knows those forms, not the cities' finder.
    for language, countries in cldr_city_names().items():
        for code, values in countries.items():
            regions.setdefault(code, []).extend(form for value in values for form in _variants(value, language, False))
    entities = []
    for kind, table in (("name", names), ("adjective", adjectives), ("city", regions)):
        for code, values in sorted(table.items()):
            aliases = _unique(value for value in values if isinstance(value, dict) or _usable(str(value)))
            if aliases:
                # Its forms are listed or written with '*': no case endings (and no stems in the automaton).
                entities.append(EntityConfig(name=f"{code}:{kind}", aliases=aliases, inflect=False))
    return entities


def _unique(values: object) -> list[object]:
    seen: set[str] = set()
    kept = []
    for value in values:  # type: ignore[attr-defined]
        key = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def market_table() -> dict[str, Any]:
    """What MarketFinder is made of, as plain data, built from the names (~0.3 CPU-s): the automaton's table, the
    names and adjectives as written (folded → their entities, sorted), the cities' finder."""
    entities = _entities()
    exact: dict[str, set[str]] = {}
    for entity in entities:
        for alias in entity.aliases:
            if "*" not in alias.text:
                exact.setdefault(" ".join(fold(alias.text).split()), set()).add(entity.name)
    return {
        "matcher": pack(compile_table(entities)),
        "exact": SortedMap.pack({text: sorted(kinds) for text, kinds in exact.items()}),
        "cities": CityFinder(city_names(), subdivision_names()).parts(),
    }


def table_key() -> str:
    """The key of market_table()'s sources: the data files, the modules with the names, the rules and how the table is
    built and read, and watcher.match's folding and compiling."""
    files = [shipped_tables.data_bytes(name) for name in SOURCES]
    modules = (__name__, "watcher.analyze.market_sources", "watcher.analyze.market_names",
               "watcher.analyze.arabic_adjectives", "watcher.analyze.inflections", "watcher.analyze.markets",
               "watcher.analyze.companies", "watcher.analyze.cities", "watcher.analyze.hits",
               "watcher.match.words", "watcher.match.chars", "watcher.match.fold", "watcher.match.table",
               "watcher.match.endings", "watcher.match.prefixes", "watcher.match.packed")  # fmt: skip
    return shipped_tables.key(*files, *(shipped_tables.code(module) for module in modules))
