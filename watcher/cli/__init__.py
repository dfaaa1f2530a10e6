"""The `watcher` command. Exit status: 0 done, 1 failed at run time, 2 bad config or usage.

One module per concern, each registering its commands on `main`: `run` (run, poll, digest), `check`
(check-config), `db` (db upgrade, db copy), `feeds` (feeds and its subcommands), `entities` (entities add,
backfill), `read` (status, matches), `try_match` (match) and `web` (web passwd). A command's module is imported
when the command is looked up (_COMMAND_MODULES), so `poll --once` loads watcher.cli.run only. Commands import the
stages they drive inside their bodies, so `watcher --help` and the parse workers (see watcher/__main__.py) stay
cheap.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from watcher import __version__
from watcher.config import CONFIG_ENV, DEFAULT_CONFIG_NAME, load_config
from watcher.errors import ConfigError, WatcherError
from watcher.logs import setup_logging

if TYPE_CHECKING:
    from watcher.config import Config
    from watcher.store import Database

F = TypeVar("F", bound=Callable[..., Any])

# Set by watcher.__main__ when a one-shot command is the whole process: not the daemon, nor a test's CliRunner.
WHOLE_PROCESS = False
PASS_GC_YOUNG = 10_000  # the collector's youngest generation's threshold once a one-pass command settles


def settled() -> None:
    """A one-pass command has loaded what it runs with (modules, config, the database's engine and tables): out of
    the collector's reach from now on, so its collections during the pass traverse only what the pass makes (the
    oldest generation's held ~0.1 CPU-s of a pass of 1,000 feeds, traversing the modules again and again). Garbage
    of the start-up, if any, stays until the process exits a few seconds later. Only where the command is the
    whole process: in a longer-lived one (tests) the frozen objects would outlive the command. Called first once
    the command's modules and config are loaded: the collector, off since the process started
    (watcher/__main__.py), runs again from there."""
    if WHOLE_PROCESS:
        gc.freeze()
        # A young generation of PASS_GC_YOUNG objects, not 700: a pass makes objects by the million (entries,
        # rows, parameters) that die within a feed, and at 700 the collector ran ~3,400 times in an all-new pass
        # of 10,000 feeds (2.1-2.2 of the watcher process's ~45 CPU-s, 0.9 of it in the middle generation's ~300
        # collections over the feeds in flight); at 10,000, 79 times and 0.6 CPU-s, the same peak
        # (docs/benchmarks.md, branch scale10k). A cycle of garbage waits at most that many allocations longer.
        gc.set_threshold(PASS_GC_YOUNG, *gc.get_threshold()[1:])
        gc.enable()


def _fail_cleanly(function: F) -> F:
    """Config problems exit 2 and other watcher errors exit 1, with one clear message and no traceback."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except ConfigError as exc:
            click.echo(f"watcher: configuration error:\n{exc}", err=True)
            sys.exit(2)
        except WatcherError as exc:
            click.echo(f"watcher: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


class _State:
    def __init__(self, config_path: Path, log_level: str | None, log_format: str) -> None:
        self.config_path = config_path
        self.log_level = log_level  # from the command line; wins over the config's log_level
        self.log_format = log_format
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            if self.log_level is None:
                logging.getLogger("watcher").setLevel(self._config.log_level.upper())
        return self._config


pass_state = click.make_pass_decorator(_State)


# The options every command takes, before the command name or after it (`watcher status --config x.yaml`).
# One definition: the group's copy carries the defaults; a command's copy, when given, overrides it.
# Each entry: declarations, settings, and the group's defaults.
_COMMON_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any], dict[str, Any]]] = [
    (
        ("-c", "--config", "config_path"),
        {"type": click.Path(path_type=Path), "help": f"Config file (or set ${CONFIG_ENV})."},
        {"envvar": CONFIG_ENV, "default": DEFAULT_CONFIG_NAME, "show_default": True},
    ),
    (
        ("--log-level",),
        {"type": click.Choice(["debug", "info", "warning", "error"]), "help": "Override log_level from the config."},
        {},
    ),
    (
        ("--log-format",),
        {
            "type": click.Choice(["text", "json"]),
            "help": "key=value lines (journald-friendly) or JSON lines for log shippers.",
        },
        {"default": "text", "show_default": True},
    ),
]


def _override_state(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A common option given after the command: it replaces the group's value."""
    if value is None:
        return
    state = ctx.find_object(_State)
    if state is None:  # `--help` is answered before the group has run
        return
    setattr(state, param.name or "", value)
    if param.name in ("log_level", "log_format"):
        setup_logging(state.log_level or "info", state.log_format)


def _add_common_options(command: click.Command) -> None:
    present = {param.name for param in command.params}
    for declarations, settings, _ in _COMMON_OPTIONS:
        option = click.Option(list(declarations), expose_value=False, callback=_override_state, **settings)
        if option.name not in present:
            command.params.append(option)


class _Group(click.Group):
    """A group whose commands (and sub-groups, which are _Groups too) all take the common options."""

    group_class = type

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _add_common_options(cmd)
        super().add_command(cmd, name)


# The module under watcher/cli/ that registers each of main's commands. Imported when the command is looked up, not
# with the CLI: a one-shot `poll` paid ~15 ms CPU of its start for the other commands' modules (and theirs).
_COMMAND_MODULES = {
    "analyze": "analyze",
    "check-config": "check",
    "db": "db",
    "entities": "entities",
    "backfill": "entities",
    "feeds": "feeds",
    "status": "read",
    "matches": "read",
    "run": "run",
    "poll": "run",
    "digest": "run",
    "match": "try_match",
    "web": "web",
}


class _CommandsByModule(_Group):
    """The top group: a command's module registers it when the command is first looked up (all, for the help)."""

    group_class = _Group  # its sub-groups (db, feeds, ...) are plain _Groups

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMAND_MODULES:
            importlib.import_module(f"watcher.cli.{_COMMAND_MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        load_all_commands()
        return super().list_commands(ctx)


def load_all_commands() -> None:
    for module in sorted(set(_COMMAND_MODULES.values())):
        importlib.import_module(f"watcher.cli.{module}")


def _common_options_of_the_group(function: F) -> F:
    for declarations, settings, defaults in reversed(_COMMON_OPTIONS):
        function = click.option(*declarations, **settings, **defaults)(function)
    return function


@click.group(cls=_CommandsByModule, context_settings={"help_option_names": ["-h", "--help"]})
@_common_options_of_the_group
@click.version_option(__version__, prog_name="watcher")
@click.pass_context
def main(ctx: click.Context, config_path: Path, log_level: str | None, log_format: str) -> None:
    """watcher: poll news feeds, recognise tracked entities in any language, mail a daily digest.

    --config, --log-level and --log-format may come before the command or after it.
    """
    setup_logging(log_level or "info", log_format)
    ctx.obj = _State(config_path, log_level, log_format)


@contextmanager
def _stored_database(config: Config) -> Iterator[Database]:
    """The database as it is, for commands that only read it (status, matches, feeds, digest --dry-run).

    Watcher.open would upgrade the schema, make the tables follow config.yaml and backfill new entities:
    writes a read command must not make (`matches -e X` once stored X's backfill). No file is created.
    """
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import make_url

    from watcher.store import Database, migrations_path, schema_revision

    url = make_url(config.database_url)
    where = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)
    nothing_yet = WatcherError(
        f"no database yet at {where}: nothing has been polled (`watcher poll --once` polls every feed now)"
    )
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise nothing_yet
    database = Database(config.database_url)
    try:
        revision = schema_revision(database.engine)
        if revision is None:
            raise nothing_yet
        head = ScriptDirectory(str(migrations_path())).get_current_head()
        if revision != head:
            raise WatcherError(
                f"the database schema is at revision {revision}, this watcher reads {head}: run `watcher db upgrade`"
            )
        yield database
    finally:
        database.dispose()


class _ProgressReporter:
    """progress(done, total) callbacks drawn as a rich bar on a terminal, plain lines otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.task: Any = None
        self.last_decile = -1
        self.on_terminal: bool | None = None  # asked once: isatty is a system call, and this runs per feed

    def __call__(self, done: int, total: int) -> None:
        if total < 20:
            return  # short jobs need no progress report
        if self.on_terminal is None:
            self.on_terminal = sys.stderr.isatty()
        if self.on_terminal:
            if self.bar is None:
                from rich.progress import Progress

                self.bar = Progress(transient=True)
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=total)
            self.bar.update(self.task, completed=done)
        elif done * 10 // total > self.last_decile:
            self.last_decile = done * 10 // total
            click.echo(f"{self.label}: {done}/{total}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _with_progress(items: list[Any], label: str) -> Iterable[Any]:
    """Items, with a progress bar on a terminal and plain progress lines otherwise."""
    if sys.stderr.isatty():
        from rich.progress import track

        yield from track(items, description=label, console=None, transient=True)
        return
    step = max(1, len(items) // 10)
    for index, item in enumerate(items, 1):
        yield item
        if index % step == 0 or index == len(items):
            click.echo(f"{label}: {index}/{len(items)}", err=True)


def _when(moment: datetime | None, timezone: str) -> str:
    """A stored (UTC) time as the operator reads it: in the digest's zone, named (`2026-11-30 16:40 Asia/Seoul`)."""
    from zoneinfo import ZoneInfo

    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} {timezone}" if moment else "never"


def _count(number: int, word: str, plural: str | None = None) -> str:
    """`1 feed`, `2 feeds`, `1 match`, `0 matches`, `1 entry`, `3 entries`."""
    if number == 1:
        return f"1 {word}"
    if plural is None:
        plural = word + "es" if word.endswith(("s", "sh", "ch", "x", "z")) else word + "s"
    return f"{number} {plural}"
