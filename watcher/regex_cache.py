"""Compiled regular expressions kept between processes, for the commands a user starts again and again.

A `watcher poll --once` compiles ~300 regular expressions before and during its pass: its own modules' (the
analysis stage's multilingual alternations above all), SQLAlchemy's, feedparser's, the standard library's. Python
parses and compiles each with its pure-Python sre parser and compiler: ~0.4 G instructions, ~6% of a 10%-changed
cycle. What that compiler makes is a list of integers (the program `_sre` runs) and the group names; `_sre.compile`
turns it into the Pattern object in microseconds, and checks the program as it does (CPython's `_validate`: a
damaged one raises, it never runs).

install() points `re`'s compiler at a table of those programs, read from the user's cache directory (beside the
encoder's files: watcher.cache_dir), keyed by pattern and flags: a pattern found there is made by `_sre.compile`
straight away, the same object `re.compile` makes; any other is compiled as always and its program noted, and the
table is written again (atomically) at exit when the process compiled more than a few new ones (save()). The file
names the Python build and the `_sre` version it was made by; another build ignores it and writes its own.
Anything unexpected (a private function of `re` missing, an unreadable file) leaves `re` as it was.
"""

from __future__ import annotations

import atexit
import contextlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

FORMAT = 1
FILE_NAME = "regex-programs-{tag}.bin"
MAX_PATTERNS = 4000  # beyond: the table keeps only what the writing process used
MAX_PATTERN_CHARS = 50_000  # a longer pattern (a generated alternation) is compiled every time, never kept
# New patterns a process may compile without writing the table again: a few differ in every process (the standard
# library's tokenizer pattern is made from a set of string prefixes, in hash order), and would rewrite it each time.
TOLERATED_NEW = 8

_Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]

_table: dict[tuple[Any, int], _Entry] = {}
_used: set[tuple[Any, int]] = set()
_new = 0
_path: Path | None = None
_original: Any = None


def _version() -> tuple[object, ...]:
    import _sre
    from re import _constants

    return (FORMAT, sys.version, sys.implementation.cache_tag, _sre.MAGIC, _constants.MAGIC, _sre.CODESIZE)


def install(cache_dir: Path | None) -> bool:
    """Make `re` use the cached programs of `cache_dir` for this process's life (and write them at exit); True when
    it does. Only once a process."""
    global _path, _original, _table
    if _original is not None or cache_dir is None:
        return False
    try:
        from re import _compiler, _parser  # noqa: F401 -- both used by _compile; missing in another Python: no cache

        version = _version()
        path = cache_dir / FILE_NAME.format(tag=sys.implementation.cache_tag)
        _table = _read(path, version)
        _original = _compiler.compile
        _compiler.compile = _compile
    except (ImportError, AttributeError):
        return False
    _path = path
    atexit.register(save)
    return True


def uninstall() -> None:
    """`re` as it was (tests); the table is not written."""
    global _original, _path, _new
    if _original is not None:
        from re import _compiler

        _compiler.compile = _original
        _original = _path = None
        _table.clear()
        _used.clear()
        _new = 0
        atexit.unregister(save)


def _read(path: Path, version: tuple[object, ...]) -> dict[tuple[Any, int], _Entry]:
    try:
        data = path.read_bytes()
        found_version, table = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if found_version != version or not isinstance(table, dict):
        return {}
    return table


def _compile(pattern: Any, flags: int = 0) -> Any:
    """re._compiler.compile(pattern, flags), from the table where it holds the pattern."""
    import _sre

    flags = int(flags)
    if not isinstance(pattern, (str, bytes)) or len(pattern) > MAX_PATTERN_CHARS or flags & 128:  # re.DEBUG prints
        return _original(pattern, flags)
    key = (pattern, flags)
    entry = _table.get(key)
    if entry is not None:
        try:
            compiled = _sre.compile(pattern, *entry)
        except (RuntimeError, TypeError, ValueError, OverflowError):  # not a program this build runs
            del _table[key]
        else:
            _used.add(key)
            return compiled
    try:
        entry = _program(pattern, flags)
    except (AttributeError, TypeError):  # another Python's compiler: as it is
        return _original(pattern, flags)
    compiled = _sre.compile(pattern, *entry)
    _note(key, entry)
    return compiled


def _program(pattern: str | bytes, flags: int) -> _Entry:
    """What re._compiler.compile hands _sre.compile (Python 3.11-3.13's body of it), as plain data."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (
        int(flags | parsed.state.flags),
        [int(op) for op in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _note(key: tuple[Any, int], entry: _Entry) -> None:
    global _new
    _table[key] = entry
    _used.add(key)
    _new += 1


def save() -> None:
    """Write the table when this process compiled patterns it did not hold: any when it held none, else more than
    TOLERATED_NEW (at exit; atomically, the last writer's table wins)."""
    global _new
    if _path is None or not _new or (_new <= TOLERATED_NEW and len(_table) > _new):
        return
    import tempfile

    table = _table if len(_table) <= MAX_PATTERNS else {key: _table[key] for key in _used if key in _table}
    try:
        data = marshal.dumps((_version(), table))
        _path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=_path.parent, prefix=".regex-programs-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, _path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except (OSError, ValueError):
        return
    _new = 0
