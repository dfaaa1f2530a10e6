"""`watcher match`: try the entities on text before saving an alias."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import click

from watcher.cli import _fail_cleanly, _State, main, pass_state


@main.command("match")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@pass_state
@_fail_cleanly
def match_command(state: _State, source: Any) -> None:
    """Try the configured entities on JSON lines ({"id", "title", "summary", "content"}) or plain text.

    Prints one JSON line per input item: its id, the entities found and each match with its evidence.
    """
    from watcher.match import Matcher, make_snippet
    from watcher.parse import visible_text

    matcher = Matcher.build(state.config.entities)
    for item_id, raw_fields in _match_inputs(source.read()):
        fields = {name: visible_text(value) for name, value in raw_fields.items()}
        found = matcher.match(fields)
        evidence = []
        for entity_match in found:
            for hit in entity_match.hits:
                snippet = make_snippet(fields[hit.field], [hit])
                evidence.append(
                    {
                        "entity": hit.entity,
                        "alias": hit.alias,
                        "field": hit.field,
                        "start": hit.start,
                        "end": hit.end,
                        "text": hit.text,
                        "snippet": snippet.text,
                    }
                )
        click.echo(
            json.dumps(
                {"id": item_id, "entities": sorted(m.entity for m in found), "matches": evidence}, ensure_ascii=False
            )
        )


def _match_inputs(text: str) -> Iterable[tuple[Any, dict[str, str]]]:
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            break
        if not isinstance(value, dict):
            break
        parsed.append(value)
    else:
        if lines:
            for number, value in enumerate(parsed, 1):
                fields = {
                    name: str(value[name])
                    for name in ("title", "summary", "content")
                    if isinstance(value.get(name), str | int | float)
                }
                yield value.get("id", number), fields
            return
    yield None, {"content": text}
