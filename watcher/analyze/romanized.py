"""Hindi and Urdu written in Latin letters ("Zepto ne 300 logon ki chhutti ki", "IPO se pehle Zepto ne jutaye ...",
"Zepto ka Dubai mein aaghaz"), which fastText's model takes for English, Malay or Esperanto: told by their own words,
as Hausa's are (language.py). Hindi and Urdu share their grammar words; the words that differ are the loans each
takes (Sanskrit's "desh", "sarkar", "pehli baar"; Persian and Arabic's "mulk", "hukumat", "pehli dafa")."""

from __future__ import annotations

from collections.abc import Iterable

# Words of spoken Hindustani that English, Malay, Indonesian, German or Italian do not write.
_OWN = frozenset({
    "aur", "hain", "pehle", "pehli", "pehla", "liye", "nahi", "nahin", "bhi", "kiya", "kiye", "karega", "karegi",
    "karenge", "gaya", "gayi", "gaye", "diya", "diye", "raha", "rahi", "rahe", "wala", "wali", "wale", "saath", "logon",
    "sabse", "apne", "apni", "unke", "uske", "uski", "jiske", "tahat", "tha", "thi", "yeh", "kya", "agla", "agle",
    "baad", "kisi", "kehna", "hafte", "karne", "karte", "khole", "khula", "jutaye", "chhutti", "shuru", "abhi",
    "lekin", "kyunki", "zyada", "bahut", "naya", "nayi", "naye", "kiska", "kaise", "kab", "dauran", "mutabik", "milega",
    "milegi", "milenge", "hoga", "hogi", "honge", "banega", "banegi",
})  # fmt: skip
# Grammar words it shares with other languages' spellings ("se", "ke", "ab", "mein", "hai"): a third word.
_SHORT = frozenset({"ne", "ki", "ka", "ke", "se", "ko", "ab", "par", "tak", "jo", "mein", "hai", "ek", "hua", "hui"})
_URDU = frozenset({
    "dafa", "aaghaz", "mulk", "mulki", "hukumat", "idara", "tijarat", "sarmaya", "sarmayakari", "wazir", "muashi",
    "maeeshat", "mumalik", "bairooni", "bharti", "emarat", "khidmat", "khidmaat", "ijazat", "intikhab", "mazeed",
})  # fmt: skip
_HINDI = frozenset({
    "desh", "videsh", "videshi", "sarkar", "vyapar", "nivesh", "mantri", "shuruaat", "baar", "bharatiya", "sanstha",
    "arthvyavastha", "sewa", "seva", "adhik", "pradhan", "rajya", "samjhauta",
})  # fmt: skip


def hindustani(words: Iterable[str]) -> str | None:
    """ "hi" or "ur" for lower-cased words of which two are Hindustani's own and a third is its own or a grammar word
    it shares; Urdu where more of its own loans are used than Hindi's; else None."""
    found = set(words)
    own = len(found & (_OWN | _URDU | _HINDI))
    if own < 2 or own + len(found & _SHORT) < 3:
        return None
    return "ur" if len(found & _URDU) > len(found & _HINDI) else "hi"
