"""An item's matches as the store writes them: each match's row values (snippet, highlights and hits as JSON text)
made in plain Python, ready for the store's bulk inserts (watcher/store/matches.py) with no per-row statement or
type processing. Made where the item was matched: a parse worker (watcher/worker.py), or the writer for a backfill.

The values are those SQLAlchemy's JSON columns held before (tests/test_store_bulk.py compares them decoded): the
snippet of watcher.match.make_snippet, its highlights as [[start, end], ...], every hit as {"alias", "field",
"start", "end", "text"}; the JSON compact and ASCII-escaped (json.dumps' own escaping, without its ~3 µs set-up a
call).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring_ascii as _json_string  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any

from watcher.match.results import SNIPPET_CHARS

if TYPE_CHECKING:
    from watcher.match.results import EntityMatch, Hit


class PreparedMatches(tuple[tuple[Any, ...], ...]):
    """An item's matches as stored (prepare_matches), made where it was matched: a parse worker."""

    __slots__ = ()


# The JSON of a hit up to its start, by alias and field: few (the config's aliases), each made once. Bounded.
_HEADS: dict[tuple[str, str], str] = {}
_HEADS_MAX = 4096


def prepare_matches(fields: Mapping[str, str], matches: Iterable[EntityMatch]) -> PreparedMatches:
    """Each match as the values the store writes: (entity, alias, field, start, end, surface, snippet,
    highlights as JSON text, hits as JSON text)."""
    rows = []
    for match in matches:
        hits = match.hits
        first = hits[0]
        snippet, highlights = _snippet(fields[first.field], hits, first)
        rows.append(
            (
                match.entity,
                first.alias,
                first.field,
                first.start,
                first.end,
                first.text,
                snippet,
                highlights,
                _hits_json(hits),
            )
        )
    return PreparedMatches(rows)


def _snippet(text: str, hits: tuple[Hit, ...], first: Hit) -> tuple[str, str]:
    """watcher.match.make_snippet's text around the first hit, and its highlights as JSON text."""
    first_start, first_end = first.start, first.end
    width = SNIPPET_CHARS
    budget = width - (first_end - first_start)
    if budget < 0:
        budget = 0
    start = first_start - budget // 3
    if start < 0:
        start = 0
    length = len(text)
    end = first_end + budget - (first_start - start)
    if end > length:
        end = length
    if start > end - width:
        start = end - width if end > width else 0
    if start > 0:
        space = text.find(" ", start, first_start)
        if space != -1:
            start = space + 1
    if end < length:
        space = text.rfind(" ", first_end, end)
        if space != -1:
            end = space
    body = text[start:end].replace("\n", " ")
    shift = -start
    if start > 0:
        body = "…" + body
        shift += 1
    if end < length:
        body += "…"
    if len(hits) == 1:  # the usual case
        stop = first_end if first_end < end else end
        return body, f"[[{first_start + shift},{stop + shift}]]"
    field = first.field
    spans = [
        f"[{hit.start + shift},{(hit.end if hit.end < end else end) + shift}]"
        for hit in hits
        if hit.field == field and start <= hit.start < end
    ]
    return body, "[" + ",".join(spans) + "]"


def _hits_json(hits: tuple[Hit, ...]) -> str:
    """[{"alias", "field", "start", "end", "text"}, ...] as JSON text."""
    if len(hits) == 1:  # the usual case
        hit = hits[0]
        return '[%s%d,"end":%d,"text":%s}]' % (_head(hit.alias, hit.field), hit.start, hit.end, _json_string(hit.text))  # noqa: UP031
    return (
        "["
        + ",".join(
            '%s%d,"end":%d,"text":%s}' % (_head(hit.alias, hit.field), hit.start, hit.end, _json_string(hit.text))  # noqa: UP031
            for hit in hits
        )
        + "]"
    )


def _head(alias: str, field: str) -> str:
    """A hit's JSON up to its start: the same for every hit of an alias in a field."""
    found = _HEADS.get((alias, field))
    if found is None:
        if len(_HEADS) >= _HEADS_MAX:
            _HEADS.clear()
        found = _HEADS[alias, field] = f'{{"alias":{_json_string(alias)},"field":{_json_string(field)},"start":'
    return found
