"""Tests reach only this machine: no name is looked up but localhost, no connection leaves loopback.

Test feeds link to made-up hosts (news03.example.com) and full-text fetching follows such links; without this,
each was a real DNS query (and example.com answers). tests/conftest.py imports this and puts its directory on
PYTHONPATH, where sitecustomize.py imports it in every Python process a test starts (watcher, xdist). A name
fails at once as a name that does not exist; a connection to an address off loopback fails as unreachable.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Any

_real_getaddrinfo = socket.getaddrinfo
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _loopback_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode("ascii", "replace") if isinstance(host, bytes) else host
    local = name is None or name == "" or name.lower() == "localhost" or name.lower().endswith(".localhost")
    if not local and not _is_literal(name):  # a literal needs no lookup: connect() below checks it
        raise socket.gaierror(socket.EAI_NONAME, f"tests look up no names but localhost ({name})")
    return _real_getaddrinfo(host, *args, **kwargs)


def _off_loopback(sock: socket.socket, address: Any) -> str | None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6) or not isinstance(address, tuple):
        return None
    try:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
    except ValueError:
        return None  # a name: getaddrinfo has decided
    mapped = getattr(ip, "ipv4_mapped", None)
    return None if (mapped or ip).is_loopback else str(ip)


def _loopback_connect(self: socket.socket, address: Any) -> None:
    if (ip := _off_loopback(self, address)) is not None:
        raise OSError(errno.ENETUNREACH, f"tests connect only to loopback, not {ip}")
    return _real_connect(self, address)


def _loopback_connect_ex(self: socket.socket, address: Any) -> int:
    if _off_loopback(self, address) is not None:
        return errno.ENETUNREACH
    return _real_connect_ex(self, address)


socket.getaddrinfo = _loopback_getaddrinfo
socket.socket.connect = _loopback_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _loopback_connect_ex  # type: ignore[method-assign]
