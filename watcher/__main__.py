"""`python -m watcher`, and the `watcher` command (pyproject's console script points here).

The CLI is imported inside main(), not at the top: under the console script each parse worker re-runs
the script as `__mp_main__` (multiprocessing's forkserver does that for a main module given by path),
and importing the whole CLI there cost every worker ~15 MB of RSS for the daemon's lifetime.
"""


def main() -> None:
    from watcher.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
