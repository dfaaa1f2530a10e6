"""How country names change in the languages that write endings or prefixes onto them, where a '*' after the whole
name is not enough or too much: the scripts whose vowels are signs on a consonant (Indic, Ethiopic), Greek's case
endings, Georgian's dropped nominative "-ი". market_table.py asks for each name's forms here.

Letters, not characters, measure a name in an abugida: "चीन" (China) is three characters but two letters, and a '*'
after two letters runs into other words ("মালি*" is "মালিক", owner; "ኩባ*" is "ኩባንያ", company), so names that
short get their endings written out instead.
"""

from __future__ import annotations

import re
import unicodedata

# Indic languages whose postpositions are written onto the name: "ভারতেও" (bn), "भारतात" (mr), "नेपालमा" (ne),
# "ભારતમાં" (gu), "இந்தியாவில்" (ta), "చైనాలో" (te), "ಚೀನಾದಲ್ಲಿ" (kn), "ചൈനയിൽ" (ml), "චීනයේ" (si).
INDIC_SUFFIXED = frozenset({"bn", "mr", "ne", "gu", "ta", "te", "kn", "ml", "si"})
# The endings of a name of two letters, written out: "চীনে", "चीनमध्ये", "चीनमा", "சீனாவில்", "ቻድን".
SHORT_ENDINGS: dict[str, tuple[str, ...]] = {
    "bn": ("ে", "ের", "ও", "েও", "কে", "তে", "তেও", "র", "য়", "য়ে", "ই", "েই"),
    "mr": ("ला", "चा", "ची", "चे", "त", "ात", "मध्ये", "मधील", "ने", "कडे", "ातील", "ाला", "ाचा", "ाची", "ाचे",
           "शी", "तील"),
    "ne": ("मा", "को", "ले", "बाट", "सँग", "लाई", "मै", "तर्फ"),
    "gu": ("માં", "ના", "ની", "નું", "થી", "ને", "માંથી", "મા"),
    "ta": ("வில்", "வுக்கு", "வின்", "வை", "வுடன்", "விலும்", "விற்கு"),
    "te": ("లో", "కు", "లోని", "తో", "ను", "కి", "పై", "లోకి"),
    "kn": ("ದಲ್ಲಿ", "ಕ್ಕೆ", "ದ", "ವನ್ನು", "ದಿಂದ", "ಗೆ"),
    "ml": ("യിൽ", "യുടെ", "യ്ക്ക്", "യിലേക്ക്", "യിലെ", "ിൽ", "ിലെ", "ിലേക്ക്"),
    "si": ("ේ", "ට", "යේ", "යට", "හි"),
    "am": ("ን", "ው", "ም", "ውን", "ዊ"),
}  # fmt: skip
# The endings of a name of four letters in the languages that write them onto it (a '*' after four letters runs
# into words: Hungarian "Kína*" is "kínál", offers): "Kínában", "Virossa", "Kinas", "Иранда", "Misrda", "Çində".
SHORT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "hu": ("ban", "ben", "ba", "be", "ból", "ből", "ra", "re", "ról", "ről", "nak", "nek", "hoz", "höz", "tól",
           "től", "val", "vel", "t", "n", "on", "en", "ön", "ért"),
    "fi": ("n", "ssa", "sta", "an", "on", "hin", "lla", "lta", "lle", "ksi", "issa", "ista", "iin", "in", "ille",
           "illa", "ia", "a"),
    "et": ("s", "st", "sse", "le", "l", "lt", "ga", "ni", "d"),
    "sv": ("s",), "da": ("s",), "nb": ("s",), "de": ("s",), "nl": ("s",),
    "kk": ("да", "та", "де", "те", "ға", "ғе", "қа", "ке", "ге", "на", "не", "ның", "нің", "дың", "дің", "тың",
           "тің", "дан", "ден", "тан", "тен", "нан", "нен", "ны", "ні", "ды", "ді", "ты", "ті"),
    "ky": ("да", "до", "та", "то", "га", "го", "ка", "ко", "нын", "дын", "дан", "дон", "тан", "тон", "ны", "ды"),
    "uz": ("da", "ga", "ka", "qa", "ning", "dan", "ni", "dagi"),
    "az": ("da", "də", "ya", "yə", "a", "ə", "dan", "dən", "ın", "in", "un", "ün", "nın", "nin", "ı", "i", "dakı",
           "dəki"),
}  # fmt: skip


def short_forms(name: str, language: str, size: int = 4) -> list[str]:
    """A one-word name of `size` letters and its endings written out, in a language that writes them onto it."""
    endings = SHORT_SUFFIXES.get(language, ())
    if " " in name or not endings or letters(name) != size:
        return [name]
    return [name, *(name + ending for ending in endings)]


# Every Indic ending, for the cities' finder: "দুবাইতে", "मुंबईमध्ये".
INDIC_ENDINGS = frozenset(
    ending for language, endings in SHORT_ENDINGS.items() if language != "am" for ending in endings
)
# Amharic's prefixes: "በኢትዮጵያ" (in), "ለ" (for), "ከ" (from), "የ" (of), "ወደ" (to).
AMHARIC_PREFIXES = ("በ", "ለ", "ከ", "የ", "ወደ")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_ABUGIDA = re.compile("[\u0900-\u0dff\u1200-\u139f]")
_GREEK_VOWELS = set("αεηιουω")


def letters(text: str) -> int:
    """Letters in `text`, vowel signs and viramas aside: "चीन" has two, "ভারত" three."""
    return sum(1 for ch in text if unicodedata.category(ch).startswith("L"))


def is_abugida(text: str) -> bool:
    return _ABUGIDA.search(text) is not None


def _plain(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", ch.lower()) if not unicodedata.combining(c))


def abugida_forms(name: str, language: str) -> list[str]:
    """An Indic or Amharic name and its endings: a '*' after three letters or more, the endings written out after
    two; Amharic's prefixes before either ("በኢትዮጵያ*", "የኬንያው")."""
    if " " in name:  # "संयुक्त अरब अमिराती": the last word's endings ("अमिरातीत"); Amharic's prefixes on the first
        bases = [name, *(prefix + name for prefix in AMHARIC_PREFIXES)] if language == "am" else [name]  # "የደቡብ አፍሪካው"
        return [form for base in bases for form in (base, base + "*")] if letters(name.split()[-1]) >= 3 else bases
    bases = [name, *(prefix + name for prefix in AMHARIC_PREFIXES)] if language == "am" else [name]
    if letters(name) >= 3:
        return [form for base in bases for form in (base, base + "*")] + bound_stem(name, language)
    endings = SHORT_ENDINGS.get(language, ())
    return [form for base in bases for form in (base, *(base + ending for ending in endings))]


# Malayalam's chillu letters, a consonant with no vowel ending a word, and the consonant an ending writes instead:
# "ജപ്പാൻ" (Japan), "ജപ്പാനിൽ" (in Japan).
_CHILLU = {"\u0d7a": "\u0d23", "\u0d7b": "\u0d28", "\u0d7c": "\u0d30", "\u0d7d": "\u0d32", "\u0d7e": "\u0d33",
           "\u0d7f": "\u0d15"}  # fmt: skip
_VIRAMA = {"ta": "\u0bcd", "ml": "\u0d4d"}


def bound_stem(name: str, language: str) -> list[str]:
    """The stem an ending is written onto where it takes the place of the name's last sign: Tamil and Malayalam
    names end in a consonant with its vowel killed (a virama: "ஜப்பான்", "ഈജിപ്ത്") or a chillu ("ജപ്പാൻ"), and
    the endings' vowel signs replace the virama ("ஜப்பானில்", "ഈജിപ്തിൽ") or turn the chillu back into its
    consonant ("ജപ്പാനിൽ"): the '*' after the whole name never finds them."""
    last = name[-1:]
    if language == "ml" and last in _CHILLU:
        return [name[:-1] + _CHILLU[last] + "*"]
    if last and last == _VIRAMA.get(language):
        return [name[:-1] + "*"]
    return []


def greek_forms(name: str) -> list[str]:
    """A Greek name in its cases: each word's stem with a '*' where it keeps five letters ("Αίγυπτος" →
    "Αίγυπτ*": "Αίγυπτο", "Αιγύπτου"; "Ηνωμένο Βασίλειο" → "Ηνωμέν* Βασίλ*": "Ηνωμένου Βασιλείου"); a shorter name
    its genitive and accusative written out ("Κίνα": "Κίνας"; "Κύπρος": "Κύπρο", "Κύπρου")."""
    words = name.split()
    stems = []
    for word in words:
        stem = word
        while len(stem) > 4 and (_plain(stem[-1]) in _GREEK_VOWELS or stem[-1] == "ς"):
            stem = stem[:-1]
        stems.append(stem + "*" if len(stem) >= 5 and stem != word else word)
    forms = [name]
    if stems != words:
        forms.append(" ".join(stems))
    if len(words) == 1 and stems == words:
        word = words[0]
        if word.endswith("ος"):
            forms += [word[:-1], word[:-2] + "ου"]  # "Κύπρο", "Κύπρου"
        elif word.endswith(("ας", "ης")):
            forms.append(word[:-1])  # "Λάος" aside: "Καναδά"
        elif _plain(word[-1]) in ("α", "η"):
            forms.append(word + "ς")  # "Κίνας", "Ρωσίας"
        elif _plain(word[-1]) == "ο":
            forms.append(word[:-1] + "ου")  # "Βέλγιο" → "Βέλγιου" (folded as "Βελγίου")
    return forms


def georgian_forms(name: str) -> list[str]:
    """A Georgian name with its case endings: the nominative's "-ი" drops before them ("თურქეთი" → "თურქეთში",
    "ინდოეთში"), other final vowels stay ("იაპონიაში")."""
    words = name.split()
    stems = [word[:-1] + "*" if word.endswith("ი") and len(word) >= 5 else word for word in words]
    if not stems[-1].endswith("*") and len(stems[-1]) >= 5:
        stems[-1] += "*"
    return [name, " ".join(stems)] if stems != words else [name]


# The case endings of a short one-word name in the Slavic languages (a '*' after fewer than five letters runs into
# other words): "Čad" → "Čadu", "Čína" → "Číně", "Иран" → "Иране", "Куба" → "Кубе", "Czad" → "Czadzie". After the
# final "-a", "-e", "-я" or soft sign comes off; names that end otherwise ("Peru", "Mali", "Чили") do not decline.
SLAVIC_ENDINGS: dict[str, tuple[str, ...]] = {
    "cs": ("u", "ě", "e", "y", "i", "ii"),
    "sk": ("u", "e", "y", "i", "ii"),
    "pl": ("u", "ie", "y", "ii", "zie", "ze"),
    "ru": ("а", "у", "е", "ы", "и"),
    "uk": ("а", "у", "і", "и", "ї"),
    "hr": ("a", "u", "i", "ji"),
    "sr": ("a", "u", "i", "ji", "а", "у", "и", "ји"),
    "sl": ("a", "u", "i", "iji"),
}  # the locative, genitive and accusative, after "v", "do", "na", "w", "в", "u": the cases an entry's place takes
_SLAVIC_FINAL = frozenset("aeěяаеьй")
_SOFT = {"ň": "n", "ť": "t", "ď": "d"}  # Czech and Slovak: "Keňa" → "Keni"


def slavic_forms(name: str, language: str) -> list[str]:
    """A one-word name of a Slavic language with its case endings written out ("Čadu", "Číně", "Иране")."""
    endings = SLAVIC_ENDINGS.get(language, ())
    if not endings or " " in name or not name.isalpha() or letters(name) < 3:
        return [name]
    last = name[-1]
    if last in _SLAVIC_FINAL:
        base = name[:-1]
    elif last.lower() in "iouyыиіоу" and last not in "йь":
        return [name]  # "Peru", "Mali", "Чили", "Того": not declined
    else:
        base = name
    if letters(base) < 2:
        return [name]
    forms = [name, *(base + ending for ending in endings)]
    if base[-1] in _SOFT:
        plain = base[:-1] + _SOFT[base[-1]]
        forms += [plain + ending for ending in ("i", "ii", "ě", "e")]
    return list(dict.fromkeys(forms))


def spellings(name: str) -> list[str]:
    """A name and how else it is typed: Persian "کرهٔ جنوبی" also without its hamza ("کره جنوبی"), "هنگ‌کنگ" with a
    space or nothing for its zero-width non-joiner; Hindi "क़तर" also without its nukta ("कतर")."""
    if "\u093c" in name:
        return [name, name.replace("\u093c", "")]
    if not _ARABIC_SCRIPT.search(name):
        return [name]
    forms = [name]
    if "\u0654" in name:
        forms.append(name.replace("\u0654", ""))
    if "\u200c" in name.strip("\u200c"):
        forms += [form.replace("\u200c", sep).strip() for form in list(forms) for sep in (" ", "")]
    return forms
