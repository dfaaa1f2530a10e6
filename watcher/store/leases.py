"""Leases: which instance holds a feed or a digest's send for now, and when a holder is dead."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from watcher.store.engine import Transaction


@cache
def instance_id() -> str:
    """Who holds a lease: host, process and a nonce (a reused PID is not the same instance)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_is_dead(owner: str) -> bool:
    """A lease owner on this host whose process is gone: its leases can be taken now, not at expiry."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or owner == instance_id():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def lease_free(column_owner: Any, column_until: Any, session: Transaction, now: datetime) -> Any:
    """Lease free: never taken, expired, or held by a dead process on this host."""
    from sqlalchemy import select  # the digests' leases; the feeds' are SQL text (store.feeds)

    dead = dead_owners(session.execute(select(column_owner).where(column_until >= now).distinct()))
    condition = column_until.is_(None) | (column_until < now)
    return condition | column_owner.in_(dead) if dead else condition


def dead_owners(holders: Iterable[Sequence[Any]]) -> list[str]:
    """Of the lease holders (rows of one column), the dead processes on this host."""
    return [owner for (owner,) in holders if owner and _owner_is_dead(owner)]
