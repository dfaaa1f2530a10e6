"""The tests' own guard: no process a test starts looks up a name or connects beyond loopback."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import errno, socket
try:
    socket.getaddrinfo("news03.example.com", 80)
except socket.gaierror as exc:
    print("lookup refused:", exc.errno == socket.EAI_NONAME)
sock = socket.socket()
try:
    sock.connect(("192.0.2.1", 80))
except OSError as exc:
    print("connect refused:", exc.errno == errno.ENETUNREACH)
print("localhost:", bool(socket.getaddrinfo("localhost", 80)))
print("literal:", socket.getaddrinfo("8.8.8.8", 80)[0][4][0])
"""


def test_a_process_started_by_a_test_reaches_only_loopback() -> None:
    output = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert output.stdout.split("\n")[:4] == [
        "lookup refused: True",
        "connect refused: True",
        "localhost: True",
        "literal: 8.8.8.8",  # a literal is no lookup; connecting to it would be refused
    ]
