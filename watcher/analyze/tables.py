"""The market and cue finders shipped precomputed: ~20,000 country names and cue phrases folded and compiled once, by
scripts/build_finder_tables.py, not in every process that analyses an item (issue 12: ~0.35 CPU-s of each).

data/markets-table.pickle and data/cues-table.pickle each hold what its finder is made of (watcher.match's table of
the automaton; for the markets, the names as written and the cities too), data/cues-yaml.pickle cues.yaml as parsed,
and each the key of what it was made from: the source tables' bytes (CLDR's names from babel, GeoNames' cities,
cues.yaml), the source of the modules that build it (markets.py or cues.py, and watcher.match), the Unicode data
folding reads, and FORMAT. A finder uses its table only when that key is the key of the sources it has now;
otherwise it builds the same thing from them, as before the tables: an edit to the names, the cues or the code
takes effect at once, and tests/test_analyze_tables.py fails until the tables are made again.

A table is plain data (dicts, lists, strings, numbers, booleans, None: what JSON gives, and bytes) in a pickle, each
distinct string stored once: reading the three took ~0.1 CPU-s of `poll --once`'s analysis as JSON (4.6 MB for the
markets, ~120,000 numbers parsed from text), about half as a pickle (docs/benchmarks.md, issue 12, session 13). Its
reader makes nothing else: a pickle naming any class or function is refused (PlainUnpickler), so reading one runs
no code whatever its bytes. The automata's phrases and the names looked up are packed into few buffers (FORMAT 4:
watcher/match/packed.py): ~27 MB and ~90 ms of small objects to unpickle became ~11 MB and ~30 ms, which a one-pass
process gives back when it lets them go (docs/benchmarks.md, "analysis-lean").
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import pickle
import sys
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = 4  # of the tables' layout: a change makes every shipped table stale
MARKETS = "markets-table.pickle"
CUES = "cues-table.pickle"
CUES_YAML = "cues-yaml.pickle"  # cues.yaml as read: PyYAML's import and libyaml take ~60 ms, this ~2
_PROTOCOL = 5


def data_bytes(name: str) -> bytes:
    return resources.files("watcher.analyze").joinpath("data", name).read_bytes()


def code(module: str) -> bytes | None:
    """The source of an imported module that builds a table, for its key: after an edit, the finders are built live,
    as the code now says, until the script makes the tables again. None where there is no source (a table's key
    always has it: no table is used then)."""
    file = getattr(sys.modules[module], "__file__", None) or ""
    try:
        return Path(file).read_bytes() if file.endswith(".py") else None
    except OSError:
        return None


def key(*sources: object) -> str:
    """The key of a table made from `sources`: bytes as they are, anything else as JSON (sets sorted)."""
    digest = hashlib.sha256(f"format {FORMAT} unicode {unicodedata.unidata_version}".encode())
    for source in sources:
        data = source if isinstance(source, bytes) else _json(source).encode()
        digest.update(len(data).to_bytes(8, "big") + data)  # lengths first: no two lists of sources run together
    return digest.hexdigest()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=sorted)


class PlainUnpickler(pickle.Unpickler):
    """Reads plain data only: the opcodes of dicts, lists, strings and numbers need no global, and any global (a class
    to make, a function to call) is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def loads(data: bytes) -> Any:
    return PlainUnpickler(io.BytesIO(data)).load()


def shipped(name: str, wanted: str) -> dict[str, Any] | None:
    """The shipped table `name` when it was made from the sources whose key is `wanted`, else None."""
    try:
        table = loads(data_bytes(name))
    except Exception as exc:  # missing, cut short or not plain data (pickle raises many kinds): built live
        log.info("analyze.no_table", extra={"fields": {"table": name, "error": f"{type(exc).__name__}: {exc}"}})
        return None
    if not isinstance(table, dict) or table.get("key") != wanted:
        log.info("analyze.stale_table", extra={"fields": {"table": name}})  # built live: the same, slower
        return None
    return table


def write(path: Path, table: dict[str, Any], wanted: str) -> None:
    """`table` with its key, as dumps() makes it."""
    path.write_bytes(dumps({"key": wanted, **table}))


def plain(value: object) -> Any:
    """`value` as a finder reads it: what JSON makes of it (tuples as lists, sets sorted, keys strings) but bytes (a
    packed table's buffers, watcher/match/packed.py), each distinct string one object (the pickle then stores it
    once: ~31,000 names of the cities repeat)."""
    strings: dict[str, str] = {}

    def shared(item: Any) -> Any:
        if isinstance(item, str):
            return strings.setdefault(item, item)
        if isinstance(item, bytes):
            return item
        if isinstance(item, list | tuple):
            return [shared(part) for part in item]
        if isinstance(item, set | frozenset):
            return [shared(part) for part in sorted(item)]
        if isinstance(item, dict):  # in its order (a finder's rows follow it), its keys strings as in JSON
            return {shared(_json_key(name)): shared(part) for name, part in item.items()}
        return item if item is None or type(item) in (bool, int, float) else json.loads(json.dumps(item))

    return shared(value)


def _json_key(name: object) -> str:
    return name if isinstance(name, str) else json.dumps(name)


def dumps(value: object) -> bytes:
    return pickle.dumps(plain(value), protocol=_PROTOCOL)
