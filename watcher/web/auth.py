"""Who may use the page: the access policy from config.yaml, password hashes, and the login throttle.

- On a loopback address (127.0.0.0/8, ::1, localhost) the page is open: only this machine can reach it.
- Anywhere else it needs either a password, whose scrypt hash is read from web.password_file or from the
  systemd credential web.password_credential ($CREDENTIALS_DIRECTORY), or a reverse proxy that
  authenticates and names the user in web.trusted_proxy_header. Without one the web part refuses to start.
- Every change is a POST carrying the session's CSRF token, whatever the policy (a web page in the
  analyst's browser could otherwise post to 127.0.0.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from watcher.config import Config
from watcher.config.web import is_loopback
from watcher.errors import ConfigError

# scrypt with N=2^15, r=8, p=1: ~50 ms and 32 MiB per check on this machine (OWASP's minimum is N=2^17 with
# r=8 at 128 MiB; 2^15 keeps a login flood from eating the daemon's memory, and logins are throttled).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
LOGIN_FAILURES = 5  # failed logins per client and window before it must wait
LOGIN_WINDOW = 15 * 60.0


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 2**20)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.strip().split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), maxmem=256 * 2**20,
            dklen=len(expected),
        )  # fmt: skip
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


@dataclass(frozen=True)
class AccessPolicy:
    """open: anyone who can connect (loopback only); password: a login; proxy: the header names the user."""

    kind: str
    secure_cookies: bool
    password_hash: str | None = None
    proxy_header: str | None = None


def password_source(config: Config) -> Path | None:
    if config.web.password_file:
        path = Path(config.web.password_file).expanduser()
        return path if path.is_absolute() else config.base_dir / path
    directory = os.environ.get("CREDENTIALS_DIRECTORY")
    if directory and (Path(directory) / config.web.password_credential).exists():
        return Path(directory) / config.web.password_credential
    return None


def access_policy(config: Config) -> AccessPolicy:
    """The policy for http.listen as configured; ConfigError when a non-loopback address has no way to log in."""
    address = config.http.address
    host = address[0] if address else "127.0.0.1"
    if config.web.trusted_proxy_header:
        return AccessPolicy("proxy", secure_cookies=not is_loopback(host), proxy_header=config.web.trusted_proxy_header)
    if is_loopback(host):
        return AccessPolicy("open", secure_cookies=False)
    source = password_source(config)
    if source is None:
        raise ConfigError(
            f"http.listen: {config.http.listen} is not a loopback address, so the web page needs a login: run "
            "`watcher web passwd` (writes web.password_file), or give the hash as the systemd credential "
            f"{config.web.password_credential}, or set web.trusted_proxy_header behind an authenticating proxy"
        )
    try:
        stored = source.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"web.password_file: cannot read {source}: {exc.strerror}") from None
    if not stored.startswith("scrypt$"):
        raise ConfigError(f"web.password_file: {source} does not hold a hash written by `watcher web passwd`")
    return AccessPolicy("password", secure_cookies=True, password_hash=stored)


def write_password_file(path: Path, password: str) -> None:
    """The hash, 0600, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(hash_password(password) + "\n")
    os.replace(temporary, path)


class LoginThrottle:
    """At most LOGIN_FAILURES failed logins per client in LOGIN_WINDOW seconds (kept in memory)."""

    def __init__(self, failures: int = LOGIN_FAILURES, window: float = LOGIN_WINDOW) -> None:
        self.failures = failures
        self.window = window
        self.seen: dict[str, deque[float]] = {}

    def wait(self, client: str) -> float:
        """Seconds the client must wait before trying again (0: it may try now)."""
        now = time.monotonic()
        times = self.seen.get(client)
        while times and times[0] < now - self.window:
            times.popleft()
        if not times or len(times) < self.failures:
            return 0.0
        return times[0] + self.window - now

    def failed(self, client: str) -> None:
        if len(self.seen) > 10_000:  # a flood of clients: forget the oldest rather than grow for ever
            self.seen.pop(next(iter(self.seen)))
        self.seen.setdefault(client, deque()).append(time.monotonic())

    def succeeded(self, client: str) -> None:
        self.seen.pop(client, None)
