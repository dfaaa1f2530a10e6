"""bench/poll's report: the machine, the package versions and the rows of the watcher table."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory_gib = int(memory.split()[1]) / 2**20
    except (OSError, StopIteration):
        memory_gib = 0.0
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory_gib:.1f} GiB RAM, Linux {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("httpx", "httpcore", "sniffio", "feedparser", "SQLAlchemy"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    r2e = shutil.which("r2e", path=str(Path(sys.executable).parent)) or shutil.which("r2e")
    if r2e is None:
        parts.append("rss2email (not installed)")
    else:
        answer = subprocess.run([r2e, "--version"], capture_output=True, text=True, timeout=60)
        parts.append(f"{(answer.stdout or answer.stderr).strip() or 'rss2email'} ({r2e})")
    return ", ".join(parts)


def row(figures: dict, feeds: int) -> str:
    cpu = figures["cpu_self"] + figures["cpu_children"]
    return (
        f"| {feeds:,} | {figures['label']} | {figures['wall']:.2f} | {cpu:.2f} | {cpu / feeds * 1000:.2f} "
        f"| {figures['cpu_self']:.2f} / {figures['cpu_children']:.2f} | {figures['maxrss_self_mb']:.0f} "
        f"| {figures['maxrss_child_mb']:.0f} | {figures['tree_peak_mb']:.0f} "
        f"| {figures['http_200']} / {figures['http_304']} | {figures['ok']} / {figures['unchanged']} "
        f"| {figures['new_items']:,} |"
    )


WATCHER_HEADER = (
    "| feeds | cycle | wall s | CPU s | CPU s / 1,000 feeds | self / children CPU s | peak RSS self MB "
    "| peak RSS child MB | peak tree RSS MB (sampled) | HTTP 200 / 304 | parsed / unchanged | new items |\n"
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def pool_label(size: tuple[int, int] | None) -> str:
    return "per host, 2 each (watcher's client)" if size is None else f"shared {size[0]}, {size[1]}"
