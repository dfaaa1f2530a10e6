"""watcher.regex_cache: regular expressions made from programs kept in the cache directory are the ones `re` makes."""

from __future__ import annotations

import marshal
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from watcher import regex_cache

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>bn|mn|k)\b", re.IGNORECASE),
    (r"(?<![a-z])(?:rs|usd|eur)\s?$", 0),
    (r"\b(?:millions?|milliards?|млрд\w*|億|crore)\b", re.IGNORECASE | re.UNICODE),
    (r"^\s*<!(?:doctype|entity)[^>]*>", re.MULTILINE | re.DOTALL),
    (rb"^<\?xml[^>]*?>", 0),
    (r"[\u0660-\u0669\u06f0-\u06f9]+", 0),
    (r"(a)(b)?(?(2)c|d)", 0),
    (r"(?x) [a-z]+  # a comment\n  -?", 0),
]
TEXTS = ["Revenue rose to 10.5 bn", "paid in usd ", "3 milliards d'euros", "12 млрд рублей", "<!DOCTYPE x>", "١٢٣"]


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Path]:
    regex_cache.uninstall()
    re.purge()
    yield tmp_path
    regex_cache.uninstall()
    re.purge()


def _fresh(pattern: str | bytes, flags: int) -> re.Pattern:
    re.purge()
    return re.compile(pattern, flags)


def test_patterns_made_from_kept_programs_equal_compiled_ones(cache: Path) -> None:
    reference = [_fresh(pattern, flags) for pattern, flags in PATTERNS]
    assert regex_cache.install(cache)
    first = [_fresh(pattern, flags) for pattern, flags in PATTERNS]  # compiled and noted
    regex_cache.save()
    (written,) = cache.glob("regex-programs-*.bin")
    regex_cache.uninstall()

    assert regex_cache.install(cache)
    assert len(regex_cache._table) == len(PATTERNS)
    again = [_fresh(pattern, flags) for pattern, flags in PATTERNS]  # made from the file's programs
    assert regex_cache._new == 0
    for made, kept, expected in zip(first, again, reference, strict=True):
        # Pattern equality compares the pattern, the flags and the program itself.
        assert made == expected and kept == expected
        assert (kept.groups, kept.groupindex, kept.flags) == (expected.groups, expected.groupindex, expected.flags)
        for text in TEXTS:
            subject = text.encode() if isinstance(kept.pattern, bytes) else text
            assert [m.span() for m in kept.finditer(subject)] == [m.span() for m in expected.finditer(subject)]
    mtime = written.stat().st_mtime_ns
    regex_cache.save()  # nothing new: not written again
    assert written.stat().st_mtime_ns == mtime


def test_a_few_new_patterns_do_not_rewrite_the_table(cache: Path) -> None:
    assert regex_cache.install(cache)
    for pattern, flags in PATTERNS:
        _fresh(pattern, flags)
    regex_cache.save()
    (written,) = cache.glob("regex-programs-*.bin")
    mtime = written.stat().st_mtime_ns
    regex_cache.uninstall()

    assert regex_cache.install(cache)
    few = [rf"few{index}\d+" for index in range(regex_cache.TOLERATED_NEW)]
    for pattern in few:
        _fresh(pattern, 0)
    regex_cache.save()
    assert written.stat().st_mtime_ns == mtime
    _fresh(r"one more\d+", 0)
    regex_cache.save()
    regex_cache.uninstall()
    assert written.stat().st_mtime_ns != mtime
    assert regex_cache.install(cache)
    assert set(regex_cache._table) == {*PATTERNS, *((pattern, 0) for pattern in few), (r"one more\d+", 0)}


def test_a_bad_pattern_still_raises(cache: Path) -> None:
    assert regex_cache.install(cache)
    with pytest.raises(re.error):
        re.compile(r"(unclosed")


def test_damaged_or_foreign_files_are_ignored(cache: Path) -> None:
    path = cache / regex_cache.FILE_NAME.format(tag=sys.implementation.cache_tag)
    path.write_bytes(b"\x00garbage")
    assert regex_cache.install(cache)
    assert regex_cache._table == {}
    assert _fresh(*PATTERNS[0]).search("up 3 bn").group("unit") == "bn"
    regex_cache.uninstall()

    # Another Python's table (its version differs): not used.
    path.write_bytes(marshal.dumps(((0, "another python"), {(r"x", 0): (0, [1, 2, 3], 0, {}, ())})))
    assert regex_cache.install(cache)
    assert regex_cache._table == {}


def test_a_damaged_program_is_compiled_again(cache: Path) -> None:
    pattern, flags = PATTERNS[0]
    expected = _fresh(pattern, flags)
    assert regex_cache.install(cache)
    _fresh(pattern, flags)
    key = (pattern, flags)
    final_flags, code, groups, groupindex, indexgroup = regex_cache._table[key]
    regex_cache._table[key] = (final_flags, [9999, *code], groups, groupindex, indexgroup)
    assert _fresh(pattern, flags) == expected  # _sre refused the program; compiled as always
    assert regex_cache._table[key][1] == code


def _watcher(cache: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    environment.pop("CACHE_DIRECTORY", None)
    return subprocess.run(
        [sys.executable, "-m", "watcher", *args], env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_command_keeps_its_programs_and_uses_them(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"state_dir: {tmp_path / 'state'}\nentities:\n  - name: Acme\nfeeds: []\n", encoding="utf-8")
    first = _watcher(tmp_path, "--config", str(config), "check-config")
    assert first.returncode == 0, first.stderr
    (written,) = (tmp_path / "watcher").glob("regex-programs-*.bin")
    version, table = marshal.loads(written.read_bytes())
    assert version == regex_cache._version()
    assert len(table) > 20  # click's, pydantic's, the config's...
    import _sre

    for (pattern, flags), entry in table.items():
        assert _sre.compile(pattern, *entry) == _fresh(pattern, flags)
    mtime = written.stat().st_mtime_ns
    second = _watcher(tmp_path, "--config", str(config), "check-config")
    assert second.returncode == 0 and second.stdout == first.stdout
    assert written.stat().st_mtime_ns == mtime  # every pattern was found: nothing written
