"""Reading config.yaml: the one loader used by the daemon, the CLI and the tests.

A bad value raises ConfigError naming the file, the line, the field path and the reason, e.g.
``config.yaml:42: digest.timezone: unknown IANA timezone 'Europe/Rom'``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watcher.config.cache import read_cached, write_cache
from watcher.config.shared import CONFIG_ENV, DEFAULT_CONFIG_NAME
from watcher.errors import ConfigError

if TYPE_CHECKING:  # PyYAML, pydantic and the models are imported when a file is read, not for a cached config
    import yaml
    from pydantic import ValidationError

    from watcher.config.entities import EntityConfig
    from watcher.config.models import Config


def default_config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV, DEFAULT_CONFIG_NAME))


def load_config(path: Path | str | None = None, *, cache: bool = True) -> Config:
    """Read, parse and validate a config file. Raises ConfigError with file:line: field: reason.

    The Config validated from the same bytes at the same path is taken from the state directory's cache
    (watcher/config/cache.py) when it is there; `cache=False` reads and validates the file whatever.
    """
    path = Path(path) if path is not None else default_config_path()
    try:
        data = path.read_bytes()
        cached = read_cached(data, path) if cache else None
        if cached is not None:
            return cached
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc}") from None
    config = parse_config(text, path)
    if cache:
        write_cache(config, data, path)
    return config


def parse_config(text: str, path: Path) -> Config:
    data = _load_yaml(text, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: the top level must be a mapping of settings (feeds:, entities:, ...)")
    if "base_dir" in data:
        raise ConfigError(f"{path}: base_dir: not a setting (paths are relative to the config file)")
    data["base_dir"] = path.resolve().parent
    from pydantic import ValidationError

    from watcher.config.models import Config

    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        tree, _ = _read_yaml(text, path)  # the nodes' lines, for the message: read only when there is one
        raise ConfigError(_describe(exc, tree, path, data)) from None


def _safe_loader() -> Any:
    # libyaml when PyYAML was built with it: the pure-Python reader took ~0.4 CPU-s of a `watcher poll --once`
    # over 1,000 feeds (it also read the text twice, once for the nodes' lines and once for the values).
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str, path: Path) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_safe_loader())
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None


def _read_yaml(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    import yaml

    try:
        return yaml.compose(text, Loader=_safe_loader()), yaml.load(text, Loader=_safe_loader())
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None


def _yaml_error(exc: yaml.YAMLError, path: Path) -> ConfigError:
    mark = getattr(exc, "problem_mark", None)
    where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
    reason = getattr(exc, "problem", None) or str(exc)
    return ConfigError(f"{where}: not valid YAML: {reason}")


def load_entities(path: Path) -> list[EntityConfig]:
    """Entities to try (`watcher match --entities FILE`): a list of entities, one entity, or a config file's.

    Errors read as check-config's: ``try.yaml:4: entity 2 (LG): alias 2: 'L*G': ...``.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    import yaml

    tree, data = _read_yaml(text, path)
    if isinstance(data, dict) and "name" in data and "entities" not in data:  # one entity
        data = [data]
        tree = yaml.SequenceNode("tag:yaml.org,2002:seq", [tree], start_mark=tree.start_mark if tree else None)
    if isinstance(data, dict):
        return parse_config(text, path).entities
    if not isinstance(data, list) or tree is None:
        raise ConfigError(f"{path}:1: expected a list of entities (- name: ..., aliases: [...]) or a config file")
    key = yaml.ScalarNode("tag:yaml.org,2002:str", "entities", start_mark=tree.start_mark)
    wrapped = yaml.MappingNode("tag:yaml.org,2002:map", [(key, tree)], start_mark=tree.start_mark)
    from pydantic import ValidationError

    from watcher.config.models import Config

    try:
        return Config.model_validate({"entities": data}).entities
    except ValidationError as exc:
        raise ConfigError(_describe(exc, wrapped, path, {"entities": data})) from None


def entity_from_options(data: dict[str, Any], where: Path | None = None) -> EntityConfig:
    """An entity given on the command line (`entities add`, `match --entity`), its errors worded as
    check-config's: ``config.yaml: entity Bad: alias 1: '*x': '*' may only end a word ...``."""
    from pydantic import ValidationError

    from watcher.config.entities import EntityConfig

    try:
        return EntityConfig.model_validate(data)
    except ValidationError as exc:
        name = str(data.get("name") or "").strip()
        raise ConfigError(_describe(exc, None, where, data, label=f"entity {name}" if name else "entity")) from None


def _describe(
    exc: ValidationError, tree: yaml.Node | None, path: Path | None, data: Any, label: str | None = None
) -> str:
    lines = []
    for error in exc.errors(include_url=False):
        location = tuple(part for part in error["loc"] if not _is_validator_tag(part))
        message = error["msg"].removeprefix("Value error, ")
        named = re.match(r"([\w.]+): (.*)", message, re.DOTALL)
        # A check across fields or items names its field path itself (within its own location).
        if named and (not location or named[1].startswith(".".join(map(str, location)) + ".")):
            location = tuple(int(part) if part.isdigit() else part for part in named[1].split("."))
            message = named[2]
        field = describe_location(location, data)
        if label:
            field = f"{label}: {field}" if location else label
        line = _line_of(tree, location)
        where = f"{path}:{line}" if path and line else str(path or "")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling; see the config reference in README.md)"
        elif error["type"] == "missing":
            message = "required setting is missing"
        lines.append(f"{where}: {field}: {message}" if where else f"{field}: {message}")
    return "\n".join(lines)


# How a list's items are named for a person: "feed 2 (url https://...)", "entity 3 (Xiaomi)", "alias 1".
_ITEM_NAMES = {
    "feeds": "feed",
    "entities": "entity",
    "aliases": "alias",
    "routes": "route",
    "rules": "rule",
    "engines": "engine",
    "markets": "market",
    "search_terms": "search term",
    "recipients": "recipient",
    "tags": "tag",
    "exclude": "exclude phrase",
    "require_any": "require_any phrase",
}
_ITEM_KEYS = {"feeds": "url", "entities": "name", "routes": "name", "rules": "name", "engines": "name"}


def describe_location(location: tuple[Any, ...], data: Any = None) -> str:
    """A pydantic error location in words: ("feeds", 1, "url") → "feed 2 (url https://...): url".

    Items are counted from 1 as people count; `data`, the config as read, names them where it can.
    """
    segments: list[str] = []
    path: list[str] = []
    node = data
    for part in location:
        if isinstance(part, int) and path:
            container = path.pop()
            if path:  # a list below the top level keeps its path: "digest.routes: route 2 (...)"
                segments.append(".".join([*path, container]))
                path = []
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            words = f"{_ITEM_NAMES.get(container, container + ' item')} {part + 1}"
            key = _ITEM_KEYS.get(container)
            value = item.get(key) if key and isinstance(item, dict) else None
            if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value).strip():
                words += f" ({value})" if key == "name" else f" ({key} {value})"
            segments.append(words)
            node = item
        else:
            path.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    if path == ["text"] and segments and segments[-1].startswith("alias "):
        path = []  # an alias is its text: "alias 2", not "alias 2: text"
    if path:
        segments.append(".".join(path))
    return ": ".join(segments) or "(top level)"


def _is_validator_tag(part: Any) -> bool:
    # pydantic puts union branch names (e.g. "function-before[...]") into error locations.
    return isinstance(part, str) and ("[" in part or part in ("str", "AliasConfig"))


def _line_of(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """The 1-based line of the setting at a pydantic error location (its parent's if it is missing).

    A mapping's setting is on its key's line: a block value (`digest:` then its settings) starts on the
    next line, and an unknown block was reported there, one line late.
    """
    import yaml

    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in location:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child, line = value, key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            return line
        node = child
    return line
