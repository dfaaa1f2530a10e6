"""Case endings: the letters a name takes in the languages that inflect proper nouns ("Renaulta", "Nokian",
"Ikeának", "Самсунга", "Κωτσόβολου"), as bounded tables a Matcher reads after an alias, by the item's language.

A table maps a tail to endings: the tail "" holds the endings written after the whole name (Renault → Renaulta),
another tail the endings written in its place (Tesla → Tesle, Teslin; Κωτσόβολος → Κωτσόβολου). Endings are
written as the language spells them and compared folded, as everything the matcher reads (Ikeę → "ikee", Нокією →
"нокією"); "=al" is a Hungarian one after the name's last letter written twice (Samsunggal). An item whose language
is undetermined (UNDETERMINED) reads the endings of every table, less the Latin ones that also end English or Romance
words ("-s", "-e", "-o", "-er", "-ian" ...): the endings are told apart by their script, so "Samsungом" takes the
Cyrillic ones. An item in a language with no table here (English, French, Chinese ...) reads none.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from watcher.match.fold import fold

UNDETERMINED = "und"  # BCP 47's code for a language not known: endings chosen by their script
MIN_LETTERS = 4  # letters of an alias's last word for endings to follow it by default (Arm, Kia: none)
MIN_STEM = 3  # letters left of a name when an ending takes the place of its tail (Ikea → Ike-i)

_HR = {
    "": "a u om ov ova ovo ovi ove ovu ovim ovih ovom ovog ovoj ovoga ovome ovima ev eva evo evi eve evu evim evih "
    "evom evog evoj",
    "a": "e i u om o in ina ino ini ine inu inim inih inom inog inoj inoga inome inima je ji ju jom jin jina jino "
    "jini jine jinu jinim jinih jinom jinog jinoj",
    "o": "a u om ov ova ovo ovi ove ovu ovim ovih ovom ovog ovoj",
    "e": "a u em",  # Gorenje → Gorenja, Gorenju
    # The last consonant softened before the dative's -i (sibilarisation): Erste banka → Erste banci.
    "ka": "ci",
    "ga": "zi",
    "ha": "si",
}
_SERBIAN_CYRILLIC = str.maketrans("aeioumvngjhkczs", "аеиоумвнгјхкцзс")


def _both_scripts(table: dict[str, str]) -> dict[str, str]:
    """Serbian's table: Croatian's endings and their Cyrillic spelling (Рено → Реноа, Самсунгом)."""
    cyrillic = {tail.translate(_SERBIAN_CYRILLIC): ends.translate(_SERBIAN_CYRILLIC) for tail, ends in table.items()}
    return {**table, **{tail: ends for tail, ends in cyrillic.items() if tail}, "": f"{table['']} {cyrillic['']}"}


_TABLES: dict[str, dict[str, str]] = {
    "hr": _both_scripts(_HR),
    "sl": {
        # -ja, -ju, -jem after a name in -r (Mercator → Mercatorja, Mercatorju)
        "": "a u om em ov ova ovo ovi ove ovega ovemu ovem ovim ovih ovimi ev eva evo evi eve evega evemu evem evim "
        "ja ju jem jev jeva jevo",
        "a": "e i o ino ina in ini ine inega inemu inem inim inih je ji jo jin jina jino",
        "o": "a u om",
        "e": "a u em",  # Gorenje → Gorenja, Gorenju
    },
    "cs": {
        "": "a u em ovi ů ům ech ův ova ovo ovy ových ovým ovou ovu ově ovými ové",
        "a": "y e ě u ou o i í in ina ino iny ině inu inou iných iným",
        "o": "a u em ě",
        # The last consonant softened before the locative's and dative's -e: Tatra → Tatře, banka → bance.
        "ra": "ře",
        "ka": "ce",
        "ha": "ze",
        "ga": "ze",
        "cha": "še",
    },
    "sk": {
        "": "a u e om ovi ov ova ovo ove ových ovým ovou ovu ovej ovho ovom ovmu ovými",
        "a": "y e u ou o i in ina ino iny ine inu inou inej ách",
        "o": "a u om e",
    },
    "pl": {
        "": "a u owi em iem ie ów om ami ach owy owa owe owej owego owemu owym owych ową",
        "a": "y i ie ę ą om ami ach",
        "o": "a u em",
        # The last consonant softened before the locative's and dative's -e (Toyota → Toyocie, Škoda → Škodzie,
        # Biedronka → Biedronce, Ford → Fordzie, Fiat → Fiacie).
        "ta": "cie",
        "da": "dzie",
        "ra": "rze",
        "ka": "ce",
        "ga": "dze",
        "cha": "sze",
        "t": "cie",
        "d": "dzie",
        "r": "rze",
    },
    "fi": {
        "": "n a ssa sta han hen hin an en in on un yn lla lta lle na ksi tta ia issa ista iin illa ilta ille ina "
        "iksi itta ineen kin nkin kaan nkaan",
    },
    "et": {"": "t s l d i il ile ilt is isse ist iga it iks ini ina ita id ide ga ks ni na ta sse st le lt de"},
    "hu": {
        "": "t ot et öt at nak nek nál nél hoz hez höz ban ben ba be ból ből ról ről tól től ra re on en ön n ért "
        "ig ként é ék val vel vá vé os es =al =el =á =é",
    },
    "tr": {
        "": "in ın un ün nin nın nun nün a e ya ye i ı u ü yi yı yu yü da de ta te dan den tan ten nda nde ndan "
        "nden la le yla yle daki deki ndaki ndeki",
    },
    "az": {
        "": "in ın un ün nin nın nun nün a ə ya yə ı i u ü nı ni nu nü yı yi da də dan dən la lə dakı dəki",
    },
    "uz": {"": "ning ni ga ka qa da dan dagi niki нинг ни га ка қа да дан даги"},
    "kk": {
        "": "ның нің дың дің тың тің ға ге қа ке на не ны ні ды ді ты ті да де та те нда нде дан ден тан тен нан "
        "нен мен бен пен",
    },
    "lv": {
        "": "s a am u i iem us os as ai ā",
        "a": "as ai u ā ām ās ja jas jai ju jā",
        "e": "es ei ē i ēm",  # Citadele → Citadeles, Citadelē
    },
    "lt": {
        "": "as o ui ą u e ai ų ams us uose",
        "a": "os ai ą oje ų oms omis ose",
        "as": "o ui ą u e ai ų",
        "is": "io iui į iu yje ys",
        "e": "ės ei ę ėje",  # Citadele → Citadelės
    },
    "ru": {
        "": "а у ом е ы ов ам ами ах",
        "а": "ы и е у ой ою ей ею",
        "я": "и е ю ей ею",
        "й": "я ю ем е ев",
        "ь": "я ю ем е и ей",
    },
    "uk": {
        "": "а у ом ові і ів ам ами ах",
        "а": "и і ї у ою єю ю о",
        "я": "і ї ю єю ею",
        "й": "я ю ем єм і ї",
    },
    "be": {"": "а у ам е ы аў ах амі", "а": "ы і е у ай аю ою"},
    "bg": {"": "ът а та то те ове овете"},
    "mk": {"": "от ов он а та то те ови овите"},
    "de": {"": "s"},
    "sv": {"": "s"},
    "el": {
        "": "ς",
        "ος": "ου ο ε οι ων ους",
        "ης": "η ες",
        "ας": "α ες",
        "α": "ας ες",
        "η": "ης",
        "ο": "ου α ων",
        "ι": "ιου ια ιων",
    },
    "ka": {
        "": "ს ის მ მა ით თ დ ად ში ზე თან სთან სთვის ისთვის დან იდან ისგან სგან საც ისა ისი",
        "ი": "ს ის მა ით ად ში ზე თან ისთვის იდან ისგან ისა",
    },
    "hy": {"": "ի ը ն ից ով ում ին յի յից յով յում յին"},
    # Persian: the plural, the indefinite or adjectival -ی and the pronouns written onto a name, after a zero-width
    # non-joiner that folding drops (سامسونگ‌ها, تسلاهای, شیائومی‌اش).
    "fa": {"": "ها های هایی هایش هایشان ی یی ای اش ش شان یها یهای"},
}
# Languages read with another's table: Bosnian, Serbian and Montenegrin (either script) with Croatian's,
# Norwegian and Danish genitives with Swedish's, Kyrgyz with Kazakh's.
_SAME = {"bs": "hr", "sr": "hr", "sh": "hr", "cnr": "hr", "da": "sv", "no": "sv", "nb": "sv", "nn": "sv", "ky": "kk"}
# Latin endings an undetermined item does not read: they also end English and Romance words (Sonya, Rome, Oranges).
_UNSAFE_LATIN_ENDINGS = (
    "s e i o y n t d l es en an in on un yn er ed ie ia ic is os as us et it al le ne na no ni ta te ti to ra re ri "
    "ro ly ian ing ers ist ite ism ish ese ine ina ino ini ies ans ens ons ins ata ato ado ada ico ica ista ier age "
    "ous ana ano ani ane io ion st de da di do ga ks id ide"
)
_UNSAFE_LATIN = frozenset(_UNSAFE_LATIN_ENDINGS.split())


class Endings:
    """One language's endings (or an undetermined item's), folded: by tail, and how long the longest is."""

    def __init__(self, tables: dict[str, set[str]], one_letter_after: int = 0) -> None:
        self.one_letter_after = one_letter_after  # letters a name needs before an ending of one letter
        self.by_tail = {tail: frozenset(e for e in ends if not e.startswith("=")) for tail, ends in tables.items()}
        self.doubled = {tail: frozenset(e[1:] for e in ends if e.startswith("=")) for tail, ends in tables.items()}
        self.longest = max((len(e) for ends in tables.values() for e in ends), default=0)

    def allows(self, tail: str, suffix: str, name: str) -> bool:
        """Whether `suffix` may follow `name` (folded, without the `tail` the suffix takes the place of)."""
        ends = self.by_tail.get(tail)
        if ends is None or len(suffix) > self.longest or suffix == tail:
            return False
        if len(suffix) == 1 and len(name) + len(tail) < self.one_letter_after:
            return False
        last = name[-1]
        if suffix in ends:
            return True
        return len(suffix) > 1 and suffix[0] == last and suffix[1:] in self.doubled[tail]


def _folded(table: dict[str, str], undetermined: bool = False) -> dict[str, set[str]]:
    """The table folded; for an undetermined item, without the Latin endings of _UNSAFE_LATIN."""
    folded: dict[str, set[str]] = {}
    for tail, ends in table.items():
        for ending in ends.split():
            mark, core = ("=", ending[1:]) if ending.startswith("=") else ("", ending)
            core = fold(core)
            if undetermined and _latin(core) and (core in _UNSAFE_LATIN or (len(core) == 1 and core not in "au")):
                continue
            folded.setdefault(fold(tail), set()).add(mark + core)
    return folded


def _latin(text: str) -> bool:
    return all(unicodedata.name(char, "").startswith("LATIN") for char in text)


@cache
def _undetermined() -> Endings:
    merged: dict[str, set[str]] = {}
    for table in _TABLES.values():
        for tail, ends in _folded(table, undetermined=True).items():
            merged.setdefault(tail, set()).update(ends)
    return Endings(merged, one_letter_after=MIN_LETTERS + 1)  # Sony → Sonya, Dell → Della: names of their own


@cache
def _language(base: str) -> Endings | None:
    table = _TABLES.get(_SAME.get(base, base))
    return Endings(_folded(table)) if table is not None else None


def endings_for(language: str) -> Endings | None:
    """The endings an item in `language` (a BCP 47 tag: "hr", "sr-Latn", "fi_FI") takes, its script's when it is
    UNDETERMINED or empty; None for a language whose names take no endings."""
    base = language.strip().replace("_", "-").split("-")[0].lower()
    if not base or base == UNDETERMINED:
        return _undetermined()
    return _language(base)


@cache
def tails() -> dict[str, tuple[str, ...]]:
    """Every tail an ending may take the place of, folded, by its last letter (a name ending in one is also looked
    for without it)."""
    found: dict[str, set[str]] = {}
    for table in _TABLES.values():
        for tail in filter(None, map(fold, table)):
            found.setdefault(tail[-1], set()).add(tail)
    return {last: tuple(sorted(group)) for last, group in found.items()}
