"""--config, --log-level and --log-format are accepted before the command and after it, for every command."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from watcher.cli import main

CONFIG = """\
feeds:
  - url: feeds/one.xml
entities:
  - name: Xiaomi
digest:
  timezone: Asia/Seoul
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "elsewhere.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def every_command(group: click.Command, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = []
    for name, command in getattr(group, "commands", {}).items():
        found.append(((*prefix, name), command))
        found.extend(every_command(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("path", [path for path, _ in every_command(main)], ids=" ".join)
def test_every_command_takes_the_common_options(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    for option in ("-c, --config", "--log-level", "--log-format"):
        assert option in result.output, f"`watcher {' '.join(path)}` does not take {option}"


@pytest.mark.parametrize(
    "args",
    [
        ["--config", "{config}", "check-config"],
        ["check-config", "--config", "{config}"],
        ["check-config", "-c", "{config}"],
        ["check-config", "--log-level", "debug", "--log-format", "json", "--config", "{config}"],
    ],
    ids=["before", "after", "short-after", "all-after"],
)
def test_config_before_or_after_the_command(config: Path, args: list[str]) -> None:
    result = CliRunner().invoke(main, [arg.format(config=config) for arg in args])
    assert result.exit_code == 0, result.output
    assert f"{config}: ok" in result.output and "Asia/Seoul" in result.output


def test_config_after_a_subcommand_of_a_group(config: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.opml"
    result = CliRunner().invoke(main, ["feeds", "export", str(output), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert b"feeds/one.xml" in output.read_bytes()


def test_the_option_after_the_command_wins(config: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "missing.yaml"), "check-config", "-c", str(config)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["-c", str(config), "check-config", "-c", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2 and "missing.yaml: config file not found" in result.output


def test_environment_variable_still_names_the_config(config: Path) -> None:
    result = CliRunner().invoke(main, ["check-config"], env={"WATCHER_CONFIG": str(config)})
    assert result.exit_code == 0, result.output
    assert f"{config}: ok" in result.output


def test_log_level_after_the_command_takes_effect(config: Path) -> None:
    import logging

    CliRunner().invoke(main, ["check-config", "--config", str(config), "--log-level", "error"])
    assert logging.getLogger("watcher").level == logging.ERROR
    CliRunner().invoke(main, ["check-config", "--config", str(config), "--log-level", "debug"])
    assert logging.getLogger("watcher").level == logging.DEBUG
