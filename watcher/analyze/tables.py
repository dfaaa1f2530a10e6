"""The market and cue finders shipped precomputed: ~20,000 country names and cue phrases folded and compiled once, by
scripts/build_finder_tables.py, not in every process that analyses an item (issue 12: ~0.35 CPU-s of each).

data/markets-table.json and data/cues-table.json each hold what its finder is made of (watcher.match's table of the
automaton; for the markets, the names as written and the cities too), data/cues-yaml.json cues.yaml as parsed, and
each the key of what it was made from: the source tables' bytes (CLDR's names from babel, GeoNames' cities,
cues.yaml), the source of the modules that build it (markets.py or cues.py, and watcher.match), the Unicode data
folding reads, and FORMAT. A finder uses its table only when that key is the key of the sources it has now;
otherwise it builds the same thing from them, as before the tables: an edit to the names, the cues or the code
takes effect at once, and tests/test_analyze_tables.py fails until the tables are made again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = 2  # of the tables' layout: a change makes every shipped table stale
MARKETS = "markets-table.json"
CUES = "cues-table.json"
CUES_YAML = "cues-yaml.json"  # cues.yaml as read: libyaml takes ~30 ms, json ~2


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


def shipped(name: str, wanted: str) -> dict[str, Any] | None:
    """The shipped table `name` when it was made from the sources whose key is `wanted`, else None."""
    try:
        table = json.loads(data_bytes(name))
    except (OSError, ValueError) as exc:
        log.info("analyze.no_table", extra={"fields": {"table": name, "error": f"{type(exc).__name__}: {exc}"}})
        return None
    if not isinstance(table, dict) or table.get("key") != wanted:
        log.info("analyze.stale_table", extra={"fields": {"table": name}})  # built live: the same, slower
        return None
    return table


def write(path: Path, table: dict[str, Any], wanted: str) -> None:
    """`table` as JSON with its key, a row a line: a table made again differs from the last by lines (git diff)."""
    path.write_text(dumps({"key": wanted, **table}), encoding="utf-8")


def dumps(value: object, depth: int = 0) -> str:
    """JSON with the containers of the first two levels, and the long ones of the third, one item a line."""
    split = isinstance(value, dict | list) and value and (depth < 2 or (depth == 2 and len(value) > 16))
    if not split:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        items = [f"{json.dumps(name, ensure_ascii=False)}: {dumps(item, depth + 1)}" for name, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n}"
    return "[\n" + ",\n".join(dumps(item, depth + 1) for item in value) + "\n]"  # type: ignore[union-attr]
