"""Search over every stored item: a small query language, folded terms, and one backend per engine.

terms   — text → the terms indexed and looked for (folded as the matcher folds; CJK/Thai in letter pairs)
query   — the query language → a Query (pure: a text expression and filters)
index   — keeping the index up to date after each polling pass
engine  — running a Query on SQLite FTS5 or PostgreSQL full-text search, whichever the database is
"""

from watcher.search.engine import SearchHit, SearchResult, search
from watcher.search.index import index_pending
from watcher.search.query import Query, QueryError, parse_query

__all__ = ["Query", "QueryError", "SearchHit", "SearchResult", "index_pending", "parse_query", "search"]
