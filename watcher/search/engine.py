"""Running a Query on the database in use: SQLite FTS5 (the embedded default) or PostgreSQL full-text
search, chosen by the engine. Both hold the same folded terms (index.py), so a query means the same on both.

Results come newest first (by item id, which follows the order items were stored): the engines walk their
index in that order and stop at the page's end, so a word found in half a million items costs no more than
a rare one (docs/benchmarks.md). Totals are counted up to COUNT_CAP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import column, exists, func, or_, select, table, text
from sqlalchemy.orm import Session

from watcher.config import EntityConfig
from watcher.match.matcher import UNDETERMINED, Matcher
from watcher.match.results import Snippet, make_snippet
from watcher.match.words import is_no_space
from watcher.models import Entity, Feed, Item, ItemEvent, Match, StoryItem
from watcher.search.query import And, Node, Not, Or, Query, Terms

COUNT_CAP = 1000
_ITEMS = Item.__table__
_FTS = table("search_fts", column("rowid"))
_DOCUMENTS = table("search_documents", column("item_id"))


@dataclass(frozen=True)
class SearchHit:
    item_id: int
    title: str
    link: str | None
    feed: str
    published: datetime
    language: str | None
    entities: tuple[str, ...]
    story_id: int | None
    snippet: Snippet | None  # the words found, highlighted (None when only filters were given)


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    total: int  # up to COUNT_CAP
    capped: bool  # there are more than COUNT_CAP


def fts5_expression(node: Node) -> str:
    if isinstance(node, Terms):
        quoted = '"' + " ".join(term.replace('"', '""') for term in node.terms) + '"'
        return quoted + " *" if node.prefix else quoted
    if isinstance(node, Or):
        return " OR ".join(f"({fts5_expression(part)})" for part in node.parts)
    if isinstance(node, Not):
        raise ValueError("NOT stands inside AND only (parse_query checks it)")
    positive = [part for part in node.parts if not isinstance(part, Not)]
    negative = [part.part for part in node.parts if isinstance(part, Not)]
    expression = " AND ".join(f"({fts5_expression(part)})" for part in positive)
    return expression + "".join(f" NOT ({fts5_expression(part)})" for part in negative)


def tsquery_expression(node: Node) -> str:
    if isinstance(node, Terms):
        quoted = [f"'{term}'" for term in node.terms]  # terms are letters, digits and marks only
        if node.prefix:
            quoted[-1] += ":*"
        return " <-> ".join(quoted)
    if isinstance(node, Or):
        return " | ".join(f"({tsquery_expression(part)})" for part in node.parts)
    if isinstance(node, Not):
        return f"!({tsquery_expression(node.part)})"
    return " & ".join(f"({tsquery_expression(part)})" for part in node.parts)


def _filters(query: Query) -> list[Any]:
    conditions: list[Any] = []
    item_id = _ITEMS.c.id
    if query.entities:
        names = [name.casefold() for name in query.entities]
        conditions.append(
            exists().where(Match.item_id == item_id, Match.entity_id == Entity.id, func.lower(Entity.name).in_(names))
        )
    if query.events:
        conditions.append(exists().where(ItemEvent.item_id == item_id, ItemEvent.type.in_(query.events)))
    if query.languages:
        wanted = [StoryItem.language.in_(query.languages)] + [
            StoryItem.language.like(f"{code}-%") for code in query.languages
        ]
        declared = [func.lower(_ITEMS.c.language).in_(query.languages)] + [
            func.lower(_ITEMS.c.language).like(f"{code}-%") for code in query.languages
        ]
        analysed = exists().where(StoryItem.item_id == item_id)
        conditions.append(or_(exists().where(StoryItem.item_id == item_id, or_(*wanted)), ~analysed & or_(*declared)))
    if query.feeds:
        wanted = [
            func.lower(func.coalesce(column_, "")).contains(name.casefold(), autoescape=True)
            for name in query.feeds
            for column_ in (Feed.name, Feed.title, Feed.url)
        ]
        conditions.append(exists().where(Feed.id == _ITEMS.c.feed_id, or_(*wanted)))
    when = func.coalesce(_ITEMS.c.published_at, _ITEMS.c.first_seen_at)
    if query.after is not None:
        conditions.append(when >= query.after)
    if query.before is not None:
        conditions.append(when < query.before)
    return conditions


def _id_query(query: Query, dialect: str) -> Any:
    if query.text is None:
        return select(_ITEMS.c.id).where(*_filters(query)).order_by(_ITEMS.c.id.desc())
    if dialect == "postgresql":
        found = text("search_documents.document @@ to_tsquery('simple', :q)").bindparams(
            q=tsquery_expression(query.text)
        )
        return (
            select(_ITEMS.c.id)
            .select_from(_DOCUMENTS.join(_ITEMS, _ITEMS.c.id == _DOCUMENTS.c.item_id))
            .where(found, *_filters(query))
            .order_by(_DOCUMENTS.c.item_id.desc())
        )
    found = text("search_fts MATCH :q").bindparams(q=fts5_expression(query.text))
    return (
        select(_ITEMS.c.id)
        .select_from(_FTS.join(_ITEMS, _ITEMS.c.id == _FTS.c.rowid))
        .where(found, *_filters(query))
        .order_by(_FTS.c.rowid.desc())
    )


def search(session: Session, query: Query, limit: int = 50, offset: int = 0) -> SearchResult:
    if query.empty:
        return SearchResult([], 0, False)
    ids_query = _id_query(query, session.get_bind().dialect.name)
    ids = list(session.scalars(ids_query.limit(limit).offset(offset)))
    total = session.scalar(select(func.count()).select_from(ids_query.order_by(None).limit(COUNT_CAP + 1).subquery()))
    total = int(total or 0)
    return SearchResult(_hits(session, ids, query), min(total, COUNT_CAP), total > COUNT_CAP)


def _highlighter(query: Query) -> Matcher | None:
    aliases = []
    leaves = _positive_leaves(query.text)
    if isinstance(query.text, And) and all(isinstance(part, Terms) for part in query.text.parts):
        # Words typed together are shown together where they stand side by side: "mi pay" before "mi".
        leaves.insert(0, Terms(tuple(term for leaf in leaves for term in leaf.terms), leaves[-1].prefix))
    for leaf in leaves:
        if all(is_no_space(term[0]) for term in leaf.terms):
            surface = leaf.terms[0] + "".join(term[-1] for term in leaf.terms[1:])
        else:
            surface = " ".join(leaf.terms) + ("*" if leaf.prefix else "")
        aliases.append(surface)
    if not aliases:
        return None
    try:
        return Matcher.build([EntityConfig(name="query", aliases=list(dict.fromkeys(aliases)))])
    except Exception:  # an odd alias shape only costs the highlighting
        return None


def _ordered(snippet: Snippet) -> Snippet:
    """Highlights in reading order, none inside another (a phrase's words within the phrase)."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(set(snippet.highlights), key=lambda span: (span[0], -span[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return Snippet(snippet.text, tuple(kept))


def _positive_leaves(node: Node | None) -> list[Terms]:
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Terms):
        return [node]
    return [leaf for part in node.parts for leaf in _positive_leaves(part)]


def _hits(session: Session, ids: list[int], query: Query) -> list[SearchHit]:
    if not ids:
        return []
    rows = {item.id: (item, feed) for item, feed in session.execute(
        select(Item, Feed).join(Feed, Feed.id == Item.feed_id).where(Item.id.in_(ids))
    )}  # fmt: skip
    entities: dict[int, list[str]] = {}
    for item_id, name in session.execute(
        select(Match.item_id, Entity.name).join(Entity, Entity.id == Match.entity_id).where(Match.item_id.in_(ids))
    ):
        entities.setdefault(item_id, []).append(name)
    stories = dict(
        session.execute(select(StoryItem.item_id, StoryItem.story_id).where(StoryItem.item_id.in_(ids))).all()
    )
    languages = dict(
        session.execute(select(StoryItem.item_id, StoryItem.language).where(StoryItem.item_id.in_(ids))).all()
    )
    highlighter = _highlighter(query)
    hits = []
    for item_id in ids:
        if item_id not in rows:
            continue
        item, feed = rows[item_id]
        snippet = None
        if highlighter is not None:
            # As the item's entities were found: with its language's endings and prefixes ("Renaulta", "وشاومي").
            found = highlighter.match(item.fields, language=languages.get(item.id) or item.language or UNDETERMINED)
            if found:
                # The longest hit (a phrase over a word), earliest field and place first: the snippet centres on it.
                order = {"title": 0, "summary": 1, "content": 2}
                best = sorted(found[0].hits, key=lambda hit: (hit.start - hit.end, order.get(hit.field, 3), hit.start))
                field = best[0].field
                snippet = _ordered(make_snippet(item.fields[field], [hit for hit in best if hit.field == field]))
        if snippet is None:
            body = item.summary or item.content
            snippet = Snippet(body[:240] + ("…" if len(body) > 240 else ""), ()) if body else None
        hits.append(
            SearchHit(
                item_id=item.id,
                title=item.title,
                link=item.link,
                feed=feed.display_name,
                published=item.published_at or item.first_seen_at,
                language=languages.get(item.id) or item.language,
                entities=tuple(sorted(entities.get(item.id, ()))),
                story_id=stories.get(item.id),
                snippet=snippet,
            )
        )
    return hits
