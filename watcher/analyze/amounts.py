"""Amounts read the same in every language and digit system: "$10bn", "10 milliards", "100億ドル" and "zehn" aside,
"Rs 15,000 crore" and "१५ हजार कोटींचा" are one figure each. Pure.

Two reports of one event in languages the encoder cannot compare share little but such figures, and each language
writes them its own way: its own digits (Devanagari १५, Bengali ১৫, Arabic-Indic ١٥), its own scale words (млрд, 億,
crore, lakh, triệu, juta, مليون), scales that chain ("mil millones", "15 हजार कोटी", "พันล้าน", "2천억원").
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from watcher.match.chars import ARABIC_LETTERS

# Decimal digits of the scripts news is written in, as ASCII: Arabic-Indic, Persian, Devanagari, Bengali, Gurmukhi,
# Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian, full-width.
_DIGIT_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0E50,
                0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10)  # fmt: skip
_TO_ASCII = {zero + value: str(value) for zero in _DIGIT_ZEROS for value in range(10)}
_TO_ASCII.update({0x066B: ".", 0x066C: ",", 0xFF0C: ",", 0xFF0E: "."})  # Arabic decimal and thousands marks
# Arabic script's letter variants written one way, as the matcher folds them (one letter for one: offsets stay valid):
# Persian "میلیون" typed with Arabic's ي and as Persian writes it, read by one pattern.
_TO_ASCII.update(ARABIC_LETTERS)


_OTHER_DIGIT = re.compile("[" + "".join(chr(code) for code in sorted(_TO_ASCII)) + "]")


def ascii_digits(text: str) -> str:
    """The text with every script's decimal digits written 0-9, and Arabic script's letter variants one way (same
    length: offsets stay valid)."""
    return text.translate(_TO_ASCII) if _OTHER_DIGIT.search(text) else text


# Scale words, by power of ten. A Latin or Cyrillic stem takes its inflections ("milliards", "miliardi", "млрд.",
# "millones"); one in an Indic script its case endings ("कोटींचा": of crores). English "billion" only where it is
# 10^9: German, French, Dutch, Spanish... "billion" is 10^12, and their 10^9 has a word of its own.
_SCALES: dict[int, str] = {
    3: r"thousands?|tausend|тыс\w*|тисяч\w*|tys\w*|mil(?=\s+mil)|mil|bin|ribu|nghìn|ngàn|elfu|ezer|tuhat|tisíc\w*|"
    r"χιλ\w*|אלף|ألف|آلاف|هزار|हज़ार|हजार|হাজার|ஆயிரம்|พัน|千|천",
    4: r"万|萬|만|หมื่น",
    5: r"lakhs?|लाख|লাখ|লক্ষ|แสน|لاکھ",
    6: r"millions?|millionen|mil+i?o(?:n|ni|ne|nes|ns|nów|ny|nu|nů|ane|ner|ен|en)|miljoen\w*|miljon\w*|miljoon\w*|"
    r"millió\w*|millón|milhão|milhões|milyon\w*|mln|mio|mn|млн\w*|миллион\w*|мільйон\w*|милион\w*|triệu|juta|"
    r"מיליון|مليون|ملايين|میلیون|ล้าน|εκατ\w*|მილიონ\w*|ሚሊዮን|百万",
    7: r"crores?|करोड़?\w*|कोटी|कोटि|কোটি|கோடி|کروڑ",
    8: r"亿|億|억",
    9: r"billions?|bn|bln|mil+i?ard\w*|miliar\w*|miljard\w*|milyar\w*|milliárd\w*|mrd|mld|mia|bilhão|bilhões|bilioni|"
    r"bilion|млрд\w*|миллиард\w*|мільярд\w*|милијард\w*|tỷ|tỉ|מיליארד|مليار\w*|ميليار\w*|میلیارد|ارب|δισ\w*|十亿",
    # "trn": the Nigerian and British press ("N1.2trn"); Hausa "tiriliyan", Yoruba "tiriliọnu".
    12: r"trillions?|tn|trn|трлн\w*|triliun|trilioni|tiriliyan|tiriliọn\w*|tirilion\w*|兆|조",
}
_BILLION_IS_TRILLION = frozenset({"de", "fr", "nl", "es", "it", "pt", "pl", "sv", "da", "no", "nb", "fi", "cs", "sk",
                                  "hu", "ro", "hr", "sr", "sl", "ca", "et", "lt", "lv"})  # fmt: skip
# Written as ascii_digits writes a text: "میلیون" as "ميليون", "ہزار" as "هزار".
_SCALE_WORD = "|".join(f"(?P<e{power}>{words.translate(ARABIC_LETTERS)})" for power, words in _SCALES.items())
# Indic vowel signs and viramas are not \w: a stem's case ending is written with them ("कोटींचा").
_MARKS = r"[\u0900-\u0dff]*"
_NUMBER = r"\d{1,3}(?:[.,' \u00a0]\d{3})+|\d+(?:[.,]\d+)?"
# A scale word in an alphabet that spaces its words ends with its word ("mil", not "millones"); 億 and ล้าน do not.
_WORD_END = r"(?![a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff])"
# ... and one written in Han, Hangul or Thai letters needs no end: "240萬TEU" is 2.4 million TEU.
_UNSPACED_END = r"(?<=[\u0e00-\u0e7f\u3040-\u9fff\uac00-\ud7af])"
_ONE_SCALE = re.compile(rf"\s*(?:{_SCALE_WORD}){_MARKS}(?:{_UNSPACED_END}|{_WORD_END})", re.IGNORECASE)
# Romanian counts twenty and more "de": "40 de milioane"; English joins a sum to its noun: "a ₹2,500-crore order".
# Scripts written without spaces put a word right before the number ("を100億ドル"); a Latin letter there is a
# currency's ("RM450 million", "Rs15 crore") or a model's ("A350").
# (A pattern that opens with a digit is searched for digits first, in C: ~3 times faster than one that opens with
# the look-behind.) A number's first digit: not inside another number ("1.5", "1,500"), but after an abbreviation's
# point ("Rs.3,000 crore", "ரூ.3,000 கோடி").
_FIRST = r"(?<![\d,]\d)(?<!\d\.\d)"
_AMOUNT = re.compile(
    rf"(?P<number>\d{_FIRST}(?:\d{{0,2}}(?:[.,' \u00a0]\d{{3}})+|\d*(?:[.,]\d+)?))"
    rf"(?:\s+de(?=\s)|-(?=[^\W\d_]))?(?:{_ONE_SCALE.pattern})+",
    re.IGNORECASE,
)
# "N1.2trn": Nigerian papers write the naira's sign (₦) as N; "KSh", "GH₵" for shillings and cedis.
_CURRENCY_BEFORE = re.compile(
    r"(?:^|[^a-z])(?:rs|rm|r|us|usd|eur|inr|hk|nt|rmb|sar|aed|zar|idr|php|kes|ngn|n|ksh|gh|egp)\s?$", re.I
)
# "€32m", "$45m", "$10b", "R1.2b": one letter is a scale only right after a sum of money.
_MONEY = re.compile(rf"(?P<number>\d{_FIRST}\d*(?:[.,]\d+)?)(?P<unit>[mbk])\b", re.I)
_MONEY_BEFORE = re.compile(r"(?:[$€£¥₹₩₽]|(?<![a-z])(?:rs|rm|r|us\$|usd|eur))\s?$", re.I)
_LETTER_SCALE = {"k": 3, "m": 6, "b": 9}
# Swahili and Hausa put the scale word before the number: "shilingi bilioni 12", "Naira tiriliyan 1.2" (a pattern of
# their words only: "million 5" in another language is no sum).
_SCALE_FIRST = re.compile(
    r"(?<!\w)(?P<scale>milioni|bilioni|trilioni|miliyan|biliyan|tiriliyan)\s+"
    r"(?P<number>\d(?<![\d,]\d)(?:\d{0,2}(?:[.,' \u00a0]\d{3})+|\d*(?:[.,]\d+)?))(?!\d)",
    re.IGNORECASE,
)
_SCALE_FIRST_POWER = {"mil": 6, "bil": 9, "tri": 12, "tir": 12}
# Shares as every language writes them: "16%", "16 %", "%16" (Turkish), "16٪", "16 per cent", "16 Prozent".
_PERCENT = re.compile(
    r"%(?<![\d.,]%)\s?(?P<before>\d+(?:[.,]\d+)?)|(?P<number>\d(?<![\d.,]\d)\d*(?:[.,]\d+)?)\s?(?:[%٪％]|"
    r"(?:per ?cent|percent|prozent|procent\w*|pour ?cent|por ?ciento|per ?cento|por ?cento|процент\w*|відсот\w*|"
    r"yüzde|persen|peratus|phần trăm|asilimia|százalék\w*|prosent|prosentti|τοις εκατό|אחוז|بالمئة|في المئة|درصد|"
    r"प्रतिशत|শতাংশ|فیصد)\b)".translate(ARABIC_LETTERS),
    re.IGNORECASE,
)


def number_value(raw: str) -> str:
    """A number as written in any locale, normalised: "6,000", "6.000" and "6 000" are "6000"; "3,4" is "3.4"."""
    if re.fullmatch(r"\d{1,3}(?:[.,' \u00a0]\d{3})+", raw):
        return re.sub(r"\D", "", raw)
    value = raw.replace(",", ".")
    return value.rstrip("0").rstrip(".") if "." in value else value  # "12.50" is "12.5"


def scaled_amounts(text: str, language: str | None = None) -> frozenset[str]:
    """The amounts a text names with a scale word, as values: "Rs 15,000 crore" and "१५ हजार कोटी" are "1.5E+11";
    a sum in parts is one ("138억8000만", "1조 2천억원"); shares as "16%" ("%16", "16 Prozent", "16٪")."""
    text = ascii_digits(text)
    values: list[Decimal] = []
    last_end, last_power = -1, 0
    for match in _AMOUNT.finditer(text):
        before = text[max(match.start() - 5, 0) : match.start()]
        if before[-1:].isascii() and before[-1:].isalpha() and not _CURRENCY_BEFORE.search(before):
            continue
        power = sum(_power(scale, language) for scale in _ONE_SCALE.finditer(text, match.end("number"), match.end()))
        value = Decimal(number_value(match.group("number"))).scaleb(power)
        if values and power < last_power and not text[last_end : match.start()].strip():
            values[-1] += value  # the lower part of a sum in parts
        else:
            values.append(value)
        last_end, last_power = match.end(), power
    for match in _SCALE_FIRST.finditer(text):
        power = _SCALE_FIRST_POWER[match.group("scale")[:3].lower()]
        values.append(Decimal(number_value(match.group("number"))).scaleb(power))
    for match in _MONEY.finditer(text):
        if _MONEY_BEFORE.search(text, max(match.start() - 7, 0), match.start()):
            unit = _LETTER_SCALE[match.group("unit").lower()]
            values.append(Decimal(number_value(match.group("number"))).scaleb(unit))
    found = set(map(_rounded, values))
    found.update(f"{number_value(m.group('number') or m.group('before'))}%" for m in _PERCENT.finditer(text))
    return frozenset(found)


def _power(scale: re.Match[str], language: str | None) -> int:
    word = next(name for name, value in scale.groupdict().items() if value)
    if word == "e9" and scale.group(word).lower().startswith("billion") and language in _BILLION_IS_TRILLION:
        return 12
    return int(word[1:])


def _rounded(value: Decimal) -> str:
    """To three significant digits, in decimal: "15.95 billion" and "159.5亿" are one value, exactly."""
    if not value:
        return "0"
    rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - 2), rounding=ROUND_HALF_UP)
    return f"{rounded.normalize():E}"


AMOUNT_TOLERANCE = 1.05  # sums within 5%: one amount rounded or converted near par


def same_amounts(mine: frozenset[str], theirs: frozenset[str]) -> int:
    """How many of one text's amounts the other names, to within rounding ("1.245 millones" and "$1.2bn") and a
    currency near par ("$180 million" and "175 millions d'euros"): shares exactly."""
    if not (mine and theirs):
        return 0
    exact = mine & theirs
    count = len(exact)
    sums = [float(value) for value in theirs - exact if not value.endswith("%")]
    for value in mine - exact:
        if not value.endswith("%") and any(_near(float(value), other) for other in sums):
            count += 1
    return count


def _near(a: float, b: float) -> bool:
    return max(a, b) <= AMOUNT_TOLERANCE * min(a, b)
