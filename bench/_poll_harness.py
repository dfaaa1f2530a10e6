"""bench/poll --harness: issue 12's shape, `watcher poll --once` against `r2e run --no-send`."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import _feedserver
from _poll_fixture import FeedServer, rss2email_setup, write_config
from _process_tree import WATCHER_ENV, run_measured

HARNESS_CYCLES = (("all new", None), ("10% changed", "10"), ("unchanged", "none"))


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
