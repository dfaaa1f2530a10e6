"""`watcher web passwd`: the password of the web page, stored as an scrypt hash (never the password)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from watcher.cli import _fail_cleanly, _State, main, pass_state


@main.group()
def web() -> None:
    """The analyst's web page (served where http.listen says)."""


@web.command("passwd")
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the hash (default: web.password_file, else web-password in state_dir).",
)
@click.option("--stdin", "from_stdin", is_flag=True, help="Read the password from standard input (one line).")
@pass_state
@_fail_cleanly
def web_passwd(state: _State, path: Path | None, from_stdin: bool) -> None:
    """Set the page's password: writes its scrypt hash to a file readable only by you (0600).

    The page asks for it when http.listen is not a loopback address; under systemd the hash may instead be
    given as the credential named by web.password_credential (LoadCredential=).
    """
    from watcher.web.auth import password_source, write_password_file

    config = state.config
    configured = password_source(config) if config.web.password_file else None
    target = path or configured or config.state_path / "web-password"
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.UsageError("the password must be at least 8 characters long")
    write_password_file(target, password)
    click.echo(f"wrote the password's hash to {target}")
    if configured is None or configured.resolve() != target.resolve():
        click.echo(f"set in config.yaml:\n  web:\n    password_file: {target}")
