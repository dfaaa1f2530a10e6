"""The declarative base every model derives from: its metadata is the Core tables' (watcher/tables.py), which the
models map onto, and the UTC datetime type their datetime columns use."""

from sqlalchemy.orm import DeclarativeBase

from watcher import tables
from watcher.tables import UTCDateTime


class Base(DeclarativeBase):
    metadata = tables.metadata


__all__ = ["Base", "UTCDateTime"]
