"""Write watcher/fold_scan.py: what watcher.match.scan_folds finds, for the running Python's Unicode data.

Run after a change to how watcher.match folds characters (tests/test_match_properties.py says when):
`.venv/bin/python scripts/build_fold_scan.py`. The file ships in the package; a Python with other Unicode data
scans at run time instead.
"""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

from watcher.match.chars import scan_folds

TARGET = Path(__file__).resolve().parent.parent / "watcher" / "fold_scan.py"

TEMPLATE = '''"""What watcher.match.scan_folds finds, made once rather than in every process (~35 ms of each start).

Written by scripts/build_fold_scan.py for the Unicode data below: watcher.match scans again when the running
Python's differs. tests/test_match_properties.py fails when this no longer matches the scan.
"""

UNIDATA_VERSION = "{version}"

# Code point ranges (hexadecimal, inclusive: "low-high" or one code point) up to CJK and among emoji whose fold
# is themselves.
UNCHANGED = """
{unchanged}
"""

# Code points there whose fold is not one character.
IRREGULAR = """
{irregular}
"""


def ranges(text: str) -> list[tuple[int, int]]:
    """(low, high) of each range in UNCHANGED or IRREGULAR."""
    found = []
    for part in text.split():
        low, _, high = part.partition("-")
        found.append((int(low, 16), int(high or low, 16)))
    return found
'''


def lines(items: list[str]) -> str:
    return textwrap.fill(" ".join(items), 116, break_on_hyphens=False)


def main() -> None:
    unchanged, irregular = scan_folds()
    TARGET.write_text(
        TEMPLATE.format(
            version=unicodedata.unidata_version,
            unchanged=lines([f"{low:x}" if low == high else f"{low:x}-{high:x}" for low, high in unchanged]),
            irregular=lines([f"{code:x}" for code in irregular]),
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
