"""Cost of the analyze stage: CPU per analysed item at 10,000 matched items, model load, memory added.

    .venv/bin/python bench/bench_analyze.py [N]

Items are the labelled sets of tests/data/stories (182 items, 13 languages), repeated with their dates
moved so that every copy is its own run of stories, fed in batches of 500 as polling passes would, with
the 72-hour window of open stories kept as the daemon keeps it. CPU is process time (all threads).
"""

from __future__ import annotations

import dataclasses
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    import yaml

    from watcher.config import EntityConfig

    before = rss_mb()
    started = time.process_time()
    from watcher.analyze import Analyzer, StoryBook, analyze_items
    from watcher.analyze.evaluation import item_input, load_labelled

    data = ROOT / "tests" / "data" / "stories"
    entities = []
    for name in ("entities.yaml", "entities-own.yaml"):
        entities += [EntityConfig.model_validate(e) for e in yaml.safe_load((data / name).read_text())["entities"]]
    analyzer = Analyzer(entities)
    analyzer.encoder.encode(["load the model now"])
    load_seconds = time.process_time() - started
    loaded = rss_mb()
    rows = [row for name in ("examples.jsonl", "dev.jsonl", "heldout.jsonl") for row in load_labelled(data / name)]
    base = [item_input(row) for row in rows]
    first = min(item.published for item in base)
    items = []
    for copy in range(total // len(base) + 1):
        shift = timedelta(days=4 * copy)  # each copy after the previous one's stories have closed
        for item in base:
            moved = item.published - first + shift
            items.append(dataclasses.replace(item, id=f"{item.id}#{copy}", published=first + moved))
    items = sorted(items[:total], key=lambda item: item.published)
    book = StoryBook()
    started = time.process_time()
    for start in range(0, len(items), 500):
        batch = items[start : start + 500]
        book.close_before(batch[0].published)
        analyze_items(analyzer, batch, book)
    cpu = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items analysed: {len(items)} in batches of 500")
    print(f"CPU per item: {cpu / len(items) * 1000:.2f} ms (language, entities, events, embedding, stories)")
    print(f"model and automata load: {load_seconds:.2f} s CPU")
    print(f"memory added: {loaded - before:.0f} MB after loading, {rss_mb() - before:.0f} MB after the run "
          f"(peak RSS {peak:.0f} MB, interpreter and watcher's own imports included)")  # fmt: skip


if __name__ == "__main__":
    main()
