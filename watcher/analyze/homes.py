"""Where an item's company is at home, a country it cannot enter: the one its words say it is from ("the
Chinese carmaker", "China's Haier", "VinFast asal Vietnam"), the one it leaves ("its first plant outside India"),
the city of "its home city" or of a development zone ("芜湖经开区").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watcher.analyze.markets import MarketHit
from watcher.analyze.sentences import (
    CJK_LANGUAGES,
    NOT_ACTS,
    POSTPOSITIONAL,
    VERB_FIRST,
    VERB_LAST,
    Cue,
    Party,
    Sentence,
    cue_language_of,
)

# Languages whose adjectives go before their noun ("French grocer").
_ADJECTIVE_FIRST = (
    "en", "de", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "ru", "uk", "bg", "hu", "tr", "el", "lt", "lv", "et",
    "hi", "bn",
)  # fmt: skip
# Between "outside" and the country it leaves: "outside India", "fuera de España", "outside of the UK".
_OUTSIDE_GAP = re.compile(r"\s*(?:(?:of|de|di|da|do|del|dell'|della|du|des|von|the|la|le|el|il|der|des)\s*)*", re.I)
# Indonesian, Malay, Swahili and Hausa "from": "VinFast asal Vietnam", "Kampuni ya OCP kutoka Morocco", "daga Faransa".
_ORIGIN = re.compile(r"(?:^|\s)(?:asal|berasal dari|kutoka|daga)\s+$", re.IGNORECASE)
# "-based", "headquartered"; Telugu "ఫ్రాన్స్‌కు చెందిన", belonging to France.
_BASED_AFTER = re.compile(
    r"-(?:based|headquartered)\b|\s+based\b(?!\s+on\b)|(?:\u200c?(?:కు|కి))?\s+చెందిన",
    re.IGNORECASE,
)
_BASED_BEFORE = re.compile(
    r"\b(?:headquartered|based|hq'd) in\s+(?:the\s+)?$|\bmit Sitz in\s+$|\bbasée? (?:à|en|au)\s+$|"
    r"\bcon sede (?:en|a|in)\s+$|\bsediad[ao] (?:em|no|na)\s+$",
    re.IGNORECASE,
)
_BASED_REACH = 40  # characters between a city's "-based" and the company ("Seattle-based e-commerce giant Amazon")
_NAME_NEXT = re.compile(r"\s+[A-Z0-9]")  # "supermarket group Lefkos": a name after the noun, another company
_HOME_PLACE = re.compile(r"\b(?:its|their) home (?:city|town|country|province|state|base)\b|\bhometown\b", re.I)
# A development zone or industrial park of a city (Chinese, Japanese, Korean): where the company is at home.
_DEV_ZONE = re.compile(
    r"经开区|开发区|高新区|新区|新區|工业园|产业园|生态园|园区|經開區|開發區|工業區|工業団地|産業団地|산업단지|산단"
)
_NOUN_TO_NAME = 4  # words between a word for a company and the country after it ("Nhà sản xuất tấm pin mặt trời")
_POSSESSIVE = re.compile(r"['’]s\s+$")
_CJK_OF = ("", "の", "・", "的", " ")  # between a country and the company it is the home of


def item_homes(sentences: Sequence[Sentence], language: str | None, known: frozenset[str] = frozenset()) -> set[str]:
    """Every country an item's company is at home in, which it cannot enter: those its words give (homes(), a
    country left behind), those config.yaml gives (`known`), and the city of "its home city" or of a development
    zone."""
    home = homes(sentences, language) | known | _left_behind(sentences, language)
    # "Seattle-based", "headquartered in Boston", "mit Sitz in München": where the company is based is home.
    home |= {
        hit.code
        for sentence in sentences
        for hit in sentence.markets
        if (_BASED_AFTER.match(sentence.text, hit.end) and (not hit.is_city or _based_party(sentence, hit)))
        or _BASED_BEFORE.search(sentence.text[: hit.start])
    }
    if any(_HOME_PLACE.search(sentence.text) for sentence in sentences):
        # "The appliance maker's new factory in its home city": the city named is home.
        home |= {hit.code for sentence in sentences for hit in sentence.markets if hit.is_city}
    if any(_DEV_ZONE.search(sentence.text) for sentence in sentences) and not any(
        hit.is_name and not hit.is_city for sentence in sentences for hit in sentence.markets
    ):
        # "奇瑞汽车位于芜湖经开区的新整车工厂": a plant in a development zone of a city, no country named: at home.
        home |= {hit.code for sentence in sentences for hit in sentence.markets if hit.is_city}
    return home


def _named_after_noun(text: str, hit: MarketHit, subject: Sequence[Party], nouns: Sequence[Cue]) -> bool:
    """A country's name just before the subject company, a word for a company a few words before it, where the
    language writes the country after its noun (Vietnamese "Hãng xe Trung Quốc Chery", Indonesian "perusahaan China
    Chery"): the company's home."""
    follows = any(party.start > hit.end and not text[hit.end : party.start].strip(" ,") for party in subject)
    return follows and any(
        hit.start - noun.end >= 0 and len(text[noun.end : hit.start].split()) <= _NOUN_TO_NAME for noun in nouns
    )


def _based_party(sentence: Sentence, hit: MarketHit) -> bool:
    """Whether the tracked company follows a city's "-based" closely: "Seattle-based Amazon", "Riyadh-headquartered
    Tabby", not "Athens-based supermarket group Lefkos" (a company bought, at home there)."""
    if any(0 < party.start - hit.end <= _BASED_REACH for party in sentence.parties):
        return True
    # "The Seattle-based company said": a word for a company, no other name after it, is the tracked one described.
    return any(
        cue.kind == "org_noun"
        and 0 < cue.start - hit.end <= _BASED_REACH
        and not _NAME_NEXT.search(sentence.text[hit.end : cue.start])
        and not _NAME_NEXT.match(sentence.text, cue.end)
        for cue in sentence.cues
    )


def homes(sentences: Sequence[Sentence], language: str | None) -> set[str]:
    """Countries an item says its company is from: an adjective next to a word for a company that is the
    sentence's subject, before what it does ("the Chinese carmaker will invest", "Der chinesische
    Elektroautohersteller errichtet", not "buys a stake in a Brazilian brewer"), or next to the tracked name
    that is its subject ("غريفولز الإسبانية", "Spanish Grifols")."""
    found: set[str] = set()
    verb_first = cue_language_of(language) in VERB_FIRST
    cjk = cue_language_of(language) in CJK_LANGUAGES
    # Where an adjective goes before its noun, one after a word for a company is not its home: "French grocer
    # signs Moroccan franchise".
    before_noun = cue_language_of(language) in _ADJECTIVE_FIRST
    for sentence in sentences:
        acts = [cue.start for cue in sentence.cues if cue.kind not in NOT_ACTS]
        first_act = min(acts, default=len(sentence.text))
        subject = sentence.parties[:1]
        nouns = [
            cue
            for cue in sentence.cues
            if cue.kind == "org_noun"
            and (verb_first or cue.start < first_act)
            and not _names_another(sentence, cue)
            and not (verb_first and _object_of(sentence, cue, subject))
            and not _after_its_verb(sentence.text, cue, subject)
        ]
        for hit in sentence.markets:
            if hit.is_name and not cjk:
                # "China's Haier", "VinFast asal Vietnam" / "Pabrik ... Asal Vietnam": where it is from, not a market.
                if _possessive_of(sentence.text, hit, subject) or _ORIGIN.search(sentence.text[: hit.start]):
                    found.add(hit.code)
                elif hit.is_city:
                    continue  # "Jizzaxda Yutong ... zavod ishga tushdi": a place first is where, not an adjective
                elif _named_after_noun(sentence.text, hit, subject, nouns):
                    found.add(hit.code)  # "Nhà sản xuất ô tô Trung Quốc Chery": the country between noun and name
                elif not sentence.text[: hit.start].strip() and any(
                    party.start > hit.end and not sentence.text[hit.end : party.start].strip() for party in subject
                ):
                    found.add(hit.code)  # "Indiana Bajaj inaugura": a name written as the adjective before the company
                elif not sentence.text[: hit.start].strip() and any(
                    noun.start >= hit.end and len(sentence.text[hit.end : noun.start].split()) <= 1 for noun in nouns
                ):
                    found.add(hit.code)  # "Německý obchodní řetězec ALDI", capitalised first: an adjective, its home
                continue
            if cjk:  # no adjectives: a country's name before a word for a company ("西班牙血液制品企业")
                if any(party.start >= hit.end and sentence.text[hit.end : party.start] in _CJK_OF for party in subject):
                    found.add(hit.code)  # "韓国の斗山エナビリティ", "韓国・斗山", "韩国斗山": the company's country
                    continue
                if any(party.end <= hit.start for party in sentence.parties):
                    continue  # "任天堂はインドの小売大手と契約": a descriptor goes before its name: another company
                before = [noun for noun in nouns if noun.start >= hit.end]
                if any(_adjacent(sentence.text, hit.start, hit.end, noun, 3) for noun in before):
                    found.add(hit.code)
            elif any(
                _adjacent(sentence.text, hit.start, hit.end, noun)
                for noun in nouns
                if not before_noun or noun.start >= hit.end
            ) or any(
                _adjacent(sentence.text, hit.start, hit.end, Cue("party", party.start, party.end), words=0)
                for party in subject
            ):
                found.add(hit.code)
    return found


def _object_of(sentence: Sentence, noun: Cue, subject: Sequence[Party]) -> bool:
    """A word for a company after the subject and its verb, where the verb comes first: the object ("«مصدر»
    تستحوذ على شركة يونانية", Masdar acquires a Greek company), not the subject's description."""
    return any(
        party.end <= cue.start and cue.end <= noun.start
        for party in subject
        for cue in sentence.cues
        if cue.kind in EVENT_ACTS
    )


def _after_its_verb(text: str, noun: Cue, subject: Sequence[Party]) -> bool:
    """A word for a company two words or more after the subject, no apposition between: whom the subject's verb
    reaches ("Stripe стал доступен казахстанским компаниям", available to Kazakh companies), not its description
    ("Stripe, the US fintech"; "Stripe, американская компания")."""
    for party in subject:
        between = text[party.end : noun.start] if party.end <= noun.start else None
        if between is not None and not between.lstrip().startswith(_APPOSITION_MARKS) and len(between.split()) >= 2:
            return True
    return False


_APPOSITION_MARKS = (",", "\u060c", "\u3001", "(", "-", "\u2013", "\u2014", ":")  # Latin, Arabic and CJK commas, dashes


def _left_behind(sentences: Sequence[Sentence], language: str | None) -> set[str]:
    """Countries named just after "outside" or "beyond" ("its first plant outside India", "นอกจีน", "中国以外"):
    the company's home, left behind."""
    after = cue_language_of(language) in (*POSTPOSITIONAL, *VERB_LAST)
    found = set()
    for sentence in sentences:
        for cue in sentence.cues:
            if cue.kind != "outside":
                continue
            for hit in sentence.markets:
                if hit.is_city or not hit.is_name:
                    continue  # "in Pruszków, outside Warsaw": near a city, not leaving a country
                gap = sentence.text[cue.end : hit.start] if hit.start >= cue.end else None
                follows = gap is not None and _OUTSIDE_GAP.fullmatch(gap)
                # "Çin dışında", "中国以外": the country before the word, where the language puts it there.
                between = sentence.text[hit.end : cue.start] if hit.end <= cue.start else None
                precedes = after and between is not None and len(between) <= 3 and " " not in between.strip()
                if follows or precedes:
                    found.add(hit.code)
    return found


EVENT_ACTS = frozenset({"acquisition", "partnership", "stake_enter", "stake"})  # verbs whose object is a company
_QUOTES = "«»\"“”„'’‹›「」『』"
_NEXT_WORD = re.compile(r"\s+(\w)")


def _names_another(sentence: Sentence, noun: Cue) -> bool:
    """A word for a company followed by a name that is no tracked party: that company's description ("Türk plazma
    şirketi Hemoplas'ı", "the Chinese carmaker Chery" where Chery is not tracked), not the subject's."""
    after = _NEXT_WORD.match(sentence.text, noun.end)
    if after is None or not after.group(1).isupper():
        return False
    return not any(party.start == after.start(1) for party in sentence.parties)


def _possessive_of(text: str, hit: MarketHit, subject: Sequence[Party]) -> bool:
    """A country's name in the possessive just before the sentence's subject: "China's Haier opens ..."."""
    return any(
        party.start > hit.end and _POSSESSIVE.fullmatch(text[hit.end : party.start]) and not hit.is_city
        for party in subject
    )


def _adjacent(text: str, start: int, end: int, noun: Cue, words: int = 1) -> bool:
    """Whether a word at start:end and a cue are at most `words` words apart, either way round."""
    between = text[end : noun.start] if noun.start >= end else text[noun.end : start] if start >= noun.end else None
    if between is None:
        return False
    between = between.strip().strip(_QUOTES)  # "«بوسكو» الكورية": a name in quotes is next to its adjective
    if between and " " not in between and not between.isascii():
        return len(between.strip()) <= 2 * words
    return len(between.split()) <= words
