"""Which countries an item's language is local to: an item in Polish is most likely written in Poland, one in
Marathi in India; a language many countries' press writes (English, French, Spanish ...) says nothing of it."""

from __future__ import annotations

from functools import cache

_WIDELY_OFFICIAL = 6  # countries a language is official in past which it says nothing of its writer's country


@cache
def _local_countries() -> dict[str, frozenset[str]]:
    """Language → the countries it is an official language of (regional ones too: Marathi, India), for the
    languages official in a few countries only (German, Polish, Marathi; not English, French, Spanish, Arabic,
    Portuguese or Dutch, which many countries' press writes). CLDR's, from babel (~0.01 CPU-s, once)."""
    from babel.core import get_global

    official: dict[str, set[str]] = {}
    national: dict[str, int] = {}
    for code, languages in get_global("territory_languages").items():
        for language, info in languages.items():
            status = info.get("official_status", "")
            if status in ("official", "de_facto_official", "official_regional"):
                official.setdefault(language, set()).add(code)
            if status in ("official", "de_facto_official"):
                national[language] = national.get(language, 0) + 1
    return {
        language: frozenset(codes)
        for language, codes in official.items()
        if national.get(language, 0) <= _WIDELY_OFFICIAL
    }


def written_locally(language: str | None, code: str) -> bool:
    """Whether an item in `language` is most likely written in country `code`: Polish in Poland, Marathi in
    India, German in Germany; nothing for a language many countries write (English, French, Spanish ...)."""
    base = (language or "").split("-")[0].split("_")[0].lower()
    return code in _local_countries().get(base, frozenset())
