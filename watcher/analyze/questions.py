"""A headline that states the news and then asks a question about it ("TVS lands in Brazil: will Argentina be
next?"): the statement is reported, the question is not. Pure."""

from __future__ import annotations

import re

QUESTION_MARKS = ("?", "\uff1f", "؟", "\u055e")  # Latin, full-width, Arabic-script and Armenian question marks
# Where a headline's question may start: a break between clauses (roundups.CLAUSE_BREAK, and a colon), or the
# Spanish opening mark.
_BREAK = re.compile(r"\s*[;；|,，、:：]\s*(?!\d)|\s[-–—]\s")
_TRAILING = re.compile(r"[\s;；|,，、:：\-–—¿]+$")
_WORD = re.compile(r"[^\W\d_]+")
# Both parts this long at least: "Honda-Nissan merger: done deal?" stays a question, and so does a headline whose
# words are not parted by spaces ("小米进军韩国：会成功吗？").
MIN_WORDS = 3


def stated(title: str) -> str:
    """The headline without a question it asks after stating something; the headline itself when it asks from its
    first clause ("Is Tesco coming to Greece?", "Apple to buy Disney? Analysts doubt it") or asks nothing."""
    asked = min((title.find(mark) for mark in QUESTION_MARKS if mark in title), default=-1)
    if asked < 0:
        return title
    opening = title.rfind("¿", 0, asked)
    if opening < 0:
        breaks = [found.end() for found in _BREAK.finditer(title, 0, asked)]
        if not breaks:
            return title
        opening = breaks[-1]
    statement = _TRAILING.sub("", title[:opening])
    question = title[opening:asked]
    if len(_WORD.findall(statement)) < MIN_WORDS or len(_WORD.findall(question)) < MIN_WORDS:
        return title
    return statement
