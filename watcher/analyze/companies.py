"""Companies named after a country: "Qatar Airways", "Turkish Airlines", "Air India", "Bank of China", "Deutsche
Telekom", "카타르항공", "中国银行", "طيران الإمارات", "Emirates" and "Saudia" alone. Their country is no place: an
airline's codeshare with Qatar Airways enters no Qatar, and "Turkish Airlines flies to Sydney" is no Turkish market.
"""

from __future__ import annotations

import re

# A word just after the country that makes it a company's name, as written (a capital: "Turkish airlines" are the
# airlines of Turkey): "Qatar Airways", "Korean Air", "Swiss International Air Lines", "Deutsche Telekom", "Swiss
# Post", "China Eastern", "Türk Hava Yolları", "Турецкие авиалинии", "카타르항공", "中国银行", "タイ国際航空".
_AFTER = re.compile(
    r"(?:\s|-)?(?:(?:(?:International )?(?:Airways|Airlines|Air\s?Lines|Airline|Air)|Airport Company|Telecom|Telekom|"
    r"Bahn|Bank|Post|Börse|Eastern|Southern|Unicom|Merchants|Construction Bank|"
    r"Mobile|Railways?|Petroleum|Aramco|Tobacco|Investment Authority|Sovereign Fund|NBD|Hava Yollar\w*|"
    r"Telekomünikasyon)"
    r"(?![^\W\d_])|(?:авиалини|Авиалини|Эйрлайнс|Эйрвэйз|Эйрвейз)\w*)"
    r"|(?:国際|国际|國際)?(?:航空|银行|銀行|移动|移動|电信|電信|联通)|항공|은행|텔레콤",
)
# ... or just before it: "Air India", "Bank of China", "Banco do Brasil", "Royal Air Maroc", "Telecom Italia",
# "طيران الإمارات", "الخطوط الجوية القطرية" (the Qatari airways), "الخطوط السعودية", "एयर इंडिया".
_BEFORE = re.compile(
    r"(?:\b(?:Air|Bank of|Banco (?:do|de|del|della)|Banca (?:di|d')|Royal Air|Fly|Telecom|Telekom|Poste)|طيران|"
    r"الخطوط(?: الجوية)?|بنك|एयर|এয়ার)\s*$"
)
# Names of airlines that are a country's name alone in some language: "Emirates" (the Emirates are a place) and
# "Saudia" (Swahili's name for Saudi Arabia, after a Swahili word: "nchini Saudia", "ya Saudia").
_ALONE = {
    "Emirates": re.compile(r"\bthe\s+$", re.IGNORECASE),
    "Saudia": re.compile(r"\b(?:nchini|ya|wa|kwa|la|za|na|huko|katika|kutoka|hadi|cha)\s+$", re.IGNORECASE),
}
_BEFORE_REACH = 24  # characters before a country that can hold the words of _BEFORE


def in_a_company_name(text: str, start: int, end: int) -> bool:
    """Whether the country named at text[start:end] is part of a company's name, not a place."""
    alone = _ALONE.get(text[start:end])
    if alone is not None and not alone.search(text, max(0, start - _BEFORE_REACH), start):
        return True
    return bool(_AFTER.match(text, end) or _BEFORE.search(text[max(0, start - _BEFORE_REACH) : start]))
