"""chardet, imported at its first use rather than with feedparser.

feedparser imports chardet with itself (feedparser.encodings), and asks it only of a document whose encoding nothing
declares and no declared or default codec decodes: rare. Its import is ~35 million instructions, ~1.4% of a `watcher
poll` whose 10%-changed pass of 1,000 feeds reads its 100 changed feeds in its own process (issue 12). A stand-in
module is registered before feedparser is first imported; the first attribute asked of it (chardet.detect, in the
rare case) imports chardet, which takes the stand-in's place in sys.modules.

Not importlib.util.LazyLoader: on Python 3.11 an `import chardet` statement of a lazy module already registered
reads its __spec__, and that loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

_LOADING = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands for a module not imported yet; its attributes are the module's, imported at the first asked."""

    def __getattr__(self, name: str) -> Any:  # only for what the stand-in lacks: all but its name and empty spec
        return getattr(_imported(self), name)


def _imported(stand_in: _Deferred) -> types.ModuleType:
    with _LOADING:  # one import, whichever thread asks first
        if sys.modules.get(stand_in.__name__) is stand_in:
            del sys.modules[stand_in.__name__]
        return importlib.import_module(stand_in.__name__)


def defer_chardet() -> None:
    """Register the stand-in for chardet (nothing, if it is imported already or not installed)."""
    if "chardet" in sys.modules or importlib.util.find_spec("chardet") is None:
        return
    sys.modules["chardet"] = _Deferred("chardet")
