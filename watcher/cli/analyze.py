"""`watcher analyze`: language, entities, events and stories of JSON-line items, as the daemon finds them."""

from __future__ import annotations

import json
from typing import Any

import click

from watcher.cli import _fail_cleanly, _State, main, pass_state
from watcher.errors import WatcherError


@main.command("analyze")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@pass_state
@_fail_cleanly
def analyze_command(state: _State, source: Any) -> None:
    """Analyse JSON lines ({"id", "title", "summary", "content", "published", "feed", "lang"}).

    Prints one JSON line per item, in input order: {"id", "lang", "entities", "story", "events"}. Items
    reporting the same event, in any language, share the story id (the id of its first report); stories
    are formed across all items given, within 72 hours. Same entities and code as `watcher run`.
    """
    from watcher.analyze import Analyzer, analyze_items
    from watcher.analyze.evaluation import item_input
    from watcher.parse.text import visible_text

    rows = []
    for number, line in enumerate(source.read().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise WatcherError(f"line {number}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise WatcherError(f"line {number}: a JSON object is expected")
        row.setdefault("id", number)
        for name in ("title", "summary", "content"):
            if isinstance(row.get(name), str):
                row[name] = visible_text(row[name])
        rows.append(row)
    try:
        items = [item_input(row) for row in rows]
    except ValueError as exc:
        raise WatcherError(f"bad 'published' date: {exc}") from None
    analyses = analyze_items(Analyzer(state.config.entities), items)
    for row, analysis in zip(rows, analyses, strict=True):
        output = {
            "id": row["id"],
            "lang": analysis.language,
            "entities": sorted(analysis.entities),
            "story": analysis.story,
            "events": [event.as_dict() for event in analysis.events],
        }
        click.echo(json.dumps(output, ensure_ascii=False))
