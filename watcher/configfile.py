"""Editing config.yaml from the CLI (`feeds add`, `feeds import`, `entities add`), keeping its comments.

Edits go through ruamel.yaml's round-trip mode, so comments, order and quoting survive. The edited
text is validated with the one config loader before it replaces the file (written to a temporary file
and renamed over it: a running daemon sees the change and reloads, never a half-written file).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from watcher.config import Config, EntityConfig, FeedConfig, parse_config
from watcher.errors import ConfigError, FeedError
from watcher.parse.document import check_no_entity_declarations


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the operator's long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _load(path: Path) -> tuple[YAML, Any]:
    yaml = _yaml()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    return yaml, data if data is not None else CommentedMap()


def _save(path: Path, yaml: YAML, data: Any) -> Config:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    text = buffer.getvalue()
    config = parse_config(text, path)  # refuse an edit that would not load
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return config


def _section(data: Any, key: str) -> CommentedSeq:
    if data.get(key) is None:
        data[key] = CommentedSeq()
    return data[key]


def add_feeds(path: Path, feeds: Iterable[FeedConfig]) -> tuple[Config, list[FeedConfig], list[FeedConfig]]:
    """Append feeds whose URL is not there yet. → (new config, added, already present)."""
    yaml, data = _load(path)
    section = _section(data, "feeds")
    present = {str(entry.get("url", "")).strip() for entry in section if isinstance(entry, dict)}
    added, skipped = [], []
    for feed in feeds:
        if feed.url in present:
            skipped.append(feed)
            continue
        entry = CommentedMap(url=feed.url)
        if feed.name:
            entry["name"] = feed.name
        if feed.tags:
            entry["tags"] = _flow(feed.tags)
        if feed.type != "feed":
            entry["type"] = feed.type
        if feed.full_text != "auto":
            entry["full_text"] = feed.full_text
        section.append(entry)
        present.add(feed.url)
        added.append(feed)
    config = _save(path, yaml, data) if added else parse_config(path.read_text(encoding="utf-8"), path)
    return config, added, skipped


def add_entity(path: Path, entity: EntityConfig) -> Config:
    yaml, data = _load(path)
    section = _section(data, "entities")
    names = {str(entry.get("name", "")).casefold() for entry in section if isinstance(entry, dict)}
    if entity.name.casefold() in names:
        raise ConfigError(f"{path}: an entity named {entity.name!r} is already configured")
    entry = CommentedMap(name=entity.name)
    entry["aliases"] = _flow(
        alias.text if not alias.case_sensitive else CommentedMap(text=alias.text, case_sensitive=True)
        for alias in entity.aliases
    )
    for key in ("exclude", "require_any", "tags"):
        values = getattr(entity, key)
        if values:
            entry[key] = _flow(values)
    section.append(entry)
    return _save(path, yaml, data)


def add_entity_phrase(path: Path, entity_name: str, kind: str, phrase: str) -> Config:
    """Add a phrase to an entity's `exclude` or `require_any` (a proposal accepted on the web page)."""
    if kind not in ("exclude", "require_any"):
        raise ValueError(f"not a phrase list of an entity: {kind!r}")
    yaml, data = _load(path)
    for entry in data.get("entities") or []:
        if isinstance(entry, dict) and str(entry.get("name", "")) == entity_name:
            phrases = entry.get(kind)
            if phrases is None:
                entry[kind] = _flow([phrase])
            elif phrase not in phrases:
                phrases.append(phrase)
            return _save(path, yaml, data)
    raise ConfigError(f"{path}: no entity named {entity_name!r} is configured")


def _flow(values: Iterable[Any]) -> CommentedSeq:
    sequence = CommentedSeq(values)
    sequence.fa.set_flow_style()
    for value in sequence:
        if isinstance(value, CommentedMap):
            value.fa.set_flow_style()
    return sequence


# --- OPML, the feed readers' exchange format -----------------------------------------------------


def read_opml(data: bytes) -> list[FeedConfig]:
    """Feeds of an OPML file; nested outlines become tags (their titles), as feed readers use them."""
    try:
        check_no_entity_declarations(data)
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, FeedError) as exc:
        raise ConfigError(f"not a usable OPML file: {exc}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ConfigError("not an OPML file: no <opml><body>")
    feeds: list[FeedConfig] = []
    _walk(body, [], feeds)
    return feeds


def _walk(node: ElementTree.Element, tags: list[str], feeds: list[FeedConfig]) -> None:
    for outline in node.findall("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        title = (outline.get("title") or outline.get("text") or "").strip() or None
        if url:
            categories = [c.strip("/ ") for c in (outline.get("category") or "").split(",") if c.strip("/ ")]
            feed_tags = list(dict.fromkeys([*tags, *categories]))
            try:
                feeds.append(FeedConfig(url=url, name=title, tags=feed_tags))
            except ValueError:
                continue  # an outline with an unusable URL (e.g. ftp:) is skipped, not fatal
        else:
            _walk(outline, [*tags, title] if title else tags, feeds)


def write_opml(feeds: Iterable[FeedConfig], title: str = "watcher feeds") -> bytes:
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.name or feed.url, "xmlUrl": feed.url}
        if feed.name:
            attributes["title"] = feed.name
        if feed.tags:
            attributes["category"] = ",".join(f"/{tag}" for tag in feed.tags)
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8") + b"\n"
