"""Models of a batch's own pieces (watcher/analyze/batch_pieces.py): a text gets from the model made for its batch the
pieces the whole sentencepiece model gives it; the tokenizer reads a process's first texts so and then loads a tier;
the index of the pieces is written once into the cache directory, again when damaged, and without it the tiers
read every text."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import sentencepiece

from tests.test_analyze_pieces import MODEL, texts
from watcher.analyze import batch_pieces, pieces, tier_files


@pytest.fixture(scope="module")
def whole() -> sentencepiece.SentencePieceProcessor:
    return sentencepiece.SentencePieceProcessor(model_file=str(MODEL))


def whole_ids(whole: sentencepiece.SentencePieceProcessor, text: str) -> list[int]:
    return whole.encode(text, out_type=int, add_bos=True, add_eos=True)


def test_a_batch_s_model_gives_its_texts_the_whole_model_s_pieces(
    tmp_path: Path, whole: sentencepiece.SentencePieceProcessor
) -> None:
    key = tier_files.model_key(MODEL)
    index = batch_pieces.index_file(MODEL, tmp_path, key)
    normalizer = tier_files.normalizer_file(MODEL, tmp_path, key)
    found = texts()
    random.Random(3).shuffle(found)
    sizes = []
    for start in range(0, len(found), 40):
        batch = found[start : start + 40]
        ids, model = batch_pieces.batch_model(index, [normalizer.normalize(text) for text in batch])
        sizes.append(len(ids))
        for text in batch:
            assert [ids[piece] for piece in model.encode(text, out_type=int, add_bos=True, add_eos=True)] == whole_ids(
                whole, text
            ), text
    assert max(sizes) < 10_000  # of 128,000: a model of its own pieces is a small one


def test_the_tokenizer_reads_its_first_texts_by_batch_models_then_by_tiers(
    tmp_path: Path, whole: sentencepiece.SentencePieceProcessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pieces, "BATCH_TEXTS", 5)
    tokenizer = pieces.TieredTokenizer(MODEL, tmp_path)
    first = ["Xiaomi enters “Korea” — at last", "샤오미, 한국 진출", "Xiaomi entre en Corée"]
    tokenizer.prepare(first)
    assert [tokenizer.encode(text, add_bos=True, add_eos=True) for text in first] == [
        whole_ids(whole, text) for text in first
    ]
    assert tokenizer.level == -1  # no tier loaded, not even for Korean
    assert tokenizer.encode("Xiaomi enters Korea") == whole.encode("Xiaomi enters Korea", out_type=int)
    assert tokenizer.level == 0  # a text the batch did not have: the tier that holds it
    second = ["Xiaomi entra in Corea", "BYD enters Brazil"]
    tokenizer.prepare(second)  # within the five texts, but a tier is loaded already: the tier's
    assert [tokenizer.encode(text) for text in second] == [whole.encode(text, out_type=int) for text in second]
    assert tokenizer._batch is None and tokenizer.level == 0

    fresh = pieces.TieredTokenizer(MODEL, tmp_path)
    fresh.prepare(first)
    fresh.prepare(second)  # five texts: within the five
    assert fresh._batch is not None and fresh.level == -1
    third = ["Tesla enters India"]
    fresh.prepare(third)  # six: past the five, the tier
    assert fresh._batch is None and fresh.level == 0 and fresh._index is None  # the index no longer held
    assert [fresh.encode(text) for text in second + third] == [
        whole.encode(text, out_type=int) for text in second + third
    ]


def test_the_index_is_written_once_and_again_when_damaged(tmp_path: Path) -> None:
    key = tier_files.model_key(MODEL)
    index = batch_pieces.index_file(MODEL, tmp_path, key)
    path = batch_pieces.index_path(tmp_path, key)
    assert sorted(tmp_path.iterdir()) == [path] and index.pieces == 128_000
    piece = index.find("\u2581Korea")
    assert piece is not None and index.find("\u2581Koreaxyz") is None
    written = path.stat().st_mtime_ns, path.stat().st_size
    assert batch_pieces.index_file(MODEL, tmp_path, key).find("\u2581Korea") == piece
    assert (path.stat().st_mtime_ns, path.stat().st_size) == written  # read, not written again
    data = path.read_bytes()
    for damage in [b"", data[:1000], data[:-1], b"not an index\n" + data[100:], data.replace(b'"longest"', b'"x"')]:
        path.write_bytes(damage)  # a crash while writing, a full disk, another file
        assert batch_pieces.index_file(MODEL, tmp_path, key).find("\u2581Korea") == piece
        assert sorted(tmp_path.iterdir()) == [path] and path.read_bytes() == data  # whole again, no partial left
    older = tmp_path / "use-m3-batch-index-0123-1.bin"
    older.write_bytes(b"an older model's")
    path.unlink()
    batch_pieces.index_file(MODEL, tmp_path, key)
    assert sorted(tmp_path.iterdir()) == [path]  # the older one removed


def test_without_an_index_the_tiers_read_every_text(
    tmp_path: Path, whole: sentencepiece.SentencePieceProcessor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unwritable(*_args: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(batch_pieces, "index_file", unwritable)
    tokenizer = pieces.TieredTokenizer(MODEL, tmp_path)
    tokenizer.prepare(["Xiaomi enters Korea"])
    assert tokenizer.level == 0 and tokenizer._batch is None  # the tier, at once
    assert tokenizer.encode("Xiaomi enters Korea") == whole.encode("Xiaomi enters Korea", out_type=int)


def test_an_index_of_pieces_a_batch_model_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="cut short"):
        batch_pieces.index_chunks(MODEL.read_bytes()[:1000])
