"""Languages the detector takes for one another, told apart by their own words and letters. Pure.

lid.176 reads a Malay headline as Indonesian, Afrikaans as Dutch, Bosnian as Croatian, Serbian or Slovenian, Igbo as
Yoruba or Vietnamese (it does not know Igbo), Norwegian as Danish, Galician as Portuguese, Portuguese as Spanish,
Malay and Uzbek as Turkish (tests/data/lang/close-pairs.jsonl, bench/language_grid.py: 0.866 right before these
rules). Each pair (close_language_words.py) lists words one side writes and the other does not (Malay "syarikat",
"kerana", "bahawa" against Indonesian "perusahaan", "karena", "bahwa"); where the detector's answer is one of a pair
and the text has more of the other's words, the other is the language. A tie keeps the detector's answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from watcher.analyze.close_language_words import PAIRS

# Pairs where the detector's second guess must be the other language too (tuned so on the labelled sets before the
# grid: Nepali's "छ", "गरेको" and case endings written onto a noun against Hindi's "है", "में"; Galician's "e", "o",
# "do", "unha" against Spanish's "y", "el", "del", "una").
_SECOND_GUESS_PAIRS = {
    frozenset({"hi", "ne"}): {
        "ne": frozenset({"छ", "छन्", "गरेको", "भएको", "हो", "पनि", "गर्ने", "भने", "र", "मा", "थियो", "गरेका"}),
        "hi": frozenset({"है", "हैं", "में", "की", "के", "से", "ने", "था", "थी", "और", "गया", "किया"}),
    },
    # Kyrgyz headlines the model reads as Russian ("... Казакстанга кирди: Алматыда биринчи соода борбору").
    frozenset({"ru", "ky"}): {
        "ky": frozenset({"жана", "менен", "үчүн", "боюнча", "биринчи", "кирди", "соода", "борбору", "дагы", "болот",
                         "болду", "ачты", "ачат", "өлкөдө", "жылы", "миң", "компаниясы", "мамлекет", "сатып"}),
        "ru": frozenset({"и", "в", "на", "с", "по", "для", "что", "из", "от", "первый", "первую", "первого", "вышла",
                         "открыла", "года", "году", "открывает"}),
    },
    frozenset({"es", "gl"}): {
        # Not "dos", Spanish for two: "dos días después de la renuncia" is Spanish.
        "gl": frozenset({"e", "o", "os", "do", "unha", "coa", "cos", "polo", "pola", "tamén", "máis", "xa"}),
        "es": frozenset({"y", "el", "los", "del", "una", "las", "al", "también", "más", "ya", "la", "su"}),
    },
}  # fmt: skip
_NEPALI_ENDINGS = ("लाई", "ले")

_KIN = frozenset().union(*_SECOND_GUESS_PAIRS, *PAIRS)  # and _SLAVIC_SOUTH, below
_KY_LETTERS = re.compile("[өүңӨҮҢ]")
_TR_LETTERS = re.compile("[şğıŞĞİ]")
_UZ_LETTERS = re.compile("[xqXQ]|[oOgG][ʻʼ'‘’]")  # "xorijiy", "Qozog'iston": letters Turkish does not write
_SK_LETTERS = re.compile("[äôľĺŕÄÔĽĹŔ]")
_CS_LETTERS = re.compile("[ěřůĚŘŮ]")
_PT_LETTERS = re.compile("[ãõçÃÕÇ]")
_GL_ES_LETTERS = re.compile("[ñÑ]")

# Serbo-Croatian's standards and Slovenian. Slovenian writes "v", "in", "so", "bo", "ki", "tudi"; the others "u", "i",
# "su", "će", "koji", "također". Of those, Serbian writes "e" where Croatian and Bosnian write "ije"/"je" (ekavian
# "mesec", "vrednost", "reč"; ijekavian "mjesec", "vrijednost", "riječ"); Croatian has words of its own ("tvrtka",
# "tisuća", "tjedan", "milijuna", "priopćila"), Bosnian shares Serbian's ("kompanija", "hiljada", "miliona") and has its
# own ("sedmica", "saopćila", "uposlenici").
_SLAVIC_SOUTH = frozenset({"bs", "hr", "sr", "sh", "sl"})
_SLOVENIAN_WORDS = frozenset({
    "v", "in", "so", "bo", "bodo", "ki", "tudi", "pri", "čez", "več", "kot", "ter", "lani", "letos", "podjetje",
    "podjetja", "družba", "družbe", "milijonov", "evrov", "odstotkov", "sporočili", "vendar", "zdaj", "tega", "trg",
})  # fmt: skip
_SERBO_CROATIAN_WORDS = frozenset({
    "u", "i", "su", "će", "koji", "koja", "koje", "kao", "ili", "godine", "što", "šta", "sa", "nakon", "također",
    "takođe", "tržište", "tržišta", "tokom", "tijekom", "biće", "bit", "preko", "kompanija", "kompanije", "tvrtka",
})  # fmt: skip
_CROATIAN_WORDS = frozenset({
    "tvrtka", "tvrtke", "tvrtku", "tvrtki", "tvrtkom", "tisuća", "tisuće", "tjedan", "tjedna", "tjednu", "milijun",
    "milijuna", "priopćila", "priopćio", "priopćeno", "priopćenju", "tijekom", "također", "kućanstva", "plaća", "plaće",
    "plaću", "tko", "što", "sveučilište", "izvješće", "zrakoplov", "vlak", "kruh", "ravnatelj", "znanost", "povijest",
    "idući", "sljedeći", "siječnja", "veljače", "ožujka", "travnja", "svibnja", "lipnja", "srpnja", "kolovoza", "rujna",
    "listopada", "studenoga", "prosinca", "prodavaonica", "trgovački",
})  # fmt: skip
_SERBIAN_BOSNIAN_WORDS = frozenset({
    "kompanija", "kompanije", "kompaniju", "kompaniji", "kompanijom", "hiljada", "hiljade", "hiljadu", "miliona",
    "milion", "plata", "plate", "prodavnica", "prodavnice", "takođe", "šta", "ko", "naredne", "naredni", "tokom",
})  # fmt: skip
_BOSNIAN_WORDS = frozenset({
    "sedmica", "sedmice", "sedmicu", "sedmici", "saopćila", "saopćio", "saopćeno", "saopćenju", "historija",
    "historije", "uposlenici", "uposlenika", "uposlenih", "bih", "procenat", "procenata", "hljeb", "lahko", "km",
})  # fmt: skip
_IJEKAVIAN = re.compile(
    r"(?:mjese|vrijed|riječ|vijest|sljede|prije|lijek|uvijek|dijet|vrijem|mjest|mjer|cijen|svijet|sjever|ljet|tijel"
    r"|zahtjev|rješ|nedjelj|sjediš|posljednj|predsjedn|uspje|smjer|zamjen|promjen|ocjen|gdje|ovdje|dvije|cijel|pjes"
    r"|djel|mlijek|poslije|vjerojat|njemač|bit$|posto$)"
)
_EKAVIAN = re.compile(
    r"(?:mese[cč]|vredn|reč|vest[iy]?$|slede|pre$|lek$|leka|uvek|dete|vreme|mesto|mesta|mera|mere|cena|cene|svet"
    r"|sever|leto|telo|zahtev|reš|nedelj|sedišt|poslednj|predsedn|uspe[hš]|smer|zamen|promen|ocen|gde$|ovde|dve$|ceo"
    r"|pesm|deo$|posle|verovat|nemač|biće$|odsto$)"
)

# Igbo, which lid.176 does not know: "ụ", "ị" and "ṅ" are its own among the languages written with dots below
# (Yoruba writes "ẹ", "ọ", "ṣ"; Vietnamese writes "ụ" and "ị" too, but never without "ư", "ơ", "đ", "ê", "ô", "â" or
# "ă").
_IGBO = re.compile("[ụịṅỤỊṄ]|[uiUI]\u0323|[nN]\u0307")
_VIETNAMESE = re.compile("[ăâêôơưđĂÂÊÔƠƯĐ]")


def igbo(text: str) -> bool:
    """Igbo by its letters: two of "ụ", "ị", "ṅ" and none of Vietnamese's own."""
    if len(_IGBO.findall(text)) < 2:  # (composed or not: the pattern has both)
        return False
    return _VIETNAMESE.search(unicodedata.normalize("NFC", text)) is None


def kin_of(code: str | None) -> bool:
    """Whether the detector's answer is one of a pair these rules tell apart (most answers are not: no words read)."""
    return code in _KIN or code in _SLAVIC_SOUTH


def closest(words: Sequence[str], text: str, found: str | None, second: str | None) -> str | None:
    """The language of the detector's answer `found` (its second guess `second`) that the text's own words point to."""
    if found is None:
        return None
    if found in _SLAVIC_SOUTH:
        return _south_slavic(words, found)
    best, margin = found, 0
    for pair, own in _SECOND_GUESS_PAIRS.items():
        if found in pair and second in pair and second != found:
            counts = {code: sum(word in table for word in words) for code, table in own.items()}
            if second == "ne":
                counts["ne"] += sum(word.endswith(_NEPALI_ENDINGS) and len(word) > 3 for word in words)
            if "ky" in counts:
                counts["ky"] += len(_KY_LETTERS.findall(text))  # "ө", "ү", "ң": never Russian
            if counts[second] - counts[found] > margin:
                best, margin = second, counts[second] - counts[found]
    best, margin = _by_pairs(words, text, found, best, margin)
    if best != found:
        # Taken from one language to its kin, and that one has kin of its own: Turkish to Malay, then Indonesian.
        best, _margin = _by_pairs(words, text, best, best, 0, skip=found)
    return best


def _by_pairs(
    words: Sequence[str], text: str, found: str, best: str, margin: int, skip: str | None = None
) -> tuple[str, int]:
    for pair, own in PAIRS.items():
        if found not in pair or skip in pair:
            continue
        (other,) = pair - {found}
        counts = {code: sum(word in table for word in words) for code, table in own.items()}
        _count_letters(counts, text)
        if counts[other] - counts[found] > margin:
            best, margin = other, counts[other] - counts[found]
    return best, margin


def _count_letters(counts: dict[str, int], text: str) -> None:
    """Letters only one side of a pair writes: Slovak "ä", "ô", "ľ" against Czech "ě", "ř", "ů"; Portuguese "ã", "õ",
    "ç" against Galician's and Spanish's "ñ"."""
    if "sk" in counts:
        counts["sk"] += len(_SK_LETTERS.findall(text))
        counts["cs"] += len(_CS_LETTERS.findall(text))
    if "pt" in counts:
        counts["pt"] += len(_PT_LETTERS.findall(text))
        other = "gl" if "gl" in counts else "es"
        counts[other] += len(_GL_ES_LETTERS.findall(text))
    if "tr" in counts:
        counts["tr"] += len(_TR_LETTERS.findall(text))
        if "uz" in counts:
            counts["uz"] += len(_UZ_LETTERS.findall(text))


def _south_slavic(words: Sequence[str], found: str) -> str:
    """Slovenian, Bosnian, Croatian or Serbian (the detector's "sh", Serbo-Croatian, is none of them) in Latin
    letters; in Cyrillic, Serbian."""
    if any("\u0400" <= char <= "\u04ff" for word in words[:8] for char in word):
        return "sr" if found in ("sh", "bs") else found
    slovenian = sum(word in _SLOVENIAN_WORDS for word in words)
    serbo_croatian = sum(word in _SERBO_CROATIAN_WORDS for word in words)
    if found == "sl":
        return "sl" if slovenian >= serbo_croatian else _standard(words, "sh")
    if slovenian > serbo_croatian:
        return "sl"
    return _standard(words, found)


def _standard(words: Sequence[str], found: str) -> str:
    """Which of Serbo-Croatian's standards: Serbian where ekavian forms ("vrednost", "biće", "odsto") outnumber
    ijekavian and western ones ("vrijednost", "bit će", "posto"); else Croatian or Bosnian by their own words; else the
    detector's answer ("sh": Croatian)."""
    ijekavian = sum(_IJEKAVIAN.match(word) is not None for word in words)
    ekavian = sum(_EKAVIAN.match(word) is not None for word in words)
    if ekavian > ijekavian:
        return "sr"
    croatian = sum(word in _CROATIAN_WORDS for word in words)
    bosnian_own = sum(word in _BOSNIAN_WORDS for word in words)
    bosnian = bosnian_own + sum(word in _SERBIAN_BOSNIAN_WORDS for word in words)
    if ijekavian > ekavian or found in ("hr", "bs", "sh") or bosnian_own:
        if croatian > bosnian:
            return "hr"
        if bosnian > croatian:
            return "bs"
        if ijekavian > ekavian and found == "sr":
            return "hr"
    return "hr" if found == "sh" else found
