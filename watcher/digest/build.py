"""Building the digest model: match rows and the stored stories in, one entry per story out. Pure.

Each claimed match belongs to one item and each item to one story: the analyser's (watcher.analyze), or,
for an item it has not placed (analysis failed, or not run yet), a story of its own, joined by other such
items with the same link once tracking parameters are set aside. So nothing claimed goes unshown, and
nothing is shown twice: a story naming three entities is one entry with three chips.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from watcher.digest.model import DigestModel, DigestStory, EntityLine, Report
from watcher.digest.names import base_language
from watcher.digest.wording import (
    EVENT_WEIGHTS,
    Fact,
    Sighting,
    age,
    best_sentence,
    coverage,
    gist,
    quote,
    repeats_headline,
)
from watcher.parse.links import normalise_link
from watcher.store import FeedStatus, MatchRow
from watcher.store.stories import StoredStories, StoryEvent

NO_STORIES = StoredStories(story_of={}, reports={}, events={})


def build_digest(
    rows: Sequence[MatchRow],
    *,
    timezone: str,
    now: datetime,
    stories: StoredStories = NO_STORIES,
    max_per_entity: int = 50,
    max_items: int = 60,
    entity_order: Sequence[str] = (),
    failing_feeds: Sequence[FeedStatus] = (),
    volumes: Mapping[str, Sequence[int | None]] | None = None,
) -> DigestModel:
    """The digest of `rows` (the claimed matches). `volumes`: reports a day per entity for 30 days, oldest
    first, None for days before watcher's history (trend and spike; none without)."""
    zone = ZoneInfo(timezone)
    now = now.astimezone(zone)
    rows_of_item: dict[int, list[MatchRow]] = defaultdict(list)
    for row in rows:
        rows_of_item[row.item_id].append(row)
    groups = _group(rows_of_item, stories)

    # The digest's entity order, used everywhere (chips, subject, trend): most stories first, then config.
    config_rank = {name: index for index, name in enumerate(entity_order)}
    story_count: dict[str, int] = defaultdict(int)
    report_count: dict[str, int] = defaultdict(int)
    for items in groups.values():
        for name in {row.entity for item_id in items for row in rows_of_item[item_id]}:
            story_count[name] += 1
    for row in rows:
        report_count[row.entity] += 1
    order = sorted(story_count, key=lambda name: (-story_count[name], config_rank.get(name, len(config_rank)), name))
    rank = {name: index for index, name in enumerate(order)}

    def entity_rank(name: str) -> int:  # entities of other routes (an event's subject) come last
        return rank.get(name, len(rank))

    lines = {
        name: EntityLine(
            name,
            story_count[name],
            report_count[name],
            tuple(volumes.get(name, ())) if volumes is not None else (),
        )
        for name in order
    }
    spiking = {name for name, line in lines.items() if line.spike}
    built = [
        _story(key, [rows_of_item[item_id] for item_id in items], stories, zone, now, entity_rank, spiking)
        for key, items in groups.items()
    ]
    ranked = sorted(built, key=lambda story: (story.gist is None, -story.score, -story.first_published.timestamp()))

    # The caps: at most max_per_entity stories under each entity, max_items in all, shared turn by turn.
    by_entity: dict[str, list[DigestStory]] = defaultdict(list)
    for story in ranked:
        by_entity[story.entity].append(story)
    given = share_fairly(max_items, [min(len(by_entity[name]), max_per_entity) for name in order])
    listed = {story.key for name, count in zip(order, given, strict=True) for story in by_entity[name][:count]}
    unlisted = {name: len(by_entity[name]) - count for name, count in zip(order, given, strict=True)}
    return DigestModel(
        generated_at=now,
        timezone=timezone,
        events=tuple(story for story in ranked if story.key in listed and story.gist),
        also=tuple(story for story in ranked if story.key in listed and not story.gist),
        entities=tuple(
            EntityLine(line.entity, line.stories, line.reports, line.days, unlisted[line.entity])
            for line in lines.values()
        ),
        story_count=len(ranked),
        report_count=len(rows_of_item),
        languages=tuple(
            dict.fromkeys(
                language for story in ranked for report in story.reports if (language := base_language(report.language))
            )
        ),
        failing_feeds=tuple(failing_feeds),
        complete_listing=tuple(ranked) if len(listed) < len(ranked) else (),
    )


def _group(rows_of_item: Mapping[int, list[MatchRow]], stories: StoredStories) -> dict[str, list[int]]:
    """Items by story: the stored one, else one of their own, joined by unplaced items with the same link."""
    groups: dict[str, list[int]] = {}
    by_link: dict[str, str] = {}
    for item_id, item_rows in rows_of_item.items():
        story_id = stories.story_of.get(item_id)
        if story_id is not None:
            key = f"story:{story_id}"
        else:
            link = item_rows[0].link
            normal = normalise_link(link) if link else None
            key = by_link.setdefault(normal, f"item:{item_id}") if normal else f"item:{item_id}"
        groups.setdefault(key, []).append(item_id)
    return groups


def _story(
    key: str,
    items: list[list[MatchRow]],
    stories: StoredStories,
    zone: ZoneInfo,
    now: datetime,
    rank: Callable[[str], int],
    spiking: set[str],
) -> DigestStory:
    story_id = int(key.split(":")[1]) if key.startswith("story:") else None
    stored_reports = stories.reports.get(story_id, ()) if story_id is not None else ()
    analysed_language = {report.item_id: report.language for report in stored_reports}
    events = stories.events.get(story_id, ()) if story_id is not None else ()

    reports = [_report(item_rows, analysed_language, zone, rank) for item_rows in items]
    # The report shown: an English one when there is one (the reader reads it in full), else the earliest
    # (the original, which later reports rewrite). Its headline, quote and language go together.
    reports.sort(key=lambda report: (base_language(report.language) != "en", report.published, report.item_id))
    lead = reports[0]
    entities = tuple(sorted({name for report in reports for name in report.entities}, key=lambda n: (rank(n), n)))
    subjects = tuple(sorted({event.entity for event in events}, key=lambda n: (rank(n), n)))

    in_digest = {report.item_id for report in reports}
    sightings = [Sighting(r.source, r.language, r.published.astimezone(zone)) for r in stored_reports]
    sightings += [Sighting(r.source, r.language, r.published) for r in reports if r.item_id not in analysed_language]
    first = min(sighting.published for sighting in sightings)
    earliest_here = min(report.published for report in reports)
    follow_up = any(r.item_id not in in_digest and r.published < earliest_here for r in stored_reports)

    lead_rows = next(item_rows for item_rows in items if item_rows[0].item_id == lead.item_id)
    surfaces: dict[str, list[str]] = defaultdict(list)
    for row in lead_rows:
        hits = row.hits or ((row.field, 0, 0, row.surface),)
        surfaces[row.entity].extend(text for _field, _start, _end, text in hits)
    all_surfaces = [text for texts in surfaces.values() for text in texts]
    sentence = _event_sentence([event for event in events if event.item_id == lead.item_id], lead.title)
    if sentence is None:
        sentence = best_sentence(lead_rows[0].body, lead.title, surfaces)

    outlets = len({sighting.source for sighting in sightings})
    languages = len({base_language(sighting.language) for sighting in sightings if sighting.language})
    weight = max((EVENT_WEIGHTS.get(event.type, 0) for event in events), default=0)
    named_in_title = any(
        row.field == "title" and (not subjects or row.entity in subjects) for item_rows in items for row in item_rows
    )
    # Event weight leads; a headline naming the entity, wide coverage and a spiking entity lift a story.
    score = 3 * weight + 2 * named_in_title + min(outlets, 5) + min(languages, 4) + 2 * bool(spiking & set(entities))
    return DigestStory(
        key=key,
        reports=tuple(reports),
        entities=entities,
        subjects=subjects,
        gist=gist((Fact(event.entity, event.type, event.market) for event in events), rank),
        quote=quote(sentence, all_surfaces) if sentence else None,
        coverage=coverage(sightings),
        age=age(first, now),
        first_published=first,
        follow_up=follow_up,
        headline_names_entity=any(row.field == "title" for row in lead_rows),
        score=score,
        entity=next((name for name in subjects if name in entities), entities[0]),
    )


def _report(
    item_rows: list[MatchRow],
    analysed_language: Mapping[int, str | None],
    zone: ZoneInfo,
    rank: Callable[[str], int],
) -> Report:
    row = item_rows[0]
    when = row.published_at or row.first_seen_at
    return Report(
        item_id=row.item_id,
        title=row.title or row.link or "(untitled)",
        link=row.link if row.link and urlsplit(row.link).scheme.lower() in ("http", "https") else None,
        source=row.source,
        published=when.astimezone(zone),
        language=analysed_language.get(row.item_id) or row.language,
        entities=tuple(sorted(dict.fromkeys(r.entity for r in item_rows), key=lambda n: (rank(n), n))),
        backfilled=all(r.backfilled for r in item_rows),
    )


def _event_sentence(events: Sequence[StoryEvent], headline: str) -> str | None:
    """The sentence carrying the weightiest event of the report shown, unless it is its headline again."""
    for event in sorted(events, key=lambda event: -EVENT_WEIGHTS.get(event.type, 0)):
        if event.evidence and not repeats_headline(event.evidence, headline):
            return event.evidence
    return None


def share_fairly(budget: int, wants: Sequence[int]) -> list[int]:
    """Split `budget` slots among entities wanting `wants` each: one at a time to each in turn.

    Every entity with stories gets one before any gets a second (budget allowing), so a busy entity
    cannot crowd a quiet one out of the mail; what one cannot use goes to the others.
    """
    budget = max(budget, 0)
    # Turn by turn, all reach a common level, then the first few in order get one more: find the highest
    # level the budget covers (bisection), then hand out what is left in order.
    low, high = 0, max(wants, default=0)
    while low < high:
        level = (low + high + 1) // 2
        if sum(min(want, level) for want in wants) <= budget:
            low = level
        else:
            high = level - 1
    given = [min(want, low) for want in wants]
    left = budget - sum(given)
    for index, want in enumerate(wants):
        if left and want > given[index]:
            given[index] += 1
            left -= 1
    return given
