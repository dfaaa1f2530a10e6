"""The database schema as SQLAlchemy 2.x typed models, mapped onto the Core tables of watcher/tables.py (the schema
itself, its columns and their meaning, is there once). Alembic migrations in migrations/ create it.

One module per concern, as in watcher/store/: base (Base, UTCDateTime), feeds, items (items, their sources, entities
and matches), digests (digests and deliveries), stories (stories and item events), feedback and alerts. Every model
is imported here, so the mappers always see them all; callers import the models from watcher.models. The polling
path needs none of them (watcher/store/ reads and writes the tables with Core statements).
"""

from watcher.models.alerts import Alert
from watcher.models.base import Base, UTCDateTime
from watcher.models.digests import Delivery, Digest
from watcher.models.feedback import MatchFeedback
from watcher.models.feeds import Feed
from watcher.models.items import Entity, Item, ItemSource, Match
from watcher.models.stories import ItemEvent, Story, StoryItem
from watcher.tables import postgresql_options

__all__ = [
    "Alert",
    "Base",
    "Delivery",
    "Digest",
    "Entity",
    "Feed",
    "Item",
    "ItemEvent",
    "ItemSource",
    "Match",
    "MatchFeedback",
    "Story",
    "StoryItem",
    "UTCDateTime",
    "postgresql_options",
]
