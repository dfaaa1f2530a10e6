"""The terms of a text, for the search index and for queries alike.

Text is folded as the matcher folds aliases and items (NFKC, case, accents, width: "NESTLÉ" is "nestle"),
then cut into words. Scripts written without spaces (Chinese, Japanese, Korean, Thai, ...) have no words
to cut, and SQLite's and PostgreSQL's tokenizers would keep a whole run as one term; so each run becomes
its overlapping pairs of letters and its last letter ("미페이결제" → 미페 페이 이결 결제 제). A query is cut
the same way, and its pairs, looked for next to each other, find the run anywhere inside a longer one
(a phrase of pairs), as the matcher finds 샤오미 in 샤오미는.
"""

from __future__ import annotations

import unicodedata

from watcher.match.fold import fold
from watcher.match.words import is_no_space  # the matcher's own list of scripts without spaces


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


def terms(text: str) -> list[str]:
    """The folded terms of `text`, in order."""
    out: list[str] = []
    word: list[str] = []
    run: list[str] = []

    def end_word() -> None:
        if word:
            out.append("".join(word))
            word.clear()

    def end_run() -> None:
        if len(run) == 1:
            out.append(run[0])
        elif run:
            out.extend(run[i] + run[i + 1] for i in range(len(run) - 1))
            out.append(run[-1])
        run.clear()

    for ch in fold(text):
        if not _is_word_char(ch):
            end_word()
            end_run()
        elif run and unicodedata.category(ch)[0] == "M":
            run[-1] += ch  # a Thai vowel sign stays with its letter
        elif is_no_space(ch):
            end_word()
            run.append(ch)
        else:
            end_run()
            word.append(ch)
    end_word()
    end_run()
    return out


def query_terms(text: str) -> list[str]:
    """The terms to look for, next to each other, for a word or phrase of a query: a run of CJK letters is
    its pairs without the trailing single letter (which only a one-letter query looks for)."""
    found: list[str] = []
    for term in terms(text):
        if found and len(term) == 1 and is_no_space(term) and len(found[-1]) == 2 and found[-1][1] == term:
            continue  # the trailing letter of a run of pairs
        found.append(term)
    return found


def document(*fields: str) -> str:
    """What the index holds for an item: its fields' terms, separated by spaces."""
    return " ".join(term for field in fields if field for term in terms(field))
