"""Which side of a change at the top a leadership report tells: a chief leaving, or one named. Pure.

A chief's departure and the successor named a day or two later are two events of one type ("Sandvik CEO to step
down after six years", then "Sandvik names Epiroc's CFO as new CEO"): nothing else tells them apart, the company,
the post and often the languages being the same. A report of the appointment may recall the departure ("two days
after his predecessor resigned"), so any word of an appointment makes it the appointment; a report is the departure
only where it says someone leaves and names no successor. Where neither is read, nothing is said (None), and
stories.py keeps its other reasons.
"""

from __future__ import annotations

import re
from collections.abc import Collection

LEAVES = "leaves"
NAMED = "named"

# Words of a chief leaving, in the languages the cue tables cover most; Latin words at a word's start.
_LEAVING = re.compile(
    r"\b(?:resign|steps? down|stepping down|quits?\b|to leave|leaves\b|departs?\b|departure|retire|ousted|ousts"
    r"|tritt\b.{0,40}\bzurück|rücktritt|verlässt|scheidet\b.{0,30}\baus"
    r"|démission|quitte\b|départ\b|renunci|dimit|dimisi|deja (?:el cargo|la presidencia|la dirección)|renúncia"
    r"|deixa (?:o cargo|a presidência)|dimission|si dimette|lascia\b|treedt\b.{0,30}\baf\b|vertrekt|stapt op"
    r"|lämnar|avgår|slutar\b|går av\b|fratræder|fratrer|eroaa|rezygn|odchodzi|dymisj|istifa|ayrıl"
    r"|уход|ушел|ушёл|покида|отставк|mundur|mengundurkan)"
    r"|사임|사퇴|물러나|퇴진|辞任|退任|辞职|辞去|离任|卸任|استقال|يغادر|تغادر|تنحي|يتنحى",
    re.IGNORECASE,
)
# Words of a chief named: the appointment, a new chief. Not "successor" alone: a departure is often told with the
# search for one ("will stay until a successor is found", "후임 인선을 서두르겠다").
_NAMING = re.compile(
    r"\b(?:appoint|names?\b|named\b|new (?:ceo|chief|chairman|chairwoman|president|head|boss)|succeeds\b"
    r"|to replace|taps\b|picks\b|hires\b|poach|takes (?:the helm|over)|promot"
    r"|ernenn|ernannt|beruft|berufen|neuer? (?:chef|ceo|vorstand)"
    r"|nomm|succède|remplac|nouveau (?:pdg|patron|directeur|président)|nouvelle (?:pdg|directrice|présidente)"
    r"|nombr|designa|designó|designou|nuev[oa] (?:president|director|consejer|ceo|gerente)"
    r"|nomei|nomead|nov[oa] (?:president|diretor|ceo)|nomin|nuov[oa] (?:president|amministratore|ceo)"
    r"|benoem|nieuwe (?:ceo|topman|voorzitter|baas)"
    r"|utser|utsedd|ny (?:vd|sjef|konsernsjef|ceo|direktør|administrerende|ordförande|styreleder)"
    r"|henter ny|udnævn|utnevn|nimit|uusi (?:toimitusjohtaja|ceo)"
    r"|powoła|mianowa|now[ya] (?:prezes|szef)|ata(?:n|ma|dı)|yeni (?:genel|ceo|başkan)"
    r"|назнач|нов(?:ый|ого|ым|ая) (?:глав|гендиректор|президент|председател|руководител)"
    r"|angkat|diangkat|menunjuk|ditunjuk|baru\b)"
    r"|신임|선임|내정|임명|새 대표|新社長|新会長|就任|起用|選任|任命|新任|接任|继任|出任"
    r"|تعيين|تعين|يعين|عينت|جديد|منصوب|جدید",
    re.IGNORECASE,
)


def succession(text: str, kinds: Collection[str] = ()) -> str | None:
    """NAMED where the text says a chief is named (whatever else it says), LEAVES where it only says one leaves.
    `kinds`: the kinds of the cues its sentences hold, the cue tables' "appoint" and "leave" words in more languages."""
    if "appoint" in kinds or _NAMING.search(text):
        return NAMED
    if "leave" in kinds or _LEAVING.search(text):
        return LEAVES
    return None
