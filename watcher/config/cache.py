"""The validated config of the last start, kept in the state directory and used while config.yaml is unchanged.

`watcher poll` is started by a timer every cycle, and each start read and validated the whole config again: PyYAML's
import and libyaml's reading, pydantic building the models' validators as they were defined, then checking 1,000
feeds: ~0.08 CPU-s of a start. The cache keeps the Config once validated, under a key of everything its validation
reads: the file's bytes and where it is (relative paths and base_dir follow from it), the config package's code, the
country codes an entity's `home` is checked against, and the Python and pydantic versions. Same key, same settings.

What is kept is plain data, not the pydantic models: each model as its class name, the names of its methods' mixins
(shared.py) and its fields' values. Read back, each becomes a CachedModel of a class made here with those mixins: the
same attributes and methods, compared equal to the validated model, frozen as it is. So a start whose config comes
from here imports neither pydantic nor the models (pydantic's import alone was ~0.4 G instructions, ~0.1 CPU-s of a
`watcher poll --once`); the models stay the one definition of the settings, and any change to the config package
(the key holds its code) validates config.yaml again.

A config that does not validate is never stored: its errors are reported as before, from a full reading.
The file is read only when it belongs to this user and only they may write it, and its pickle may only make
built-in values and a few value types (CacheUnpickler): no class of any module, no function called.
Any problem reading or writing it (missing, another key, truncated, read-only directory) is a cache miss.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from watcher.config import shared

if TYPE_CHECKING:
    from watcher.config.models import Config

log = logging.getLogger(__name__)

CACHE_NAME = "config.cache"
_MAGIC = b"watcher config cache 2\n"
_PROTOCOL = 5

# What a cached Config holds besides built-in values (checked by find_class).
_VALUE_TYPES = {
    ("datetime", "timedelta"),
    ("datetime", "time"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
}


class CacheUnpickler(pickle.Unpickler):
    """Makes the value types above, and refuses any other global: the models are rebuilt by _decode."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _VALUE_TYPES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a config value: {module}.{name}")


class CachedModel:
    """A settings block read from the cache: its fields (and what was computed with them before it was kept, the
    fingerprints) as attributes, its methods from the mixins of shared.py its model has. Frozen, and equal to the
    model validated from the same settings (pydantic's __eq__ answers NotImplemented for it, so this one decides)."""

    _fields: ClassVar[tuple[str, ...]] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other).__name__ != type(self).__name__ or not hasattr(other, "__dict__"):
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__
        return all(name in theirs and mine[name] == theirs[name] for name in self._fields)

    def __hash__(self) -> int:  # as a frozen model's: of its fields' values
        return hash(tuple(self.__dict__[name] for name in self._fields))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={self.__dict__[name]!r}' for name in self._fields)})"


# A model in the kept data: (_MODEL, class name, mixin names, field names, values, computed values). A tuple whose
# first item is this string is no setting's value (a setting holds no tuple that begins with a NUL).
_MODEL = "\0watcher config model"
_classes: dict[tuple[str, tuple[str, ...], tuple[str, ...]], type[CachedModel]] = {}


def _encode(value: Any) -> Any:
    """A validated model as plain data (the inverse of _decode)."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        mixins = tuple(base.__name__ for base in type(value).__mro__ if base.__module__ == shared.__name__)
        state = vars(value)
        names = tuple(fields)
        computed = {name: item for name, item in state.items() if name not in fields}
        return (_MODEL, type(value).__name__, mixins, names, [_encode(state[name]) for name in names], computed)
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_encode(item) for item in value)
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _decode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_decode(item) for item in value]
    if kind is dict:
        return {key: _decode(item) for key, item in value.items()}
    if kind is tuple:
        if len(value) == 6 and value[0] == _MODEL:
            _tag, name, mixins, names, values, computed = value
            made = object.__new__(_cached_class(name, tuple(mixins), tuple(names)))
            state = made.__dict__
            state.update(zip(names, map(_decode, values), strict=True))
            state.update(computed)
            return made
        return tuple(_decode(item) for item in value)
    return value


def _cached_class(name: str, mixins: tuple[str, ...], fields: tuple[str, ...]) -> type[CachedModel]:
    key = (name, mixins, fields)
    made = _classes.get(key)
    if made is None:
        bases: list[type] = []
        for mixin in mixins:
            found = getattr(shared, mixin, None)
            # shared.py's mixins, by their names' ending: not its other classes (Route), nor what it imports.
            if not (isinstance(found, type) and found.__module__ == shared.__name__ and mixin.endswith("Methods")):
                raise pickle.UnpicklingError(f"not a config mixin: {mixin}")
            bases.append(found)
        made = type(name, (*bases, CachedModel), {"_fields": fields, "__module__": __name__, "__qualname__": name})
        _classes[key] = made
    return made


def cache_key(data: bytes, path: Path) -> bytes:
    """The hex digest of what validating `data` read at `path` depends on."""
    digest = hashlib.sha256(_code_fingerprint())
    where = str(path.resolve()).encode()
    digest.update(len(where).to_bytes(8, "big") + where + data)
    return digest.hexdigest().encode()


_fingerprint: bytes | None = None


def _code_fingerprint() -> bytes:
    """The config package's modules and the territories file (size and modification time), and the versions of
    Python and pydantic: an upgrade or an edit makes every cached config stale."""
    global _fingerprint
    if _fingerprint is None:
        parts = [sys.version, str(_CACHE_FORMAT)]
        package = Path(__file__).parent
        files = sorted(package.glob("*.py"))
        # Found by path: importing watcher.analyze to ask importlib.resources would load the whole analyser.
        files.append(package.parent / "analyze" / "data" / "territories.json")
        # pydantic's version by its files, not by importing it (which a start from the cache does not).
        files.extend(_package_files("pydantic", "version.py"))
        files.extend(_package_files("pydantic_core", "__init__.py"))
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                parts.append(f"{file.name} missing")
                continue
            parts.append(f"{file} {stat.st_size} {stat.st_mtime_ns}")
        _fingerprint = "\n".join(parts).encode()
    return _fingerprint


def _package_files(package: str, name: str) -> list[Path]:
    import importlib.util

    spec = importlib.util.find_spec(package)
    origin = spec.origin if spec is not None else None
    return [Path(origin).parent / name] if origin else []


_CACHE_FORMAT = 2  # of what is pickled: a change to it makes every cached config stale

# A top-level `state_dir: value` line: where the state directory is, before the file is parsed (cache_path).
_STATE_DIR = re.compile(rb"^state_dir:[ \t]*([^\s#'\"][^#\r\n]*?|'[^'\r\n]*'|\"[^\"\\\r\n]*\")[ \t]*(?:#.*)?$", re.M)


def cache_path(data: bytes, path: Path) -> Path | None:
    """Where the cache of this config would be: its state directory (Config.state_path), read from a top-level
    `state_dir:` line without parsing the YAML. A guess: a state_dir written in a way this does not read (a flow
    mapping, an escape, an anchor) finds no cache, and a wrong place holds no cache with this key."""
    base = path.resolve().parent
    found = _STATE_DIR.findall(data)
    if len(found) > 1:
        return None
    if found:
        value = found[0].decode("utf-8", "replace").strip()
        if value[:1] in "'\"":
            value = value[1:-1]
        if not value or value in ("~", "null", "Null", "NULL"):
            found = []
        else:
            candidate = Path(value).expanduser()
            state = candidate if candidate.is_absolute() else (base / candidate).resolve()
    if not found:
        systemd_state = os.environ.get("STATE_DIRECTORY", "").split(":")[0]
        state = Path(systemd_state) if systemd_state else base / "state"
    return state / CACHE_NAME


def read_cached(data: bytes, path: Path) -> Config | None:
    """The Config cached for exactly these bytes at this path, or None."""
    where = cache_path(data, path)
    if where is None:
        return None
    try:
        handle = os.open(where, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(handle, "rb") as file:
            stat = os.fstat(file.fileno())
            if stat.st_mode & 0o022 or (hasattr(os, "geteuid") and stat.st_uid != os.geteuid()):
                log.debug("config.cache_ignored", extra={"fields": {"path": str(where), "reason": "permissions"}})
                return None
            header = file.read(len(_MAGIC) + 65)
            if header != _MAGIC + cache_key(data, path) + b"\n":
                return None
            config = _decode(CacheUnpickler(io.BytesIO(file.read())).load())
    except Exception as exc:  # a damaged or foreign file is a miss: the config is read from config.yaml
        log.debug("config.cache_unreadable", extra={"fields": {"path": str(where), "error": repr(exc)}})
        return None
    # Duck-typed as the Config it was validated as: the same attributes and methods (CachedModel).
    return config if isinstance(config, CachedModel) and type(config).__name__ == "Config" else None  # type: ignore[return-value]


# A config load_config validated while its state directory did not exist yet: (config, bytes, path), written by
# write_waiting_cache once a command that keeps state has made the directory (Watcher.open).
_waiting: tuple[Config, bytes, Path] | None = None


def write_cache(config: Config, data: bytes, path: Path) -> None:
    """Keep `config`, validated from these bytes at this path, in its state directory (if it exists already: a
    command that only reads the config creates nothing). Written whole or not at all; failures are ignored."""
    global _waiting
    state = config.state_path
    if cache_path(data, path) != state / CACHE_NAME:
        return  # the next start would not look here
    if not state.is_dir():
        _waiting = (config, data, path)  # no state yet: written if a command makes it (write_waiting_cache)
        return
    for entry in (*config.feeds, *config.entities):
        entry.fingerprint  # noqa: B018 -- what every start compares with the tables, made now and kept with it
    import tempfile  # here: with shutil, bz2, lzma and random, ~4 ms of a start that only reads the cache

    try:
        body = _MAGIC + cache_key(data, path) + b"\n" + pickle.dumps(_encode(config), protocol=_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=state, prefix=f".{CACHE_NAME}.", suffix=".tmp")
    except Exception as exc:
        log.debug("config.cache_not_written", extra={"fields": {"path": str(state), "error": repr(exc)}})
        return
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        os.replace(temporary, state / CACHE_NAME)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        log.debug("config.cache_not_written", extra={"fields": {"path": str(state), "error": repr(exc)}})


def write_waiting_cache(config: Config) -> None:
    """The cache of `config` that load_config could not write for want of a state directory, written now that the
    directory is there (Watcher.open makes it). Without this, the first poll of a new state directory kept nothing
    and the second start validated config.yaml again (~0.08 CPU-s for 1,000 feeds)."""
    global _waiting
    waiting, _waiting = _waiting, None
    if waiting is not None and waiting[0] is config:
        write_cache(*waiting)
