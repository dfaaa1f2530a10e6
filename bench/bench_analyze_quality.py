"""Quality of the analyze stage on the labelled sets: story pairs F1, events P/R, market and language accuracy.

    .venv/bin/python bench/bench_analyze_quality.py [--mistakes] [--detect] [FILE.jsonl ...]

Defaults to tests/data/stories/{examples,dev,heldout}.jsonl, each with the entities of its own yaml.
--detect hides each item's labelled language, so the language column measures detection alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from watcher.analyze import Analyzer, analyze_items  # noqa: E402
from watcher.analyze.evaluation import item_input, load_labelled, score  # noqa: E402
from watcher.config import EntityConfig  # noqa: E402

DATA = ROOT / "tests" / "data" / "stories"


def entities_for(path: Path) -> list[EntityConfig]:
    name = "entities.yaml" if path.name == "examples.jsonl" else "entities-own.yaml"
    raw = yaml.safe_load((path.parent / name).read_text(encoding="utf-8"))
    return [EntityConfig.model_validate(entity) for entity in raw["entities"]]


def main() -> None:
    flags = {arg for arg in sys.argv[1:] if arg.startswith("--")}
    files = [Path(arg) for arg in sys.argv[1:] if not arg.startswith("--")] or [
        DATA / "examples.jsonl",
        DATA / "dev.jsonl",
        DATA / "heldout.jsonl",
    ]
    for path in files:
        rows = load_labelled(path)
        analyzer = Analyzer(entities_for(path))
        analyses = analyze_items(analyzer, [item_input(row, keep_language="--detect" not in flags) for row in rows])
        result = score(rows, analyses)
        print(f"{path.name:16} {len(rows):4} items · {result.line()}")
        if "--mistakes" in flags:
            for mistake in result.mistakes:
                print("   ", mistake)


if __name__ == "__main__":
    main()
