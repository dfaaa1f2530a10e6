"""bench/poll --harness: issue 12's shape, `watcher poll --once` against `r2e run --no-send`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import _feedserver
from _poll_fixture import FeedServer, write_config
from _process_tree import WATCHER_ENV, run_measured

HARNESS_CYCLES = (("all new", None), ("10% changed", "10"), ("unchanged", "none"))


def rss2email_setup(directory: Path, feeds: int, port: int) -> tuple[str, Path, Path] | None:
    # In the venv, else on PATH (a venv of its own keeps its feedparser pin out of watcher's).
    r2e = shutil.which("r2e", path=str(Path(sys.executable).parent)) or shutil.which("r2e")
    if r2e is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    config, data = directory / "r2e.cfg", directory / "r2e.json"
    subprocess.run(
        [r2e, "-c", str(config), "-d", str(data), "new", "bench@example.invalid"], check=True, stderr=subprocess.DEVNULL
    )
    with config.open("a", encoding="utf-8") as handle:
        for index in range(feeds):
            handle.write(f"\n[feed.f{index}]\nurl = {_feedserver.feed_url(index, port)}\n")
    state = {
        "version": 2,
        "feeds": [{"name": f"f{i}", "etag": None, "modified": None, "seen": {}} for i in range(feeds)],
    }
    data.write_text(json.dumps(state), encoding="utf-8")
    return r2e, config, data


POLL_SUMMARY = re.compile(r"feeds: (\d+) ok \((\d+) unchanged\), (\d+) failed; new items: (\d+); new matches: (\d+)")


def watcher_cli_cycle(label: str, config: Path, server: FeedServer, log: Path) -> dict:
    """`watcher poll --once` as a user runs it: a fresh process, its whole tree counted (see run_measured)."""
    server.stats()
    command = [sys.executable, "-m", "watcher", "--config", str(config), "poll", "--once"]
    outcome = run_measured(command, log=log, env=WATCHER_ENV)
    found = POLL_SUMMARY.search(outcome.pop("output").decode())
    if found is None:
        raise SystemExit(f"`watcher poll --once` printed no summary (see {log})")
    ok, unchanged, failed, items, matches = (int(group) for group in found.groups())
    outcome.update(label=label, ok=ok, unchanged=unchanged, failed=failed, new_items=items, new_matches=matches)
    outcome["requests"], outcome["http_200"], outcome["http_304"], _ = server.stats()
    if failed:
        print(f"  warning: {failed} feeds failed in {label} (see {log})", flush=True)
    return outcome


def harness(
    feeds: int, work: Path, log: Path, hosts_shapes: tuple[int, ...] = (1, 50), rates: tuple[float, ...] = (0, 2, 200)
) -> list[dict]:
    rows = []
    for hosts in hosts_shapes:
        for rate in rates:
            _feedserver.configure(hosts, rate, "all")
            shape = ("--hosts", str(hosts), "--match-rate", f"{rate:g}", "--validators", "all")
            server = FeedServer(feeds, log, shape)
            try:
                directory = work / f"harness-{hosts}-{rate:g}"
                config = write_config(directory / "watcher", feeds, server.port)
                peer = rss2email_setup(directory / "rss2email", feeds, server.port)
                for label, bump in HARNESS_CYCLES:
                    if bump == "10":
                        server.command("bump 10")
                    mine = watcher_cli_cycle(label, config, server, log)
                    theirs = None
                    if peer is not None:
                        r2e, r2e_config, data = peer
                        server.stats()
                        theirs = run_measured(
                            [r2e, "-c", str(r2e_config), "-d", str(data), "run", "--no-send"], log=log
                        )
                        theirs.pop("output")
                    rows.append({"hosts": hosts, "rate": rate, "cycle": label, "watcher": mine, "rss2email": theirs})
                    print(f"  {harness_row(rows[-1])}", flush=True)  # the table's row, as soon as it is known
            finally:
                server.close()
    return rows


def harness_report(rows: list[dict], feeds: int) -> None:
    print()
    print(f"### issue 12's shape: {feeds:,} feeds × {_feedserver.ITEMS} items, ETag + Last-Modified on every feed")
    print("(`watcher poll --once` against `r2e run --no-send`: wall and CPU of each whole process tree, process start")
    print("and parse workers included; peak tree RSS sampled every 0.1 s, a child not yet exec'd counted as zero)")
    print(
        "| hosts | match rate | cycle | items / matches stored | watcher wall s | watcher CPU s | watcher peak MB "
        "| rss2email wall s | rss2email CPU s | faster, wall | faster, CPU |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(harness_row(r))


def harness_row(r: dict) -> str:
    mine, theirs = r["watcher"], r["rss2email"]
    if theirs is None:
        peer = "| — | — | — | — |"
    else:
        wall, cpu = theirs["wall_outside"] / mine["wall_outside"], theirs["cpu_outside"] / mine["cpu_outside"]
        peer = f"| {theirs['wall_outside']:.2f} | {theirs['cpu_outside']:.2f} | {wall:.1f}× | {cpu:.1f}× |"
    return (
        f"| {r['hosts']} | {r['rate']:g}% | {r['cycle']} | {mine['new_items']:,} / {mine['new_matches']:,} "
        f"| {mine['wall_outside']:.2f} | {mine['cpu_outside']:.2f} | {mine['tree_peak_mb']:.0f} {peer}"
    )
