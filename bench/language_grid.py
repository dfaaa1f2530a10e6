#!/usr/bin/env python3
"""Language detection on a grid of languages a detector takes for one another (tests/data/lang/close-pairs.jsonl).

    .venv/bin/python bench/language_grid.py [--mistakes] [FILE.jsonl ...]

Each row's headline and summary go through item_language with no declared language, as the analysis reads an item
whose feed does not say. Prints, per pair of the grid and in all: items, right, right family, and what each wrong
one was read as. A wrong language of the right family (Bosnian read as Croatian, Malay as Indonesian) costs the
analysis little: it reads the sister's cues too (watcher/analyze/sentences.py, _SISTERS and _SAME_CUES); a wrong
family (Bosnian read as Slovenian, Afrikaans as Dutch) reads the wrong cue table.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from watcher.analyze.language import item_language  # noqa: E402

GRID = ROOT / "tests" / "data" / "lang" / "close-pairs.jsonl"
# Languages whose cues the analysis reads for one another (sentences.py): Serbo-Croatian's standards, Malay and
# Indonesian, Norwegian and Danish, Czech and Slovak.
FAMILIES = ({"bs", "hr", "sr", "sh"}, {"ms", "id"}, {"no", "nb", "nn", "da"}, {"cs", "sk"})


def family(code: str | None) -> frozenset[str]:
    return next((frozenset(group) for group in FAMILIES if code in group), frozenset({code or ""}))


def main() -> None:
    flags = {arg for arg in sys.argv[1:] if arg.startswith("-")}
    if flags - {"--mistakes"}:
        sys.exit(__doc__)
    files = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("-")] or [GRID]
    rows = [json.loads(line) for path in files for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_pair: dict[str, list[tuple[dict, str | None]]] = defaultdict(list)
    for row in rows:
        by_pair[row.get("pair", row["lang"])].append((row, item_language(None, row["title"], row["summary"])))
    totals = Counter()
    for pair, results in sorted(by_pair.items()):
        right = sum(found == row["lang"] for row, found in results)
        kin = sum(found in family(row["lang"]) for row, found in results)
        wrong = Counter(f"{row['lang']}→{found}" for row, found in results if found != row["lang"])
        totals.update(items=len(results), right=right, kin=kin)
        read = ", ".join(f"{what} {count}" for what, count in wrong.most_common())
        print(f"{pair:14} {len(results):4} items · right {right / len(results):.3f} · family {kin / len(results):.3f}"
              + (f" · {read}" if read else ""))  # fmt: skip
        if "--mistakes" in flags:
            for row, found in results:
                if found != row["lang"]:
                    print(f"    {row['id']} {found}: {row['title']}")
    print(f"{'all':14} {totals['items']:4} items · right {totals['right'] / totals['items']:.3f} · "
          f"family {totals['kin'] / totals['items']:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
