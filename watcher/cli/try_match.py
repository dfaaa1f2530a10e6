"""`watcher match`: try the entities on text, saved ones or one not saved yet, before saving an alias."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from watcher.cli import _fail_cleanly, _State, main, pass_state
from watcher.cli.entities import definition, definition_options


@main.command("match")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--whole", is_flag=True, help="Read the whole input as one item (an article), not one per line.")
@click.option(
    "--entity",
    "entity_name",
    metavar="NAME",
    help="Try this entity instead of the configured ones (with -a ... to define it).",
)
@definition_options
@click.option(
    "--entities",
    "entities_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Try the entities of this YAML file instead: a list of entities, one entity, or a config file.",
)
@click.option(
    "--language",
    metavar="CODE",
    help="The items' language, for the case endings names take (hr, fi, ru ...) and the prefixes joined to them "
    '(ar, he): by default a JSON item\'s "language", else undetermined (endings and prefixes by their script), as '
    'the daemon reads an item whose feed declares none; "none" reads neither.',
)
@pass_state
@_fail_cleanly
def match_command(
    state: _State,
    source: Any,
    whole: bool,
    entity_name: str | None,
    aliases: tuple[str, ...],
    cased: tuple[str, ...],
    exclude: tuple[str, ...],
    require_any: tuple[str, ...],
    entities_file: Path | None,
    language: str | None,
) -> None:
    """Try entities on text: one item per line, plain text or JSON ({"id", "title", "summary", "content"}).

    Prints one JSON line per item: its id (the line number unless the JSON gives one), the entities found
    and each match with its evidence. The configured entities are tried unless --entity NAME (a configured
    one, or a new one defined with -a/--case-sensitive/--exclude/--require) or --entities FILE is given.
    """
    from watcher.config import entity_from_options, load_entities
    from watcher.match.matcher import UNDETERMINED, Matcher
    from watcher.match.results import make_snippet
    from watcher.parse.text import visible_text

    defined = aliases or cased or exclude or require_any
    if defined and entity_name is None:
        raise click.UsageError(
            "-a/--alias, --case-sensitive, --exclude and --require define an entity: add --entity NAME"
        )
    if entity_name is not None and entities_file is not None:
        raise click.UsageError("--entity and --entities: one or the other")
    if entities_file is not None:
        entities = load_entities(entities_file)
    elif entity_name is not None and not defined:
        # A configured entity by that name, else a new one whose alias is its name (as `entities add`).
        configured = []
        if state.config_path.exists():
            configured = [e for e in state.config.entities if e.name.casefold() == entity_name.casefold()]
        entities = configured or [entity_from_options(definition(entity_name, (), (), (), ()))]
    elif entity_name is not None:
        entities = [entity_from_options(definition(entity_name, aliases, cased, exclude, require_any))]
    else:
        entities = state.config.entities
    matcher = Matcher.build(entities)
    for item_id, raw_fields, item_language in _match_inputs(source.read(), whole):
        fields = {name: visible_text(value) for name, value in raw_fields.items()}
        chosen = language or item_language or UNDETERMINED
        found = matcher.match(fields, language=None if chosen.lower() == "none" else chosen)
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


def _match_inputs(text: str, whole: bool) -> Iterable[tuple[Any, dict[str, str], str | None]]:
    """One item per non-blank line: a JSON object's fields and language, or the line as plain text (its content).

    One item per line, not the whole input: an exclude vetoes its entity for the whole item, so a
    "North Korea" on one line used to remove Korea from every line of a pasted list of headlines.
    """
    if whole:
        yield None, {"content": text}, None
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            yield number, {"content": line}, None
            continue
        fields = {
            name: str(value[name])
            for name in ("title", "summary", "content")
            if isinstance(value.get(name), str | int | float)
        }
        language = value.get("language")
        yield value.get("id", number), fields, language if isinstance(language, str) and language else None
