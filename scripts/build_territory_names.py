"""Write watcher/analyze/data/territories.json: country names in many languages from CLDR (via babel),
and english_names.json: the English name of each country and language, for the digest's gist lines.

Run after upgrading babel: `.venv/bin/python scripts/build_territory_names.py`. The files ship in the
package so the daemon needs neither babel nor its locale data at run time (babel's data for these
locales costs ~20 MB of memory once loaded). tests/test_analyze_territories.py checks they are what the
babel pinned in pyproject.toml (a test dependency) builds.

Besides the CLDR name of each territory in each locale, the country's own language name in each locale
stands for the adjective where the two coincide ("coreano", "koreanisch", "корейский": the market
"il mercato coreano"); only languages spoken mainly in one country count.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from babel import Locale

# The 16 languages of the sentence encoder, those of the shared examples, and a few more news languages.
LOCALES = (
    "ar", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fil", "fr", "he", "hi", "hr", "hu",
    "id", "it", "ja", "ko", "lt", "lv", "ms", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sr", "sv", "th", "tr",
    "uk", "ur", "vi", "zh", "zh_Hant",
    # Added in session 6 for the news languages of the blind sets that had no names: Azerbaijani "Azərbaycan",
    # Tamil "சவுதி அரேபியா", Kazakh "Өзбекстан", Swahili, Amharic ...
    "af", "am", "az", "bs", "gu", "ha", "hy", "is", "ka", "kk", "kn", "ky", "mk", "ml", "mr", "ne", "pa", "si", "so",
    "sq", "sw", "ta", "te", "tg", "tk", "uz",
    # Session 13 (heldout24): Khmer "កម្ពុជា", Lao "ກຳປູເຈຍ", Mongolian "Монгол", Burmese, Pashto, Maltese "il-Kambodja",
    # Irish "an Chambóid", Welsh, Basque, Galician, Yoruba: languages of that set that had no country names.
    "km", "lo", "mn", "my", "ps", "mt", "ga", "cy", "eu", "gl", "yo",
)  # fmt: skip
# A definite article CLDR writes before a name (Maltese "il-Kambodja", "iċ-Ċina", "l-Irlanda"; Irish "an Chambóid",
# "an tSín"): a text says "fil-Kambodja", "f'Kambodja", "sa Chambóid", so the name without it is matched.
ARTICLE = re.compile(r"^(?:(?:i[lċdnrstxzż]|l)-|(?:an t|an )(?=\w))")
# Irish mutates a name's first letter after a preposition: lenition "margadh Pheiriú" (Peru's market), "sa Bhrasaíl";
# eclipsis "i bPeiriú" (in Peru), "i mBrasaíl", "i nDanmhairg", "in Éirinn" → "i nÉirinn". CLDR writes the plain name.
LENITES = frozenset("bcdfgmpt")
ECLIPSES = {"b": "m", "c": "g", "d": "n", "f": "bh", "g": "n", "p": "b", "t": "d"}


def irish_forms(name: str) -> set[str]:
    """The name with its first letter lenited and eclipsed, as written after "i", "sa", "margadh" ...; S before a
    vowel, l, n or r lenites too ("an tSín" is the article's)."""
    forms = {name}
    if name[1:2] == "h" and name[:1].lower() in LENITES | {"s"}:
        name = name[:1] + name[2:]  # CLDR's "an Bhrasaíl": lenited after the article, "Brasaíl" its plain form
    first, rest = name[:1], name[1:]
    low = first.lower()
    forms.add(name)
    if low in LENITES or (low == "s" and rest[:1].lower() in "aeiouáéíóúlnr"):
        forms.add(first + "h" + rest)
    if low in ECLIPSES:
        forms.add(ECLIPSES[low] + name)
    elif low in "aeiouáéíóú":
        forms.add("n" + name if first.isupper() else "n-" + name)
    return forms


# Vietnamese names of one syllable fold into common words of other languages (Mỹ → "my", Ý → "y"): only its names
# of two syllables or more ("Việt Nam", "Hàn Quốc", "Ấn Độ") are kept, and no adjectives.
WORDS_AT_LEAST = {"vi": 2}
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AQ", "CP", "DG", "EA", "IC", "TA", "AC", "BV", "HM"}
# A language spoken mainly in one country: its name doubles as that country's adjective.
NATIONAL_LANGUAGES = {
    "ko": "KR", "ja": "JP", "de": "DE", "fr": "FR", "it": "IT", "pl": "PL", "hu": "HU", "tr": "TR", "th": "TH",
    "vi": "VN", "id": "ID", "nl": "NL", "sv": "SE", "fi": "FI", "el": "GR", "cs": "CZ", "ro": "RO", "uk": "UA",
    "ru": "RU", "zh": "CN", "he": "IL", "da": "DK", "bg": "BG", "hr": "HR", "sk": "SK", "lt": "LT", "lv": "LV",
    "et": "EE", "fa": "IR", "ms": "MY", "km": "KH", "my": "MM", "mn": "MN", "ka": "GE", "hy": "AM", "is": "IS",
    "pt": "PT", "es": "ES", "bn": "BD", "ur": "PK", "ne": "NP", "si": "LK", "lo": "LA",
}  # fmt: skip


def build() -> dict[str, dict[str, dict[str, list[str]]]]:
    names: dict[str, dict[str, dict[str, list[str]]]] = {}
    for code in LOCALES:
        locale = Locale.parse(code)
        by_country: dict[str, set[str]] = {}
        for territory, name in locale.territories.items():
            country = territory.isalpha() and len(territory) == 2 and territory not in NOT_COUNTRIES
            if country and len(name.split()) >= WORDS_AT_LEAST.get(code, 1):
                plain = ARTICLE.sub("", name) if code in ("mt", "ga") else name
                by_country.setdefault(territory, set()).update(irish_forms(plain) if code == "ga" else {plain})
        # Kept apart: "Deutsch", "Türkçe", "Japanese" say "German", not "Germany" (and "Türkçe*" is no name for
        # "Turkcell"); the analysis weighs a country's name over its adjective.
        adjectives: dict[str, set[str]] = {}
        for language, country in NATIONAL_LANGUAGES.items():
            name = locale.languages.get(language)
            # CJK language names end in 语/語/어; Basque's end in "-era", whose stem is another language's word
            # ("nederlandera": "Nederlanders", the Dutch, in Dutch), and its adjectives are other words ("nederlandar").
            if name and code not in ("zh", "zh_Hant", "ja", "ko", "vi", "eu"):
                adjectives.setdefault(country, set()).add(name)
        names[code] = {
            "names": {country: sorted(values) for country, values in sorted(by_country.items())},
            "adjectives": {country: sorted(values) for country, values in sorted(adjectives.items())},
        }
    return _without_common_words(names)


# In the locales added last (those whose names the cue languages' analysis was not measured with), a one-word
# name that is an everyday word of a major news language is left out: Latvian "Čada" (Chad) is Spanish "cada",
# Croatian "Danska" Swedish "danska". Not where that language names the country so itself, nor a name English
# gives the country ("Moldova", "India", "Chad").
CHECKED_LOCALES = (
    "bg", "bn", "ca", "et", "fa", "fil", "hr", "lt", "lv", "ms", "sl", "sr", "ur", "vi",
    "af", "az", "bs", "ha", "is", "so", "sq", "sw", "tk", "uz",
    "mt", "ga", "cy", "eu", "gl", "yo",
)  # fmt: skip
EVERYDAY_IN = ("en", "es", "de", "fr", "it", "pt", "nl", "pl", "tr", "sv", "id")
COMMON_ZIPF = 4.3


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _without_common_words(
    names: dict[str, dict[str, dict[str, list[str]]]],
) -> dict[str, dict[str, dict[str, list[str]]]]:
    from wordfreq import zipf_frequency

    naming: dict[tuple[str, str], set[str]] = {}  # (folded word of a name, country) → languages naming it so
    for code, tables in names.items():
        for country, values in tables["names"].items():
            for name in values:
                for word in _folded(name).split():
                    naming.setdefault((word, country), set()).add(code.split("_")[0])

    def everyday(name: str, country: str) -> bool:
        word = _folded(name)
        if " " in word or not word.isalpha() or not word.isascii():
            return False
        namers = naming[(word, country)]
        if "en" in namers:
            return False
        return any(zipf_frequency(word, language) >= COMMON_ZIPF for language in EVERYDAY_IN if language not in namers)

    for code in CHECKED_LOCALES:
        tables = names[code]
        # A name whose letters the everyday word lacks is kept, as written: Estonian "Läti" (Latvia) is no Italian
        # "lati" (sides), Latvian "Čada" no "cada" (the analysis matches it case- and accent-sensitively).
        cased = {
            country: accented
            for country, values in tables["names"].items()
            if (accented := [name for name in values if everyday(name, country) and not name.isascii()])
        }
        tables["names"] = {
            country: kept
            for country, values in tables["names"].items()
            if (kept := [name for name in values if not everyday(name, country)])
        }
        if cased:
            tables["cased"] = cased
    return names


def build_english() -> dict[str, dict[str, str]]:
    """English names of countries (ISO 3166-1 alpha-2) and languages (ISO 639 codes, no script or region)."""
    locale = Locale.parse("en")
    countries = {code: name for code, name in locale.territories.items() if code.isalpha() and len(code) == 2}
    languages = {code: name for code, name in locale.languages.items() if code.isalpha() and len(code) <= 3}
    return {"countries": dict(sorted(countries.items())), "languages": dict(sorted(languages.items()))}


DATA = Path(__file__).resolve().parent.parent / "watcher" / "analyze" / "data"


def outputs(data: Path = DATA) -> dict[Path, str]:
    """Each file this script writes, with the text it writes there."""
    return {
        data / "territories.json": json.dumps(build(), ensure_ascii=False, indent=0, sort_keys=True) + "\n",
        data / "english_names.json": json.dumps(build_english(), ensure_ascii=False, indent=0) + "\n",
    }


def main() -> None:
    outputs_now = outputs()
    if "--check" in sys.argv:
        sys.exit(
            0
            if all(path.exists() and path.read_text(encoding="utf-8") == text for path, text in outputs_now.items())
            else 1
        )
    for target, text in outputs_now.items():
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target} ({len(text.encode()) // 1024} KB)")


if __name__ == "__main__":
    main()
