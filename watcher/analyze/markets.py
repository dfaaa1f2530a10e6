"""Countries named in text, as ISO 3166-1 alpha-2 codes. Pure: text in, hits out.

The names come from CLDR in 43 languages (data/territories.json, written by
scripts/build_territory_names.py from babel), plus the adjective where a country's own language name
doubles as it ("coreano", "koreanisch", "корейский"), plus the everyday short forms CLDR leaves out
(EXTRA_NAMES). They are compiled into one automaton with watcher.match's folding and word edges, so
"Corea del Sud", "COREA DEL SUD" and "Südkoreas" are found the way entity aliases are.

Inflected languages get a '*' after each word's stem ("Южн* Коре*" finds "Южной Кореи"), the
agglutinative ones after the whole word ("Magyarország*" finds "Magyarországon").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from watcher.config import EntityConfig
from watcher.match import Matcher, fold

# Short and everyday names CLDR does not give (it has one name per territory and locale).
EXTRA_NAMES: dict[str, list[str]] = {
    "KR": ["South Korea*", "Korea", "Sud Corea", "Sudcorea", "sudcorean*", "surcorean*", "Южн* Коре*", "Corée du Sud",
           "한국", "韩国", "南韩", "韓國", "Güney Kore*", "Korei Południowej", "كوريا الجنوبية"],
    "KP": ["North Korea*", "Corea del Nord", "Nordkorea*", "Северн* Коре*", "북한", "朝鲜"],
    "US": [{"text": "US", "case_sensitive": True}, {"text": "U.S.", "case_sensitive": True},
           {"text": "USA", "case_sensitive": True}, "America", "Amerika", "Stati Uniti", "Estados Unidos",
           "États-Unis", "США", "미국", "美国", "アメリカ", "米国", "الولايات المتحدة"],
    "GB": [{"text": "UK", "case_sensitive": True}, "Britain", "Great Britain", "Großbritannien", "Regno Unito",
           "Royaume-Uni", "Reino Unido", "Британи*", "영국", "英国", "イギリス"],
    "TR": ["Turkey", "Türkei", "Turquie", "Turchia", "Turquía", "Turquia", "Турци*", "Türkiye*", "터키", "튀르키예",
           "土耳其", "トルコ", "Turcji", "Turkije"],
    "CZ": ["Czech Republic", "Tschechien"],
    "HK": ["Hong Kong", "香港", "홍콩", "Гонконг*"],
    "MO": ["Macau", "Macao", "澳门"],
    "AE": ["UAE", "Emirates", "الإمارات"],
    "SA": ["Saudi Arabia", "Saudi", "السعودية", "사우디", "사우디아라비아"],
    "NL": ["Holland"],
    "RU": ["Russland*", "Россия", "Росси*"],
    "DE": ["Deutschlands", "Германи*", "독일", "德国", "ドイツ"],
    "CN": ["Chinas", "Кита*", "중국", "中国", "中國"],
    "JP": ["Japans", "Япони*", "일본", "日本"],
    "IN": ["India", "Indien", "Inde", "Индия", "Индии", "Индию", "인도", "印度", "インド", "الهند"],
    "VN": ["Vietnam", "Viet Nam", "Wietnam*", "Вьетнам*", "베트남", "越南", "ベトナム", "فيتنام"],
    "HU": ["Węgrzech", "Węgier", "Венгри*"],
    "IQ": ["Irak*", "Iraq", "Ирак*", "이라크", "伊拉克", "イラク", "العراق"],
}  # fmt: skip

# Adjectives of countries whose language name is not the adjective (or not one country's), per language.
EXTRA_ADJECTIVES: dict[str, list[str]] = {
    "US": ["American", "amerikanisch*", "américain*", "american*", "estadounidense*", "americano*", "американск*",
           "Amerikan", "amerikaans*", "amerykańsk*"],
    "GB": ["British", "britisch*", "britannique*", "britannic*", "británic*", "britânic*", "британск*"],
    "IN": ["Indian", "indisch*", "indien*", "indian*", "индийск*", "Hint"],
    "CN": ["Chinese", "chinesisch*", "chinois*", "cines*", "chines*", "китайск*", "Çin", "chiński*"],
    "CH": ["Swiss", "Schweizer*", "suisse*", "svizzer*", "швейцарск*"],
    "AT": ["Austrian", "österreichisch*", "autrichien*", "austriac*", "austríac*", "австрийск*"],
    "BR": ["Brazilian", "brasilianisch*", "brésilien*", "brasilian*", "brasileñ*", "brasileir*", "бразильск*"],
    "MX": ["Mexican", "mexikanisch*", "mexicain*", "messican*", "mexican*", "мексиканск*"],
    "CA": ["Canadian", "kanadisch*", "canadien*", "canades*", "canadiens*", "канадск*"],
    "AU": ["Australian", "australisch*", "australien*", "australian*", "австралийск*"],
    "EG": ["Egyptian", "ägyptisch*", "égyptien*", "egizian*", "egipci*", "египетск*", "egípci*"],
    "MA": ["Moroccan", "marokkanisch*", "marocain*", "marocchin*", "marroquí*", "марокканск*"],
    "SA": ["Saudi", "saudisch*", "saoudien*", "saudit*", "саудовск*"],
    "KR": ["Korean", "koreanisch*", "coréen*", "corean*", "корейск*", "koreańsk*"],
    "IQ": ["Iraqi", "irakisch*", "irakien*", "iracheno", "iraquí*", "иракск*", "iraquien*", "iraquian*"],
    "VN": ["Vietnamese", "vietnamesisch*", "vietnamien*", "vietnamit*", "вьетнамск*"],
}  # fmt: skip

# Names in these languages change their ending: a '*' replaces the final vowels of each word.
_STEMMED = {"ru", "uk", "pl", "cs", "sk", "hr", "sr", "sl", "lt", "lv", "bg"}
# ... and in these, suffixes are added to the whole word.
_SUFFIXED = {"tr", "fi", "hu", "el", "de", "nl", "sv", "da", "nb", "et"}
RUN_ON = 5  # letters past a name that make it an adjective: "-lainen", not a case ending ("-ssa", "-nak")
_VOWELS = set("aeiouyąęóаеёиоуыэюяйьіїєαεηιουω")


# Three-letter names in Arabic and Hebrew script that are everyday words or given names: "סרק" (blank, Sark),
# "לאו" (no), "غنا" (sang, Persian Ghana), "هند" (Hind), "شام" (evening, Urdu Syria).
_SHORT_WORDS = frozenset({"סרק", "לאו", "غنا", "هند", "شام"})


@dataclass(frozen=True)
class MarketHit:
    code: str  # ISO 3166-1 alpha-2
    start: int
    end: int
    is_name: bool  # a country's name, not an adjective ("in Corea", not "il mercato coreano")


def _stem(word: str) -> str:
    stem = word
    while len(stem) > 5 and stem[-1].lower() in _VOWELS:
        stem = stem[:-1]
    return stem + "*" if len(stem) >= 5 else word  # shorter stems run into other words ("Samo*", "Indi*")


def _variants(name: str, language: str, adjective: bool) -> list[str]:
    if "*" in name or not any(ch.isalpha() for ch in name):
        return [name]
    words = name.split()
    if adjective or language in _STEMMED:
        return [name, " ".join(_stem(word) for word in words)]
    # Not after a short name ("Şili*" ran on into "silicon"); Turkish puts an apostrophe before the ending.
    if language in _SUFFIXED and language != "tr" and len(fold(words[-1])) >= 5 and words[-1][-1:].isalpha():
        return [name, name + "*"]
    return [name]


def _usable(text: str) -> bool:
    """Names a matcher can use safely: no parentheses, and long enough not to be an everyday word."""
    folded = fold(text.replace("*", ""))
    if "(" in folded or "," in folded or not folded.strip():
        return False
    spaced = all(ord(ch) < 0x2E80 for ch in folded)  # Latin, Cyrillic, Greek, Arabic ...: whole words
    semitic = any(0x0590 <= ord(ch) <= 0x06FF for ch in folded)  # written without vowels: "مصر", "יפן"
    if semitic and folded in _SHORT_WORDS:
        return False
    return len(folded) >= (3 if semitic else 4) if spaced else len(folded) >= 2


@cache
def _territory_names() -> dict[str, dict[str, dict[str, list[str]]]]:
    """locale → {"names": {code: [...]}, "adjectives": {code: [...]}}: CLDR's territory names, and the country's
    own language name where it doubles as the adjective ("coreano", "Deutsch")."""
    data = resources.files("watcher.analyze").joinpath("data", "territories.json").read_text(encoding="utf-8")
    return json.loads(data)


def _entities() -> list[EntityConfig]:
    names: dict[str, list[object]] = {}
    adjectives: dict[str, list[object]] = {}
    for language, tables in _territory_names().items():
        base = language.split("_")[0]
        for kind, countries in tables.items():
            for code, values in countries.items():
                for value in values:
                    adjective = kind == "adjectives" or value[:1].islower()
                    target = adjectives if adjective else names
                    target.setdefault(code, []).extend(_variants(value, base, adjective))
    for code, values in EXTRA_NAMES.items():
        names.setdefault(code, []).extend(values)
    for code, values in EXTRA_ADJECTIVES.items():
        adjectives.setdefault(code, []).extend(values)
    entities = []
    for kind, table in (("name", names), ("adjective", adjectives)):
        for code, values in sorted(table.items()):
            aliases = _unique(value for value in values if isinstance(value, dict) or _usable(str(value)))
            if aliases:
                entities.append(EntityConfig(name=f"{code}:{kind}", aliases=aliases))
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


class MarketFinder:
    """Every country name and adjective in one automaton; build once per process (~0.3 s)."""

    def __init__(self) -> None:
        entities = _entities()
        self.matcher = Matcher.build(entities)
        exact: dict[str, set[str]] = {}
        for entity in entities:
            for alias in entity.aliases:
                if "*" not in alias.text:
                    exact.setdefault(" ".join(fold(alias.text).split()), set()).add(entity.name)
        self.exact = exact  # folded name or adjective as written → "KR:name", ...
        self.names = frozenset(text for text, kinds in exact.items() if any(kind.endswith(":name") for kind in kinds))

    def _run_on(self, text: str, code: str) -> bool:
        """Whether `text` goes on for five letters or more past the longest name of `code` it starts with."""
        folded = " ".join(fold(text).split())
        for end in range(len(folded) - 1, 1, -1):
            if f"{code}:name" in self.exact.get(folded[:end], ()):
                return len(folded) - end >= RUN_ON
        return False

    def is_country_name(self, text: str) -> bool:
        """Whether `text` is exactly a country's name ("Korea", "Corea del Sud"), wildcards aside."""
        return " ".join(fold(text.replace("*", "")).split()) in self.names

    def find(self, text: str) -> list[MarketHit]:
        """Countries named in `text`, in text order (a longer name wins: "North Korea" is not KR)."""
        if not text:
            return []
        hits = []
        written: dict[MarketHit, bool] = {}
        for entity_match in self.matcher.match({"text": text}):
            code, kind = entity_match.entity.split(":")
            for hit in entity_match.hits:
                exact = entity_match.entity in self.exact.get(" ".join(fold(hit.text).split()), ())
                # A name's stem run on in lower case is its adjective: "japanische", "coreana", "węgierski"; so is
                # one run on further than a case ending: "Tanskalainen" (Danish), not "Tanskassa" (in Denmark).
                name = kind == "name" and (exact or (not hit.text[:1].islower() and not self._run_on(hit.text, code)))
                found = MarketHit(code, hit.start, hit.end, name)
                hits.append(found)
                written[found] = exact
        # Longest first; of one span, a name as written before a stem's continuation: "Nigeria" is NG, not "Niger*".
        hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start), not written[hit]))
        kept: list[MarketHit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        return kept

    def codes(self, text: str) -> set[str]:
        return {hit.code for hit in self.find(text)}


@cache
def market_finder() -> MarketFinder:
    return MarketFinder()
