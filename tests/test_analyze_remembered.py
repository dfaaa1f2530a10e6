"""What the analysis remembers to do once, and that it finds the same: a text scanned by two matchers one after the
other is folded once; a capitalised word is looked up as a city once."""

from __future__ import annotations

import pytest

from watcher.analyze.markets import market_finder
from watcher.config import EntityConfig
from watcher.match import fold as fold_module
from watcher.match import matcher as matcher_module
from watcher.match.matcher import Matcher


def test_a_sentence_scanned_by_two_matchers_is_folded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    folded: list[str] = []
    real = fold_module._fold_text

    def counting(text: str) -> fold_module._FoldedText:
        folded.append(text)
        return real(text)

    monkeypatch.setattr(matcher_module, "_fold_text", counting)
    monkeypatch.setattr(matcher_module, "_recent", {})
    companies = Matcher.build([EntityConfig.model_validate({"name": "Orlen", "aliases": ["Orlen"]})])
    sentence = "Orlen otwiera stacje w Czechach i na Słowacji"
    first = companies.match({"text": sentence})
    market_finder().matcher.match({"text": sentence})
    assert folded.count(sentence) == 1
    assert companies.match({"text": sentence}) == first  # the same hits from the fold remembered
    assert [hit.start for match in first for hit in match.hits] == [0]


def test_a_capitalised_word_is_looked_up_as_a_city_once(monkeypatch: pytest.MonkeyPatch) -> None:
    cities = market_finder().cities
    cities._remember()  # nothing remembered yet
    looked_up: list[str] = []
    real = cities._word

    def counting(written: str, folded: str) -> str | None:
        looked_up.append(written)
        return real(written, folded)

    monkeypatch.setattr(cities, "_word", counting)
    found = [cities.find(text) for text in ("Grupa Voltra otwiera biuro w Tallinnas", "Voltra w Tallinnas")]
    assert [hit.code for hit in found[0]] == [hit.code for hit in found[1]] == ["EE"]
    assert looked_up.count("Tallinnas") == 1 and looked_up.count("Voltra") == 1


def test_a_table_file_gives_the_rows_asked_for_in_their_order(tmp_path: object) -> None:
    """RowFile reads each distinct row once and gives them as `table[ids]` would, repeats and order kept."""
    from pathlib import Path

    import numpy as np

    from watcher.analyze.use_model import TABLE_WIDTH, RowFile

    table = np.arange(7 * TABLE_WIDTH, dtype=np.int64).reshape(7, TABLE_WIDTH).astype(np.uint8)
    path = Path(str(tmp_path)) / "table.npy"
    np.save(path, table)
    ids = np.array([[5, 0], [5, 3], [6, 0]])
    assert np.array_equal(RowFile(path)[ids.reshape(-1)], table[ids.reshape(-1)])
