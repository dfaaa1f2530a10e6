"""`python -m watcher`, and the `watcher` command (pyproject's console script points here).

The CLI is imported inside main(), not at the top: under the console script each parse worker re-runs
the script as `__mp_main__` (multiprocessing's forkserver does that for a main module given by path),
and importing the whole CLI there cost every worker ~15 MB of RSS for the daemon's lifetime.

Signals are deferred before anything else (watcher/signals.py): a `systemctl reload` or stop in the
daemon's first seconds used to kill it with status 129 or 143.
"""

from __future__ import annotations

import atexit
import gc
import sys
from typing import Any


def main() -> None:
    from watcher import signals

    signals.defer()
    # Before anything compiles a regular expression: the programs of the last run's ~300 (watcher/regex_cache.py).
    from watcher import regex_cache
    from watcher.cache_dir import default_cache_dir

    regex_cache.install(default_cache_dir())
    # No collections while the process starts: importing the CLI, click, pydantic and SQLAlchemy made ~160 of
    # them (~0.03-0.07 CPU-s), and what a start makes is kept for the process's life (modules, classes, config).
    # Collecting resumes once the command is under way: for a polling pass when it has loaded its modules and
    # config (watcher.cli.settled, which first freezes what the start made), for any other right after this.
    gc.disable()
    from watcher import cli as cli_module
    from watcher.cli import main as cli

    command, rest = command_of(cli, sys.argv[1:])
    if not starts_daemon(cli, sys.argv[1:]):
        signals.restore()  # one-shot commands keep the default behaviour; a signal noted meanwhile is delivered
        # Registered last, run first at exit: every object is then out of the collector's reach, and the
        # interpreter's last collections over the whole heap (~0.1 CPU-s after a polling pass) find nothing to
        # traverse. Objects are still freed as their modules are cleared; the files a command writes are closed
        # by then (logging's handlers by its own exit hook, which runs after this one).
        atexit.register(gc.freeze)
        cli_module.WHOLE_PROCESS = True
    if not (cli_module.WHOLE_PROCESS and (command == "poll" or (command == "run" and "--once" in rest))):
        gc.enable()  # a command that never calls settled()
    cli()


def command_of(group: Any, args: list[str]) -> tuple[str | None, list[str]]:
    """The command word of `watcher [options] command [arguments]` and the words after it (None: no command).

    Read from the arguments with the group's own option list, before click runs anything: the options
    that take a value are skipped with their value, the first other word is the command.
    """
    takes_value = {
        name
        for param in group.params
        if getattr(param, "param_type_name", "") == "option" and not param.is_flag and not param.count
        for name in param.opts
    }
    words = iter(args)
    for word in words:
        if word == "--":
            return None, []
        if word.startswith("-"):
            if word in takes_value:
                next(words, None)
            continue
        return word, list(words)
    return None, []


def starts_daemon(group: Any, args: list[str]) -> bool:
    """`watcher [options] run [options]` without --once or --help: the daemon, which takes the signals over."""
    command, rest = command_of(group, args)
    return command == "run" and not {"--once", "--help", "-h"} & set(rest)


if __name__ == "__main__":
    main()
