"""The encoder's tokenizer by tiers (watcher/analyze/pieces.py): a text gets from the tier that holds it the pieces the
whole sentencepiece model gives it, the tier is loaded only as far as the texts need, and its file in the cache
directory is written once and again when damaged."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import sentencepiece

from watcher.analyze import pieces, tier_files, use_model
from watcher.analyze.evaluation import load_labelled

ROOT = Path(__file__).resolve().parent.parent
MODEL = use_model._resources() / "sp.model"


@pytest.fixture(scope="module")
def whole() -> sentencepiece.SentencePieceProcessor:
    return sentencepiece.SentencePieceProcessor(model_file=str(MODEL))


def texts() -> list[str]:
    """Titles and leads in 41 languages, and made-up strings of ASCII, Latin letters, combining marks, punctuation,
    compatibility characters (ﬁ, Ａ) and spaces of every kind: sentencepiece normalizes some into a tier, some out."""
    found = []
    for path in sorted((ROOT / "tests" / "data" / "stories").glob("*.jsonl")):
        for row in load_labelled(path):
            found += [row["title"], f"{row['title']}. {row['summary'][:300]}"]
    chars = [chr(code) for code in [*range(0x250), *range(0x2000, 0x2070), *range(0x20A0, 0x20C0)]]
    chars += list("\u2581\u0301\u0308\ufb01\uff21\u3000\u00a0\u2126\u212b\u0410\u4e2d")
    words = " ".join(found).split()
    rng = random.Random(12)
    for _ in range(1500):
        found.append("".join(rng.choice(chars) for _ in range(rng.randint(1, 30))))
        found.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) + rng.choice(chars))
    return found


def test_a_tier_gives_a_text_it_holds_the_whole_model_s_pieces(
    tmp_path: Path, whole: sentencepiece.SentencePieceProcessor
) -> None:
    tiers = [tier_files.tier_file(MODEL, tmp_path, level) for level in range(len(tier_files.TIERS))]
    assert [len(ids) for ids, _model in tiers] == [72683, 85376]  # of 128,000
    held = [0] * len(tiers)
    for text in texts():
        expected = whole.encode(text, out_type=int, add_bos=True, add_eos=True)
        normalized = whole.normalize(text)
        for level, (ids, model) in enumerate(tiers):
            if re.fullmatch(f"[{tier_files.TIERS[level][1]}]*", normalized):
                held[level] += 1
                found = model.encode(text, out_type=int, add_bos=True, add_eos=True)
                assert [ids[piece] for piece in found] == expected, (level, text)
    assert held[0] > 1500 and held[1] > held[0] + 1500  # each tier held many texts, the larger more


def test_the_tokenizer_loads_a_tier_as_far_as_its_texts_need(
    tmp_path: Path, whole: sentencepiece.SentencePieceProcessor
) -> None:
    tokenizer = pieces.TieredTokenizer(MODEL, tmp_path)
    assert tokenizer.level == -1  # nothing loaded before the first text
    for text, level in [("Xiaomi enters “Korea” — at last", 0), ("Xiaomi entra in Corea", 0),
                        ("Xiaomi entre en Corée", 1), ("Xiaomi enters Korea", 1), ("샤오미, 한국 진출", 2),
                        ("Xiaomi entra in Corea", 2)]:  # fmt: skip
        assert tokenizer.encode(text, add_bos=True, add_eos=True) == whole.encode(
            text, out_type=int, add_bos=True, add_eos=True
        )
        assert tokenizer.level == level, text  # only upwards: a lower tier is dropped
    assert sorted({path.name.split("-")[3] for path in tmp_path.iterdir()}) == ["ascii", "latin", "normalizer"]
    assert tokenizer.encode == tokenizer._state[0].encode  # the whole model's own, nothing in between


def test_the_tier_files_are_written_once_and_again_when_damaged(tmp_path: Path) -> None:
    ids, _model = tier_files.tier_file(MODEL, tmp_path, 0)
    files = sorted(tmp_path.iterdir())  # every tier's ids and model, and the normalizer's, from one reading
    assert [path.name.split("-")[3] + path.suffix for path in files] == [
        "ascii.ids", "ascii.model", "latin.ids", "latin.model", "normalizer.model"
    ]  # fmt: skip
    written = {path: (path.stat().st_mtime_ns, path.stat().st_size) for path in files}
    assert tier_files.tier_file(MODEL, tmp_path, 0)[0] == ids  # read, not written again
    assert tier_files.normalizer_file(MODEL, tmp_path).normalize("Ｘiaomi") == "▁Xiaomi"
    assert {path: (path.stat().st_mtime_ns, path.stat().st_size) for path in files} == written
    ids_file, model_file, *_others, normalizer = files
    for path, damage in [(model_file, b""), (model_file, model_file.read_bytes()[:1000]), (model_file, b"not a model"),
                         (ids_file, ids_file.read_bytes()[:-4]), (ids_file, b""), (normalizer, b"")]:  # fmt: skip
        path.write_bytes(damage)  # a crash while writing, a full disk, another file
        again, model = tier_files.tier_file(MODEL, tmp_path, 0)
        assert again == ids and model.get_piece_size() == len(ids)
        assert tier_files.normalizer_file(MODEL, tmp_path).normalize("Ｘiaomi") == "▁Xiaomi"
        assert sorted(tmp_path.iterdir()) == files  # whole again, no partial file left
        assert all(path.stat().st_size == size for path, (_time, size) in written.items())
    (tmp_path / "use-m3-pieces-ascii-0123-4567.model").write_bytes(b"an older model's")
    model_file.unlink()
    assert tier_files.tier_file(MODEL, tmp_path, 0)[0] == ids and sorted(tmp_path.iterdir()) == files  # old ones gone


def test_without_a_place_for_tiers_the_whole_model_reads_every_text(
    tmp_path: Path, whole: sentencepiece.SentencePieceProcessor
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    tokenizer = pieces.TieredTokenizer(MODEL, blocked / "cache")
    assert tokenizer.encode("Xiaomi enters Korea") == whole.encode("Xiaomi enters Korea", out_type=int)
    assert tokenizer.level == len(tier_files.TIERS)
    with pytest.raises(ValueError, match="cut short"):
        tier_files.tier_parts(MODEL.read_bytes()[:1000])
