#!/usr/bin/env python3
"""Full text of linked articles (issue 13): CPU per article extracted, and a 1,000-feed polling cycle with
full text on 10% of the new items against the same cycle without.

Run from the repository root:  .venv/bin/python bench/bench_fulltext.py  [--feeds 1000] [--pages 300]

1. Extraction: watcher.coverage.fulltext.extract_article (trafilatura) on --pages synthetic article pages
   (bench/_articles.py: ~73 KB, ~1,400 elements each), in a fresh process: CPU per article, and the memory
   the extractor adds to a process (peak RSS before and after).
2. Cycles: bench/_feedserver.py --articles serves --feeds feeds (50 loopback addresses), each item linking
   to an article page it also serves. Two watcher runs on fresh SQLite databases, each cycle in a fresh
   process (Watcher.open, then poll(everything=True); CPU of the process and its children, parse workers
   and extractor processes started and reaped inside the window): `without` (full_text: never on every
   feed) and `with` (full_text: always on feeds 0-9, 100-109, ..., never on the others: 10% of the new
   items in every cycle). Cycles: first (every feed new: back-catalogue stored, nothing fetched), changed
   (every feed 5 new items: 500 articles fetched in `with`), 90% unchanged (100 feeds changed: 50
   articles). Target: `with` within 2× of `without` in CPU, cycle by cycle. Only 127.0.0.x is contacted.
   Not a test: it prints tables.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import _articles  # noqa: E402
import _feedserver  # noqa: E402

TARGET_RATIO = 2.0
CYCLE_TIMEOUT = 900.0


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# --- 1. extraction, in its own process ------------------------------------------------------------


def extraction(pages: int) -> dict:
    from watcher.coverage.fulltext import extract_article

    bodies = [_articles.article_html(seed) for seed in range(pages)]
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    extract_article(bodies[0], content_type="text/html")  # imports trafilatura, reads its settings
    started = time.process_time()
    texts = [extract_article(body, content_type="text/html", url=f"http://x/{n}") for n, body in enumerate(bodies)]
    cpu = time.process_time() - started
    return {
        "pages": pages,
        "page_kb": sum(map(len, bodies)) / pages / 1000,
        "text_chars": sum(map(len, texts)) / pages,
        "cpu_ms": cpu / pages * 1000,
        "rss_before_mb": before_mb,
        "rss_after_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --- 2. one watcher cycle, in its own process -----------------------------------------------------


def cycle(config_path: str) -> dict:
    import multiprocessing.forkserver

    from sqlalchemy import func, select

    from watcher.app import Watcher
    from watcher.config import load_config
    from watcher.models import Item

    watcher = Watcher.open(load_config(config_path))
    watcher.poller  # noqa: B018 -- built before the window
    self0, children0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)

    async def run() -> tuple[object, float]:
        started = time.perf_counter()
        summary = await watcher.poll(everything=True)
        wall = time.perf_counter() - started
        await watcher.aclose()  # parse and extractor processes shut down and joined
        return summary, wall

    summary, wall = asyncio.run(run())
    multiprocessing.forkserver._forkserver._stop()  # reap the forkserver: its workers' CPU joins RUSAGE_CHILDREN
    self1, children1 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    with watcher.db.session() as session:
        fetched = session.scalar(select(func.count()).select_from(Item).where(Item.fulltext_status == "ok"))
    watcher.close()
    return {
        "wall": wall,
        "cpu_self": self1 - self0,
        "cpu_children": children1 - children0,
        "ok": summary.feeds_ok,
        "unchanged": summary.feeds_unchanged,
        "failed": summary.feeds_failed,
        "new_items": summary.new_items,
        "new_matches": summary.new_matches,
        "articles_total": fetched,
    }


def write_config(directory: Path, port: int, feeds: int, with_full_text: bool) -> Path:
    import yaml

    # Full text on feeds 0-9, 100-109, ...: a tenth of all feeds, and a tenth of the feeds "bump 10" changes
    # (0, 10, 20, ...), so 10% of the new items in every cycle.
    entries = [
        {
            "url": _feedserver.feed_url(index, port),
            "full_text": "always" if with_full_text and (index // 10) % 10 == 0 else "never",
        }
        for index in range(feeds)
    ]
    config = {
        "state_dir": str(directory / "state"),
        "poll": {"block_private_addresses": False},
        "full_text": {"budget": 100_000},
        "feeds": entries,
        "entities": [{"name": name} for name in _feedserver.ENTITIES],
        "digest": {"recipients": []},
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    return path


def run_cycle(config: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--cycle", str(config)],
        capture_output=True,
        text=True,
        timeout=CYCLE_TIMEOUT,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise SystemExit(f"cycle failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, feeds: int) -> None:
        command = [sys.executable, str(BENCH / "_feedserver.py"), "--feeds", str(feeds), "--articles"]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().split()
        if not line or line[0] != "ready":
            raise SystemExit("the feed server did not start")
        self.port = int(line[1])

    def command(self, text: str) -> str:
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        self.command("quit")
        self.process.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--cycle", help=argparse.SUPPRESS)
    parser.add_argument("--extraction", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cycle:
        print(json.dumps(cycle(args.cycle)))
        return
    if args.extraction:
        print(json.dumps(extraction(args.extraction)))
        return

    result = subprocess.run([sys.executable, __file__, "--extraction", str(args.pages)], capture_output=True, text=True)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    pages, size, text = found["pages"], found["page_kb"], found["text_chars"]
    print(f"\n1. extraction, {pages} pages of {size:.0f} KB ({text:.0f} characters of text each)")
    before, after = found["rss_before_mb"], found["rss_after_mb"]
    print(f"   CPU per article: {found['cpu_ms']:.1f} ms; peak RSS {before:.0f} → {after:.0f} MB")

    rows = []
    server = Server(args.feeds)
    try:
        for variant in ("without", "with"):
            directory = Path(tempfile.mkdtemp(prefix=f"bench-fulltext-{variant}-"))
            config = write_config(directory, server.port, args.feeds, variant == "with")
            for name, bump in (("first", None), ("changed", "all"), ("90% unchanged", "10")):
                if bump:
                    server.command(f"bump {bump}")
                figures = run_cycle(config)
                rows.append((variant, name, figures))
                print(f"   {variant} {name}: {figures}", file=sys.stderr)
    finally:
        server.close()

    print(f"\n2. {args.feeds:,} feeds, full text on feeds 0-9, 100-109, ... (`with`: 10% of new items) or none\n")
    print("| cycle | variant | wall s | CPU s (self / children) | new items | articles fetched | ratio CPU |")
    print("|---|---|---|---|---|---|---|")
    by = {(variant, name): figures for variant, name, figures in rows}
    fetched_before = 0
    for name in ("first", "changed", "90% unchanged"):
        base = by[("without", name)]
        for variant in ("without", "with"):
            figures = by[(variant, name)]
            cpu = figures["cpu_self"] + figures["cpu_children"]
            ratio = cpu / (base["cpu_self"] + base["cpu_children"])
            fetched = figures["articles_total"] - (fetched_before if variant == "with" else 0)
            print(
                f"| {name} | {variant} | {figures['wall']:.2f} | {cpu:.2f} ({figures['cpu_self']:.2f} / "
                f"{figures['cpu_children']:.2f}) | {figures['new_items']:,} | {fetched if variant == 'with' else 0} "
                f"| {ratio:.2f}× |"
            )
        fetched_before = by[("with", name)]["articles_total"]
    for name in ("changed", "90% unchanged"):
        with_cpu = by[("with", name)]["cpu_self"] + by[("with", name)]["cpu_children"]
        without_cpu = by[("without", name)]["cpu_self"] + by[("without", name)]["cpu_children"]
        met = "met" if with_cpu <= TARGET_RATIO * without_cpu else "MISSED"
        print(f"\n{name}: with / without = {with_cpu / without_cpu:.2f}× CPU (target ≤ {TARGET_RATIO:g}×): {met}")


if __name__ == "__main__":
    main()
