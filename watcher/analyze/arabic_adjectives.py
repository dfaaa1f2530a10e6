"""Arabic country adjectives the news writes that CLDR does not give (market_table.py adds them to the markets'
automaton): the relative adjective (nisba) of a country's name, and the adjectives with "and" written onto them."""

from __future__ import annotations

from typing import Any


def arabic_adjectives(name: str) -> list[str]:
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
    return with_and([base, base + "ة", "ال" + base, "ال" + base + "ة"]) if len(base) >= 4 else []


def with_and(adjectives: list[Any]) -> list[Any]:
    """Arabic adjectives with "and" written onto the article, as in a list: "السوق السعودية والإماراتية" (the Saudi
    and Emirati market), "المصرية والأردنية"."""
    return [*adjectives, *("و" + value for value in adjectives if isinstance(value, str) and value.startswith("ال"))]
