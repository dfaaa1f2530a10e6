"""Countries named in text, as ISO 3166-1 alpha-2 codes. Pure: text in, hits out.

The names come from CLDR in 43 languages (data/territories.json, written by
scripts/build_territory_names.py from babel), plus the adjective where a country's own language name
doubles as it ("coreano", "koreanisch", "корейский"), plus the everyday short forms CLDR leaves out
(EXTRA_NAMES); CLDR's short and variant names, which babel drops ("ABD", "Türkiye", "Myanmar":
data/territory_alt_names.json, from CLDR's JSON). They are compiled into one automaton with watcher.match's
folding and word edges, so "Corea del Sud", "COREA DEL SUD" and "Südkoreas" are found the way entity aliases are;
compiled once, by scripts/build_finder_tables.py, into data/markets-table.json (watcher/analyze/tables.py).

Capitals and cities of 600,000 people or more stand for their country where no country is named ("in Tallinn",
"Tallinnas", "à Tanger", "tại Hà Nội": data/cities.json, from GeoNames by scripts/build_city_names.py), looked up
by word (CityFinder); a region stands for its countries ("the Baltic states", "Baltijā": EE, LV, LT).

Inflected languages get a '*' after each word's stem ("Южн* Коре*" finds "Южной Кореи"), the
agglutinative ones after the whole word ("Magyarország*" finds "Magyarországon").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from watcher.analyze import tables as shipped_tables  # `tables` names CLDR's in _entities
from watcher.config import EntityConfig
from watcher.match import Matcher, compile_table, fold, written_unspaced

# Short and everyday names CLDR does not give (it has one name per territory and locale).
EXTRA_NAMES: dict[str, list[str]] = {
    "KR": ["South Korea*", "Korea", "Sud Corea", "Sudcorea", "sudcorean*", "surcorean*", "Южн* Коре*", "Corée du Sud",
           "한국", "韩国", "南韩", "韓國", "Güney Kore*", "Korei Południowej", "كوريا الجنوبية"],
    "KP": ["North Korea*", "Corea del Nord", "Nordkorea*", "Северн* Коре*", "북한", "朝鲜"],
    "US": [{"text": "US", "case_sensitive": True}, {"text": "U.S.", "case_sensitive": True},
           {"text": "USA", "case_sensitive": True}, "America", "Amerika", "Stati Uniti", "Estados Unidos",
           "États-Unis", "США", "미국", "美国", "アメリカ", "米国", "الولايات المتحدة", "Stanów Zjednoczonych",
           "Stanach Zjednoczonych", "Stany Zjednoczone"],
    "GB": [{"text": "UK", "case_sensitive": True}, "Britain", "Great Britain", "Großbritannien", "Regno Unito",
           "Royaume-Uni", "Reino Unido", "Британи*", "영국", "英国", "イギリス"],
    "TR": ["Turkey", "Türkei", "Turquie", "Turchia", "Turquía", "Turquia", "Турци*", "Türkiye*", "Turkiye*",
           "터키", "튀르키예", "土耳其", "トルコ", "Turcji", "Turkije"],
    "HK": ["Hong Kong", "香港", "홍콩", "Гонконг*"],
    "MO": ["Macau", "Macao", "澳门"],
    "AE": [{"text": "UAE", "case_sensitive": True}, "Emirates", "الإمارات"],
    "SA": [{"text": "KSA", "case_sensitive": True}, "Saudi Arabia", "Saudi", "السعودية", "사우디", "사우디아라비아",
           "サウジ", "沙特"],
    "RU": ["Russland*", "Россия", "Росси*"],
    "DE": ["Deutschlands", "Германи*", "독일", "德国", "ドイツ", "Niemiec"],
    "CN": ["Chinas", "Кита*", "중국", "中国", "中國"],
    "JP": ["Japans", "Япони*", "일본", "日本"],
    "IN": ["India", "Indien", "Inde", "Индия", "Индии", "Индию", "인도", "印度", "インド", "الهند"],
    "VN": ["Vietnam", "Viet Nam", "Wietnam*", "Вьетнам*", "베트남", "越南", "ベトナム", "فيتنام"],
    "HU": ["Węgrzech", "Węgier", "Венгри*"],
    "BA": ["Bosnia-Herzegovina", "Bosnien-Herzegowina", "Bosnie-Herzégovine", "Bosna i Hercegovina",
           "Bosni i Hercegovini", {"text": "BiH", "case_sensitive": True}, "Босни* и Херцеговин*",
           "Босна и Херцеговина"],
    "CZ": ["Czech Republic", "Tschechien", "Česk*"],  # "v Česku", "do Česka" (Czech and Slovak)
    "FI": ["Suome*"],  # Finnish: "Suomeen", "Suomessa", "Suomen markkinoille"
    "PH": [{"text": "PH", "case_sensitive": True}, "Pinas", "Pilipinas"],  # "rolls into PH", "pasok na sa Pinas"
    "LT": ["Литв*"],
    # Polish cases the stems miss: "do Polski", "w Polsce", "do Niemiec", "we Włoszech", "w Stanach Zjednoczonych".
    "PL": [{"text": "Polski", "case_sensitive": True}, "Polsce"],
    "IT": ["Włoszech"],
    "KE": ["Kenii", "Kenię"],  # Russian and Ukrainian "в Литве", "у Литві" (a 5-letter name keeps its ending otherwise)
    "IQ": ["Irak*", "Iraq", "Ирак*", "이라크", "伊拉克", "イラク", "العراق"],
    # The Democratic Republic of the Congo, not the Republic of the Congo that "Congo" alone names.
    "CD": ["DR Congo", "D.R. Congo", {"text": "DRC", "case_sensitive": True}, "Democratic Republic of Congo",
           "Democratic Republic of the Congo", {"text": "RDC", "case_sensitive": True}, "RD Congo", "RD du Congo",
           "République démocratique du Congo", "República Democrática del Congo", "DR Kongo", "ДР Конго",
           "Демократическ* Республик* Конго", "刚果（金）", "刚果金", "コンゴ民主共和国", "콩고민주공화국",
           "الكونغو الديمقراطية"],
    # Spellings the news uses beside CLDR's: Amharic "አውስትራሊያ" (CLDR "አውስትራልያ"), Hindi "नीदरलैंड्स".
    "AU": ["አውስትራሊያ", "በአውስትራሊያ", "ለአውስትራሊያ"],
    "NL": ["Holland", "नीदरलैंड्स"],
}  # fmt: skip

# Vietnamese names of one syllable (left out of the CLDR table: folded, "Mỹ" is "my", "Lào" is "lao", as in "lao động",
# labour) are safe after "thị trường" (market), capitalised as written: "thị trường Lào", not "thị trường lao động".
_VIETNAMESE_SHORT = {"US": "Mỹ", "IT": "Ý", "LA": "Lào", "FR": "Pháp", "DE": "Đức", "RU": "Nga", "GB": "Anh",
                     "JP": "Nhật", "KR": "Hàn", "TH": "Thái", "AU": "Úc", "BE": "Bỉ", "CZ": "Séc"}  # fmt: skip
for _code, _name in _VIETNAMESE_SHORT.items():
    EXTRA_NAMES.setdefault(_code, []).append({"text": f"thị trường {_name}", "case_sensitive": True})

# Adjectives of countries whose language name is not the adjective (or not one country's), per language.
EXTRA_ADJECTIVES: dict[str, list[str]] = {
    "GR": ["ελληνικ*"],  # "την ελληνική αγορά": CLDR gives Greek no adjective
    "US": ["American", "amerikanisch*", "américain*", "american*", "estadounidense*", "americano*", "американск*",
           "Amerikan", "amerikaans*", "amerykańsk*", "अमेरिकी", "امریکی", "الأمريكي", "الأمريكية", "الأميركي",
           "الأميركية"],
    "GB": ["British", "britisch*", "britannique*", "britannic*", "británic*", "britânic*", "британск*",
           "ब्रिटिश", "برطانوی", "البريطاني", "البريطانية"],
    "IN": ["Indian", "भारतीय", "بھارتی", "indisch*", "indien*", "indian*", "индийск*", "Hint"],
    "CN": ["Chinese", "chinesisch*", "chinois*", "cines*", "chines*", "китайск*", "Çin", "chiński*"],
    "CH": ["Swiss", "Schweizer*", "suisse*", "svizzer*", "швейцарск*"],
    "AT": ["Austrian", "österreichisch*", "autrichien*", "austriac*", "austríac*", "австрийск*"],
    "BR": ["Brazilian", "brasilianisch*", "brésilien*", "brasilian*", "brasileñ*", "brasileir*", "бразильск*"],
    "MX": ["Mexican", "mexikanisch*", "mexicain*", "messican*", "mexican*", "мексиканск*"],
    "CA": ["Canadian", "kanadisch*", "canadien*", "canades*", "canadiens*", "канадск*"],
    "AU": ["Australian", "australisch*", "australien*", "australian*", "австралийск*"],
    "EG": ["Egyptian", "ägyptisch*", "égyptien*", "egizian*", "egipci*", "египетск*", "egípci*"],
    "MA": ["Moroccan", "marokkanisch*", "marocain*", "marocchin*", "marroquí*", "марокканск*"],
    "SA": ["Saudi", "saudisch*", "saoudien*", "saudit*", "саудовск*", "السعودي"],
    "AE": ["Emirati", "الإماراتي", "الإماراتية"],
    "KR": ["Korean", "koreanisch*", "coréen*", "corean*", "корейск*", "koreańsk*", "الكوري", "الكورية"],
    "IQ": ["Iraqi", "irakisch*", "irakien*", "iracheno", "iraquí*", "иракск*", "iraquien*", "iraquian*"],
    "VN": ["Vietnamese", "vietnamesisch*", "vietnamien*", "vietnamit*", "вьетнамск*"],
}  # fmt: skip

# Names in these languages change their ending: a '*' replaces the final vowels of each word.
_STEMMED = {"ru", "uk", "pl", "cs", "sk", "hr", "sr", "sl", "lt", "lv", "bg"}
# ... and in these, suffixes are added to the whole word.
_SUFFIXED = {"tr", "fi", "hu", "el", "de", "nl", "sv", "da", "nb", "et", "bn"}  # Bengali: "বাংলাদেশে"
# ... as in these agglutinative languages: "அரேபியாவில்" (Tamil), "Өзбекстанда" (Kazakh), "Azərbaycanda".
_SUFFIXED |= {"ta", "te", "kn", "ml", "mr", "kk", "ky", "az", "uz", "tk", "ka", "hy", "si", "tg"}
RUN_ON = 5  # letters past a name that make it an adjective: "-lainen", not a case ending ("-ssa", "-nak")
_VOWELS = set("aeiouyąęóаеёиоуыэюяйьіїєαεηιουω")


# Three-letter names in Arabic and Hebrew script that are everyday words or given names: "סרק" (blank, Sark),
# "לאו" (no), "غنا" (sang, Persian Ghana), "هند" (Hind), "شام" (evening, Urdu Syria).
_OF_PLACE = re.compile(r"\s+(?:de|di|del|of|du|da|do)\s+")
# Words a country's stem runs into that name no place: "franchise" and "Francis" are not "Franc*" (Francia).
# So are "hébergeur" (a host, not "héber*": Hebrew) and the English "lets" (Dutch for Latvian).
_NOT_PLACES = re.compile(r"franchis\w*|francis\w*|francay\w*|heberg\w*|lets", re.IGNORECASE)  # "françayzi" (az)
_CURRENCY = re.compile(r"\s?[$]")  # "US$35 million", "NZ$", "HK$": a currency, not the country
_SHORT_WORDS = frozenset({"סרק", "לאו", "غنا", "هند", "شام"})


def lower_written(text: str) -> bool:
    """Whether a word starts in lower case, in a script whose writers capitalise names. Georgian's Mkhedruli letters
    are lower case to Unicode, but Georgian writes every name with them ("საქართველო", Georgia)."""
    first = text[:1]
    return first.islower() and not "\u10d0" <= first <= "\u10ff"


@dataclass(frozen=True)
class MarketHit:
    code: str  # ISO 3166-1 alpha-2
    start: int
    end: int
    is_name: bool  # a country's name, not an adjective ("in Corea", not "il mercato coreano")
    is_city: bool = False  # named by a city in it ("in Tallinn", "Tallinnas", "tại Hà Nội"), or a region of several


def _stem(word: str) -> str:
    stem = word
    while len(stem) > 5 and stem[-1].lower() in _VOWELS:
        stem = stem[:-1]
    return stem + "*" if len(stem) >= 5 else word  # shorter stems run into other words ("Samo*", "Indi*")


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
    if language in _PREFIXES and not adjective and " " not in name:
        # Prefixes written onto the name: "בישראל" (in Israel), "לישראל" (to Israel), "በኢትዮጵያ" (in Ethiopia).
        return [name, *(prefix + name for prefix in _PREFIXES[language])]
    if adjective or language in _STEMMED:
        return [name, " ".join(_stem(word) for word in words)]
    # Not after a short name ("Şili*" ran on into "silicon"); Turkish puts an apostrophe before the ending.
    if language in _SUFFIXED and language != "tr" and len(fold(words[-1])) >= 5 and words[-1][-1:].isalpha():
        return [name, name + "*"]
    return [name]


def _arabic_adjectives(name: str) -> list[str]:
    """The relative adjective (nisba) of a one-word Arabic country name, as the news writes it: "مصر" → "المصرية",
    "السوق المصرية" (the Egyptian market); "كينيا" → "الكيني"; "فرنسا" → "الفرنسية". CLDR gives Arabic no adjectives
    but its languages' names, and a country's language is not its adjective ("the Egyptian market")."""
    if " " in name or not name.isalpha():
        return []
    stem = name[2:] if name.startswith("ال") else name
    if stem.endswith("ية"):
        base = stem[:-1]  # "السعودية" → "سعودي"
    elif stem.endswith("يا"):
        base = stem[:-1]  # "كينيا" → "كيني", "إيطاليا" → "إيطالي"
    elif stem.endswith("ا"):
        base = stem[:-1] + "ي"  # "فرنسا" → "فرنسي"
    else:
        base = stem + "ي"  # "مصر" → "مصري", "المغرب" → "مغربي"
    return [base, base + "ة", "ال" + base, "ال" + base + "ة"] if len(base) >= 4 else []


_SEMITIC = re.compile("[\u0590-\u06ff]")
_PREFIXES = {"he": ("ב", "ל", "מ", "ו", "וב", "ול", "ומ", "שב"), "am": ("በ", "ለ", "ከ", "የ", "ወደ")}


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
    return len(folded) >= (3 if semitic else 4) if spaced else len(folded) >= 2


@cache
def _territory_names() -> dict[str, dict[str, dict[str, list[str]]]]:
    """locale → {"names": {code: [...]}, "adjectives": {code: [...]}}: CLDR's territory names, and the country's
    own language name where it doubles as the adjective ("coreano", "Deutsch")."""
    data = resources.files("watcher.analyze").joinpath("data", "territories.json").read_text(encoding="utf-8")
    return json.loads(data)


@cache
def _alternate_names() -> dict[str, dict[str, list[str]]]:
    """locale → {code: [...]}: CLDR's short and variant names ("ABD", "Fildişi Sahili", "Türkiye", "Myanmar"), which
    babel leaves out (data/territory_alt_names.json says where they come from)."""
    data = resources.files("watcher.analyze").joinpath("data", "territory_alt_names.json").read_text(encoding="utf-8")
    return json.loads(data)["names"]


@cache
@cache
def _english_demonyms() -> dict[str, list[str]]:
    """code → English adjectives CLDR's language names leave out ("Ethiopian", "Nigerian", "Emirati"): as exact words,
    "Nigerian" is NG's, not a run-on of "Niger*" (NE)."""
    data = resources.files("watcher.analyze").joinpath("data", "english_demonyms.json").read_text(encoding="utf-8")
    return {code: values for code, values in json.loads(data).items() if not code.startswith("_")}


def _city_names() -> dict[str, list[str]]:
    """ISO code → names of its capital and its big cities (data/cities.json, scripts/build_city_names.py)."""
    data = resources.files("watcher.analyze").joinpath("data", "cities.json").read_text(encoding="utf-8")
    return json.loads(data)


# Regions that stand for several countries: "enters the Baltic states" enters three.
REGIONS: dict[str, list[str]] = {
    "EE LV LT": ["Baltic states", "Baltic countries", "the Baltics", "Baltikum*", "baltischen Staaten", "pays baltes",
                 "países bálticos", "paesi baltici", "Baltische staten", "Baltijos šal*", "Baltij*", "Baltimaad*",
                 "Baltia", "Baltiassa", "Baltiaan", "Балти*", "Прибалти*", "Baltycki*", "krajach bałtyckich",
                 "baltiska länder*", "Baltikum", "Baltikummet", "Baltic", "Pobaltí", "balti államok*",
                 "Baltische Staaten", "países bálticos", "バルト三国", "波罗的海三国", "발트 3국", "발트3국"],
    "DK NO SE FI IS": ["Nordics", "Nordic countries", "nordiske land*", "Norden", "Nordeuropa"],
    "BE NL LU": ["Benelux*"],
    # Continents named with America: no country, and no United States ("South America", "América Latina").
    "": ["South America", "Latin America", "North America", "Central America", "América Latina", "América del Sur",
         "América del Norte", "Amérique latine", "Amérique du Sud", "Amérique du Nord", "América do Sul",
         "América Central", "Mittelamerika", "Süd-Amerika"],
}  # fmt: skip


_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+")  # Thai, CJK, kana, Hangul
_CLITICS = ("وب", "وال", "بال", "لل", "ب", "و", "ل", "ف")  # Arabic prefixes: "بالمغرب", "وطنجة"
_VOWEL = re.compile(r"[aeiouyäöüåæøąęėįųūıаеиоуыэюяєії]")
_CLITIC_STARTS = frozenset(clitic[0] for clitic in _CLITICS)
CITY_ENDING = 4  # letters a case ending may add to a city's name: "Tallinnas", "Taline", "Lisabonu"
CITY_STEM = 5  # letters a name needs before an ending may follow it ("Rabat" does, "Kyiv" does not)
MAX_CITY_WORDS = 4


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return fold(word)  # the words of news repeat: each folded once


class CityFinder:
    """Capitals and big cities (data/cities.json) by a look-up of the text's words, not an automaton: 17,000 names
    in it would cost ~25 MB, in a dict ~2. A name in a script with case must be capitalised as written ("Sale" is
    no city in "a Black Friday Sale", "Salé" is); one of five letters or more may take an ending of up to four
    ("Tallinnas", "Taline"); Arabic clitics come off ("بالمغرب"); in Thai, Chinese, Japanese and Korean every
    stretch of the text is looked up, as they write words together."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.names: dict[str, str] = {}
        self.unspaced: dict[str, str] = {}
        for code, values in table.items():
            for value in values:
                key = " ".join(fold(value).split())
                if _UNSPACED.fullmatch(value.replace(" ", "")):
                    self.unspaced[key.replace(" ", "")] = code
                else:
                    self.names[key] = code
        # The first word of each spaced name → most words a name starting with it has; the first character of each
        # unspaced name → its names' lengths, longest first: most words and characters start none.
        self.first_words: dict[str, int] = {}
        for key in self.names:
            words = key.split()
            self.first_words[words[0]] = max(self.first_words.get(words[0], 1), len(words))
        starts: dict[str, set[int]] = {}
        for key in self.unspaced:
            starts.setdefault(key[0], set()).add(len(key))
        self.starts = {char: sorted(lengths, reverse=True) for char, lengths in starts.items()}

    def parts(self) -> dict[str, Any]:
        """What the finder holds, as plain data for from_parts (watcher/analyze/tables.py ships it)."""
        return {"names": self.names, "unspaced": self.unspaced, "first_words": self.first_words, "starts": self.starts}

    @classmethod
    def from_parts(cls, parts: dict[str, Any]) -> CityFinder:
        finder = cls.__new__(cls)
        finder.names, finder.unspaced = parts["names"], parts["unspaced"]
        finder.first_words, finder.starts = parts["first_words"], parts["starts"]
        return finder

    def find(self, text: str) -> list[MarketHit]:
        hits = []
        tokens = list(_TOKEN.finditer(text))

        def word(position: int) -> str:
            return _folded(tokens[position].group())

        index = 0
        while index < len(tokens):
            first = tokens[index].group()
            if lower_written(first):
                index += 1  # a cased script, not capitalised: no name starts here
                continue
            found = None
            most = min(self.first_words.get(word(index), 1), MAX_CITY_WORDS, len(tokens) - index)
            for count in range(most, 0, -1):
                last = tokens[index + count - 1]
                if count > 1:
                    gaps = zip(tokens[index : index + count], tokens[index + 1 : index + count], strict=False)
                    if any(text[a.end() : b.start()] != " " for a, b in gaps):
                        continue
                    code = self.names.get(" ".join(word(position) for position in range(index, index + count)))
                else:
                    code = self._word(first, word(index))
                if code:
                    found = MarketHit(code, tokens[index].start(), last.end(), True, True)
                    index += count
                    break
            if found:
                hits.append(found)
            else:
                index += 1
        for run in _UNSPACED.finditer(text):
            chunk = fold(run.group())
            if len(chunk) != len(run.group()):
                continue  # folding changed its length: offsets would not map back
            start = 0
            while start < len(chunk):
                for length in self.starts.get(chunk[start], ()):
                    code = self.unspaced.get(chunk[start : start + length]) if start + length <= len(chunk) else None
                    if code:
                        hits.append(MarketHit(code, run.start() + start, run.start() + start + length, True, True))
                        start += length
                        break
                else:
                    start += 1
        return hits

    def _word(self, written: str, folded: str) -> str | None:
        code = self.names.get(folded)
        if code:
            return code
        for clitic in _CLITICS if folded[:1] in _CLITIC_STARTS else ():
            if folded.startswith(clitic) and len(folded) - len(clitic) >= 3:
                rest = folded[len(clitic) :]
                code = self.names.get(rest) or (self.names.get("ال" + rest[1:]) if clitic == "لل" else None)
                if code:
                    return code
        if written.isalpha() and not _UNSPACED.search(written):
            for end in range(len(folded) - 1, max(CITY_STEM, len(folded) - CITY_ENDING) - 1, -1):
                code = self.names.get(folded[:end])
                if code and _VOWEL.search(folded[end:]):  # a case ending ("-as", "-e", "-ssa"), not "Turin-g"
                    return code
        return None


def _entities() -> list[EntityConfig]:
    names: dict[str, list[object]] = {}
    adjectives: dict[str, list[object]] = {}
    for language, tables in _territory_names().items():
        base = language.split("_")[0]
        for kind, countries in tables.items():
            for code, values in countries.items():
                for value in values:
                    adjective = kind == "adjectives" or lower_written(value)
                    target = adjectives if adjective else names
                    target.setdefault(code, []).extend(_variants(value, base, adjective))
                    if base == "ar" and not adjective:
                        adjectives.setdefault(code, []).extend(_arabic_adjectives(value))
    for language, countries in _alternate_names().items():
        base = language.split("_")[0]
        for code, values in countries.items():
            for value in values:
                if value.isupper() and len(value) <= 5:  # "ABD", "САЩ", "USA": as written ("sad" is no "SAD")
                    names.setdefault(code, []).append({"text": value, "case_sensitive": True})
                else:
                    names.setdefault(code, []).extend(_variants(value, base, False))
    for code, values in EXTRA_NAMES.items():
        names.setdefault(code, []).extend(values)
    for table in (EXTRA_ADJECTIVES, _english_demonyms()):
        for code, values in table.items():
            adjectives.setdefault(code, []).extend(values)
    regions: dict[str, list[object]] = {codes: list(values) for codes, values in REGIONS.items()}
    entities = []
    for kind, table in (("name", names), ("adjective", adjectives), ("city", regions)):
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


_SOURCES = ("territories.json", "territory_alt_names.json", "cities.json")  # in data/


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
        "matcher": compile_table(entities),
        "exact": {text: sorted(kinds) for text, kinds in exact.items()},
        "cities": CityFinder(_city_names()).parts(),
    }


def table_key() -> str:
    """The key of market_table()'s sources: the data files, this module (its names, rules and how it builds the
    table) and watcher.match (folding, compiling)."""
    files = [shipped_tables.data_bytes(name) for name in _SOURCES]
    return shipped_tables.key(*files, shipped_tables.code(__name__), shipped_tables.code("watcher.match"))


class MarketFinder:
    """Every country name and adjective in one automaton; from the shipped table (watcher/analyze/tables.py), else
    built (~0.3 CPU-s), once per process."""

    def __init__(self, table: dict[str, Any] | None = None) -> None:
        table = table if table is not None else market_table()
        self.matcher = Matcher.from_table(table["matcher"])
        # folded name or adjective as written → ("KR:name", ...): tuples, which the garbage collector leaves alone
        self.exact = {text: tuple(kinds) for text, kinds in table["exact"].items()}
        self.names = frozenset(
            text for text, kinds in self.exact.items() if any(kind.endswith(":name") for kind in kinds)
        )
        self.cities = CityFinder.from_parts(table["cities"])

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

    def find(self, text: str, any_case: bool = False) -> list[MarketHit]:
        """Countries named in `text`, in text order (a longer name wins: "North Korea" is not KR). A name written in
        lower case is a word ("island", Croatian "mali": small), unless `any_case` (text folded already)."""
        if not text:
            return []
        hits = []
        written: dict[MarketHit, bool] = {}
        for entity_match in self.matcher.match({"text": text}):
            code, kind = entity_match.entity.split(":")
            written_hits = [
                hit
                for hit in entity_match.hits
                if not _NOT_PLACES.fullmatch(fold(hit.text)) and not _CURRENCY.match(text, hit.end)
            ]
            if kind == "city":
                for hit in written_hits:
                    found = MarketHit(code, hit.start, hit.end, True, True)
                    hits.append(found)
                    written[found] = True
                continue
            for hit in written_hits:
                exact = entity_match.entity in self.exact.get(" ".join(fold(hit.text).split()), ())
                if kind == "name" and exact and not any_case and lower_written(hit.text) and " " not in hit.text:
                    continue  # a word, where names are capitalised: "island" is not Island (Iceland), "mali" not Mali
                # A name's stem run on in lower case is its adjective: "japanische", "coreana", "węgierski"; so is
                # one run on further than a case ending: "Tanskalainen" (Danish), not "Tanskassa" (in Denmark).
                name = kind == "name" and (exact or (not lower_written(hit.text) and not self._run_on(hit.text, code)))
                found = MarketHit(code, hit.start, hit.end, name)
                hits.append(found)
                written[found] = exact
        # Longest first; of one span, a name as written before a stem's continuation: "Nigeria" is NG, not "Niger*".
        hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start), not written[hit]))
        # Cities where no country is named: "Tallinnas", not "Mexico City"'s Mexico twice.
        hits.extend(city for city in self.cities.find(text) if not any(
            hit.start < city.end and city.start < hit.end for hit in hits))  # fmt: skip
        for hit in hits:
            written.setdefault(hit, True)
        hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start), not written[hit]))
        kept: list[MarketHit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                continue
            kept.append(hit)
        # A country's name that names a place of a city in another country is that place: "Zona Franca de Barcelona".
        kept = [
            hit
            for hit, after in zip(kept, [*kept[1:], None], strict=False)
            if not (
                after is not None
                and after.is_city
                and not hit.is_city
                and after.code != hit.code
                and _OF_PLACE.fullmatch(text[hit.end : after.start])
            )
        ]
        # A region is each of its countries, at its place: "the Baltic states" are EE, LV and LT.
        return [
            MarketHit(code, hit.start, hit.end, hit.is_name, hit.is_city) for hit in kept for code in hit.code.split()
        ]

    def codes(self, text: str) -> set[str]:
        return {hit.code for hit in self.find(text)}


@cache
def market_finder() -> MarketFinder:
    return MarketFinder(shipped_tables.shipped(shipped_tables.MARKETS, table_key()))
