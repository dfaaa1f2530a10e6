"""Figures in a sentence: a number that is not a year nor a CJK date, a percentage, money, and whether a percentage
sizes a stake or tells a change. Pure; read by the event conflicts (conflicts.py), entries and weak results cues."""

from __future__ import annotations

import re

# A figure that is not a year: "sales rose 9%", "2分기", not "in 2026".
FIGURE = re.compile(r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d")
# "41%", "28 Prozent", "25 per cento": a stake's size.
PERCENT = re.compile(
    r"\d\s?(?:%|％|٪|pct\b|percent|per ?cent|prozent|pour ?cent|por ?ciento|por ?cento|procent|процент|퍼센트"
    r"|パーセント)|[%٪]\s?\d|yüzde\s?\d",  # "%20", "yüzde 20": Turkish puts the sign first
    re.IGNORECASE,
)
MONEY = re.compile(
    r"[$€£¥₩]|\d\s?(?:bn|mn|m|k)\b|\b(?:billion|million|Milliarde\w*|Million\w*|Mrd|Mio|milliard\w*|million\w*|"
    r"miliard\w*|milion\w*|millones|miliardi|milioni|bilhões|milhões|млрд|млн|miljard\w*|miljoen\w*)\b|억|조|亿|万|億|兆",
    re.IGNORECASE,
)
_CHANGE_BEFORE = {"by", "um", "на", "o", "met", "with", "up", "down", "rose", "fell", "rises", "falls", "grew",
                  "jumped", "climbed", "dropped", "slid", "выросли", "выросла", "вырос", "прибавили", "прибавила",
                  "прибавил", "снизились", "снизилась", "упали", "упала"}  # fmt: skip  # "продажи прибавили 9,1%"
_CHANGE_AFTER = {"more", "less", "plus", "mehr", "weniger", "più", "meno", "más", "menos", "mais", "больше", "меньше",
                 "meer", "minder", "więcej", "mniej", "daha", "higher", "lower", "increase", "rise",
                 "coupon", "interest", "yield", "discount", "off", "premium", "growth", "drop", "decline"}  # fmt: skip
# ... a rate or a price, not a stake: "notes at a 12% coupon", "lists at a 30% discount"
# A day, a month or an hour written with its number, as Chinese, Japanese and Korean do ("8日", "6月から", "8일"): a
# date, not a figure.
CJK_DATE = re.compile(r"\d{1,2}\s?(?:日|月|時|时|일|월|시)")


def has_figure(text: str) -> bool:
    """A figure that is not a year nor a CJK date ("8日", "6월")."""
    return FIGURE.search(CJK_DATE.sub(" ", text)) is not None


def stake_size(text: str) -> bool:
    """A percentage that sizes a stake ("con il 41%", "pour 25% de"), not a change ("by 10%", "10% more")."""
    for found in PERCENT.finditer(text):
        before = text[: found.start()].split()[-2:]
        after = text[found.end() :].split()[:1]
        after = [word.lower().strip(".,;:!?") for word in after]  # "at a 30% discount."
        if not (_CHANGE_BEFORE & {word.lower() for word in before} or _CHANGE_AFTER & set(after)):
            return True
    return False
