"""The search box's language, parsed into a Query (pure: a string in, values out).

    mi pay                 both words (AND is implied)          "mi pay"      the phrase
    xiaomi OR redmi        either                               -rumour       NOT rumour (also: NOT rumour)
    (korea OR corea) pay   grouping                             pay*          words starting with pay
    entity:Xiaomi  entity:"Mi Pay"  event:market_entry  lang:ko  feed:"Asia Business"
    after:2026-01-31  before:2026-03-01  date:2026-01-01..2026-01-31  since:7d

Words and phrases are folded and cut as the index is (watcher/search/terms.py): any script, accents and
case ignored. Filters hold for the whole query wherever they are written; the same filter given twice means
either value (entity:Xiaomi entity:Samsung), different filters must all hold. A query must look for at least
one word unless it only filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from watcher.errors import WatcherError
from watcher.match.words import is_no_space
from watcher.search.terms import query_terms


class QueryError(WatcherError):
    """A query the search box cannot run; the message says what to change."""


@dataclass(frozen=True)
class Terms:
    """Terms next to each other (a word is one term, a phrase several); `prefix`: the last one may go on."""

    terms: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Terms | And | Or | Not


@dataclass(frozen=True)
class Query:
    text: Node | None = None
    entities: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    after: datetime | None = None  # published (else first seen) at or after
    before: datetime | None = None  # ... and before
    words: tuple[str, ...] = field(default=(), compare=False)  # folded terms looked for, to highlight

    @property
    def empty(self) -> bool:
        return self.text is None and not (
            self.entities or self.events or self.languages or self.feeds or self.after or self.before
        )


_TOKEN = re.compile(
    r'\s*(?:(?P<filter>\w+):(?P<value>"[^"]*"?|[^\s()]+)|(?P<quote>"[^"]*"?)|(?P<paren>[()])|(?P<word>[^\s()"]+))'
)
_FILTERS = {"entity", "event", "lang", "feed", "after", "before", "date", "since"}


def parse_query(text: str, now: datetime) -> Query:
    """`text` as typed into the search box; `now` for since:7d. Raises QueryError saying what is wrong."""
    tokens: list[tuple[str, str]] = []
    filters: dict[str, list[str]] = {}
    position = 0
    text = text.strip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            break
        position = found.end()
        if found["filter"] and found["filter"].lower() in _FILTERS:
            filters.setdefault(found["filter"].lower(), []).append(found["value"].strip('"'))
        elif found["filter"]:
            tokens.append(("word", found.group().strip()))  # "http://x" or "ratio:3" is text
        elif found["quote"]:
            tokens.append(("phrase", found["quote"].strip('"')))
        elif found["paren"]:
            tokens.append((found["paren"], found["paren"]))
        else:
            tokens.append(("word", found["word"]))
    parser = _Parser(tokens)
    node = parser.parse()
    after, before = _dates(filters, now)
    words = tuple(dict.fromkeys(term for leaf in _leaves(node) for term in leaf.terms))
    return Query(
        text=node,
        entities=tuple(filters.get("entity", ())),
        events=tuple(filters.get("event", ())),
        languages=tuple(value.lower() for value in filters.get("lang", ())),
        feeds=tuple(filters.get("feed", ())),
        after=after,
        before=before,
        words=words,
    )


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.or_expression()
        if self.peek() is not None:
            raise QueryError("a ')' without its '('")
        if node is not None:
            _check_positive(node)
        return node

    def or_expression(self) -> Node | None:
        parts = [self.and_expression()]
        while self.peek() == ("word", "OR"):
            self.position += 1
            parts.append(self.and_expression())
        kept = [part for part in parts if part is not None]
        if len(parts) > 1 and len(kept) < len(parts):
            raise QueryError("OR needs something to look for on both sides")
        return kept[0] if len(kept) == 1 else Or(tuple(kept)) if kept else None

    def and_expression(self) -> Node | None:
        parts: list[Node] = []
        while (token := self.peek()) is not None and token != (")", ")") and token != ("word", "OR"):
            part = self.unary()
            if part is not None:
                parts.append(part)
        return parts[0] if len(parts) == 1 else And(tuple(parts)) if parts else None

    def unary(self) -> Node | None:
        token = self.peek()
        assert token is not None
        if token == ("word", "NOT") or (token[0] == "word" and token[1].startswith("-") and len(token[1]) > 1):
            if token[1] == "NOT":
                self.position += 1
                part = self.unary() if self.peek() not in (None, (")", ")")) else None
            else:
                self.tokens[self.position] = ("word", token[1][1:])
                part = self.unary()
            if part is None:
                raise QueryError("NOT (or '-') needs a word after it")
            return Not(part)
        return self.atom()

    def atom(self) -> Node | None:
        kind, value = self.tokens[self.position]
        self.position += 1
        if kind == "(":
            node = self.or_expression()
            if self.peek() != (")", ")"):
                raise QueryError("a '(' without its ')'")
            self.position += 1
            return node
        if kind == ")":
            raise QueryError("a ')' without its '('")
        prefix = kind == "word" and value.endswith("*") and len(value) > 1
        found = query_terms(value.rstrip("*") if prefix else value)
        if not found:
            return None  # punctuation alone looks for nothing
        if len(found) == 1 and len(found[0]) == 1 and is_no_space(found[0]):
            prefix = True  # one CJK letter: the pairs that start with it, or a run's last letter
        return Terms(tuple(found), prefix)


def _check_positive(node: Node) -> None:
    """Full-text engines find what is there, then leave out what is not: every alternative needs a word."""
    if isinstance(node, Not):
        raise QueryError("a query cannot only exclude: add a word to look for (or a filter such as entity:)")
    if isinstance(node, And):
        if all(isinstance(part, Not) for part in node.parts):
            raise QueryError("a query cannot only exclude: add a word to look for (or a filter such as entity:)")
        for part in node.parts:
            _check_positive(part.part if isinstance(part, Not) else part)
    if isinstance(node, Or):
        for part in node.parts:
            _check_positive(part)


def _leaves(node: Node | None) -> list[Terms]:
    if node is None:
        return []
    if isinstance(node, Terms):
        return [node]
    if isinstance(node, Not):
        return []  # what is excluded is not highlighted
    return [leaf for part in node.parts for leaf in _leaves(part)]


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(f"{name}: expected a day as YYYY-MM-DD, got {value!r}") from None


def _dates(filters: dict[str, list[str]], now: datetime) -> tuple[datetime | None, datetime | None]:
    def start(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)

    after = before = None
    for value in filters.get("after", ()):
        after = start(_day(value, "after"))
    for value in filters.get("before", ()):
        before = start(_day(value, "before"))
    for value in filters.get("date", ()):
        first, _, last = value.partition("..")
        after = start(_day(first, "date")) if first else after
        before = start(_day(last or first, "date")) + timedelta(days=1) if (last or first) else before
    for value in filters.get("since", ()):
        found = re.fullmatch(r"(\d+)([hd])", value)
        if not found:
            raise QueryError(f"since: expected hours or days such as 12h or 7d, got {value!r}")
        after = now - timedelta(**{"hours" if found[2] == "h" else "days": int(found[1])})
    return after, before
