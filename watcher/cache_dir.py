"""The user's cache directory for watcher's derived files (the encoder's inflated table and tokenizer tiers, the
regular expressions' compiled programs): systemd's CacheDirectory=, else the XDG cache. Standard library only: read
before anything else is imported (watcher.regex_cache)."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path | None:
    """systemd's CacheDirectory= ($CACHE_DIRECTORY), else $XDG_CACHE_HOME/watcher, else ~/.cache/watcher; None when
    there is no home to be found."""
    systemd = os.environ.get("CACHE_DIRECTORY", "").split(":")[0]
    if systemd:
        return Path(systemd)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "watcher"
    try:
        return Path.home() / ".cache" / "watcher"
    except RuntimeError:  # no home to be found
        return None
