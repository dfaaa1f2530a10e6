"""`watcher entities add`, `watcher entities lint` and `watcher backfill`: tracked entities in the config file
and the database."""

from __future__ import annotations

from typing import Any

import click

from watcher.cli import _count, _fail_cleanly, _ProgressReporter, _State, main, pass_state
from watcher.errors import ConfigError


def definition_options(function: Any) -> Any:
    """The options that define an entity, the same for `entities add` and for trying one (`match --entity`)."""
    for option in reversed(
        [
            click.option("-a", "--alias", "aliases", multiple=True, help="An alias (repeatable; default: the name)."),
            click.option(
                "--case-sensitive", "cased", multiple=True, help="An alias matched with its case (repeatable)."
            ),
            click.option("--exclude", multiple=True, help="A phrase that vetoes the entity (repeatable)."),
            click.option("--require", "require_any", multiple=True, help="One of these must occur too (repeatable)."),
        ]
    ):
        function = option(function)
    return function


def definition(
    name: str, aliases: tuple[str, ...], cased: tuple[str, ...], exclude: tuple[str, ...], require_any: tuple[str, ...]
) -> dict[str, Any]:
    alias_specs: list[Any] = [*aliases, *({"text": text, "case_sensitive": True} for text in cased)]
    return {"name": name, "aliases": alias_specs, "exclude": list(exclude), "require_any": list(require_any)}


@main.group()
def entities() -> None:
    """Tracked entities: add one to the config file, check their aliases."""


@entities.command("add")
@click.argument("name")
@definition_options
@click.option("--tag", "tags", multiple=True, help="A tag, for routing (repeatable).")
@pass_state
@_fail_cleanly
def entities_add(
    state: _State,
    name: str,
    aliases: tuple[str, ...],
    cased: tuple[str, ...],
    exclude: tuple[str, ...],
    require_any: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Add an entity to the config file (comments kept); the running daemon reloads and backfills it."""
    from watcher.config import entity_from_options
    from watcher.configfile import add_entity
    from watcher.match.matcher import Matcher

    _ = state.config  # a broken config is reported before anything is written
    spec = definition(name, aliases, cased, exclude, require_any)
    entity = entity_from_options({**spec, "tags": list(tags)}, state.config_path)
    Matcher.build([entity])
    add_entity(state.config_path, entity)
    click.echo(f"added entity {name!r} with {_count(len(entity.aliases), 'alias')} to {state.config_path}")


@entities.command("lint")
@click.option("-e", "--entity", "names", multiple=True, help="Only these entities (default: all).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding, words and all.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is a warning.")
@pass_state
@_fail_cleanly
def entities_lint(state: _State, names: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """List the common words each alias would also match, in every language of its script.

    Uses wordfreq's word lists (offline) and the matcher itself: wildcards going on into other words
    ("Коре*": коренные), aliases that are ordinary words (Apple), one-letter aliases, duplicates.
    """
    import json
    from dataclasses import asdict

    from watcher.aliaslint import WARNING, describe, lint_entities
    from watcher.vocabulary import WordfreqVocabulary

    config = state.config
    unknown = set(names) - {entity.name for entity in config.entities}
    if unknown:
        raise ConfigError(f"no such entity in {state.config_path}: {', '.join(sorted(unknown))}")
    findings = lint_entities(config.entities, WordfreqVocabulary())  # every entity: duplicates span them
    if names:
        findings = [finding for finding in findings if finding.entity in names]
    warnings = sum(finding.severity == WARNING for finding in findings)
    for finding in findings:
        click.echo(json.dumps(asdict(finding), ensure_ascii=False) if as_json else "\n".join(describe(finding)))
    if not as_json:
        notes = len(findings) - warnings
        click.echo(
            f"{_count(warnings, 'warning')}, {_count(notes, 'note')}" if findings else "aliases: nothing to note"
        )
    if strict and warnings:
        raise SystemExit(1)


@main.command()
@click.option(
    "--days", type=click.IntRange(min=1), default=None, help="How far back (default: matching.backfill_days)."
)
@click.option("-e", "--entity", "entities", multiple=True, help="Only these entities (default: all).")
@pass_state
@_fail_cleanly
def backfill(state: _State, days: int | None, entities: tuple[str, ...]) -> None:
    """Match stored items of the last N days against the entities; new matches are flagged as backfilled."""
    from watcher.app import Watcher

    config = state.config
    names = list(entities) or [entity.name for entity in config.entities]
    unknown = set(names) - {entity.name for entity in config.entities}
    if unknown:
        raise ConfigError(f"no such entity in {state.config_path}: {', '.join(sorted(unknown))}")
    watcher = Watcher.open(config)
    reporter = _ProgressReporter("backfilling")
    try:
        added = watcher.backfill(names, days or config.matching.backfill_days, progress=reporter)
    finally:
        reporter.close()
        watcher.close()
    click.echo(f"backfill: {_count(added, 'new match', 'new matches')}")
