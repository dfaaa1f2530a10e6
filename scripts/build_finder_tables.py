"""Write watcher/analyze/data/markets-table.pickle, cues-table.pickle and cues-yaml.pickle: the market and cue finders
built from their sources, so that a process reads them instead of folding and compiling ~20,000 phrases
(watcher/analyze/tables.py).

Run after changing the country names (data/territories.json, territory_alt_names.json, cities.json, markets.py),
the cue tables (data/cues.yaml, cues.py) or watcher.match: `.venv/bin/python scripts/build_finder_tables.py`
(tests/test_analyze_tables.py says when). Until then each process builds the finders itself, as before the tables.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.analyze import cues, markets, tables  # noqa: E402

DATA = ROOT / "watcher" / "analyze" / "data"


def outputs() -> dict[Path, tuple[dict, str]]:
    """Each table's file → (the table built now, the key of its sources now)."""
    return {
        DATA / tables.MARKETS: (markets.market_table(), markets.table_key()),
        DATA / tables.CUES: ({"matcher": cues.cue_table()}, cues.table_key()),
        DATA / tables.CUES_YAML: ({"tables": cues.read_yaml()}, cues.yaml_key()),
    }


def main() -> None:
    for path, (table, key) in outputs().items():
        tables.write(path, table, key)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
