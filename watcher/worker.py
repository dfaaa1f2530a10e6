"""Set-up of a parse worker process: what runs in it before any feed does.

Kept apart and light: unpickling the initializer in a fresh worker imports only this module.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

PARENT_CHECK_SECONDS = 2.0

# (key, watcher.match.Matcher) of the entities this worker matches with (init_parse_worker), or None.
_matcher: tuple[str, Any] | None = None
# An extractor process's shared cells (init_extract_worker): it writes a page's token in its cell as it begins it.
_begun: Any = None

# The entities as plain values, to build the matcher in a worker without pydantic: per entity (name, aliases as
# (text, case_sensitive, inflect), exclude, require_any, inflect).
EntitySpec = tuple[
    tuple[str, tuple[tuple[str, bool, bool | None], ...], tuple[str, ...], tuple[str, ...], bool | None], ...
]


def entity_spec(entities: Any) -> EntitySpec:
    """The spec of config entities (EntityConfig), for init_parse_worker."""
    return tuple(
        (
            entity.name,
            tuple((alias.text, alias.case_sensitive, alias.inflect) for alias in entity.aliases),
            tuple(entity.exclude),
            tuple(entity.require_any),
            entity.inflect,
        )
        for entity in entities
    )


def init_parse_worker(
    memory_limit: int, parent_pid: int, entities: EntitySpec | None = None, key: str | None = None
) -> None:
    """Cap the worker's address space, and make it exit when the daemon that started it is gone.

    Without the second, a daemon killed with SIGKILL leaves its workers (and the forkserver and
    resource tracker they keep alive) running for ever: each worker holds its own task queue open.
    With `entities` (entity_spec) and their `key`, the worker also matches what it parses (read_and_match).
    """
    global _matcher
    if entities is not None and key is not None:
        from watcher.match.matcher import Matcher

        _matcher = (key, Matcher.build([_entity(*spec) for spec in entities]))
    with contextlib.suppress(ValueError, OSError, AttributeError):  # no RLIMIT_AS here: no cap
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    threading.Thread(target=_exit_with, args=(parent_pid,), name="watch-parent", daemon=True).start()


def init_extract_worker(begun: Any, prepare: Callable[[], None], memory_limit: int, parent_pid: int) -> None:
    """init_parse_worker for an extractor process (watcher.articles.ExtractorPool), then `prepare()` (the job's
    imports); it also keeps `begun`: shared int64 cells where begin_page says which page it has begun."""
    global _begun
    _begun = begun
    init_parse_worker(memory_limit, parent_pid)
    prepare()


def begin_page(job: Callable[[bytes], str], cell: int, token: int, body: bytes) -> str:
    """`job(body)` in an extractor process, once `token` is in its cell: the parent's timer for the page runs
    from here, not from the hand-over (the process's start and the job's imports came before)."""
    _begun[cell] = token
    return job(body)


def _exit_with(parent_pid: int) -> None:
    while True:
        time.sleep(PARENT_CHECK_SECONDS)
        if not _alive(parent_pid):
            os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed parent nobody has reaped yet is a zombie: gone for our purpose
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _entity(name: str, aliases: Any, exclude: Any, require_any: Any, inflect: bool | None) -> Any:
    return SimpleNamespace(
        name=name,
        aliases=[SimpleNamespace(text=text, case_sensitive=cased, inflect=takes) for text, cased, takes in aliases],
        exclude=list(exclude),
        require_any=list(require_any),
        inflect=inflect,
    )


def read_and_match(
    reader: Callable[..., Any], body: bytes, *, content_type: str | None, url: str, key: str, known: bytes = b""
) -> tuple[Any, list[Any] | None]:
    """(what `reader` reads of the body, each entry's matches as stored or None).

    Matching here, beside the parsing, spares the writer in the daemon's process: only the matches cross back,
    as plain tuples (watcher.stored_matches.PreparedMatches). Entries whose identity starts with one of the 8-byte
    prefixes in `known` (the feed's entries of its last poll: stored already) are not matched (None), nor is
    anything when this worker's entities are not those of `key` (a reloaded config).
    """
    parsed = reader(body, content_type=content_type, url=url)
    entries = getattr(parsed, "entries", None)
    if _matcher is None or _matcher[0] != key or entries is None or not hasattr(parsed, "ttl_seconds"):
        return parsed, None
    from watcher.match.endings import UNDETERMINED
    from watcher.stored_matches import prepare_matches

    matcher = _matcher[1]
    seen = {known[start : start + 8] for start in range(0, len(known), 8)}
    prepared: list[Any] = []
    for entry in entries:
        if seen and _prefix(entry.identity) in seen:
            prepared.append(None)
            continue
        fields = entry.fields
        prepared.append(prepare_matches(fields, matcher.match(fields, language=entry.language or UNDETERMINED)))
    return parsed, prepared


def _prefix(identity: str) -> bytes:
    try:
        return bytes.fromhex(identity[:16])
    except ValueError:
        return b""
