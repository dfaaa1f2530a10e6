"""The pages that only read: today, an entity, a story, search, feeds (each a GET, changing nothing)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from watcher.clock import utcnow
from watcher.digest import assemble_digest
from watcher.digest.assemble import with_history
from watcher.feedback import Sample, propose
from watcher.search import QueryError, parse_query, search
from watcher.store import browse, daily_volumes, earliest_item_at, feed_statuses, undelivered_matches
from watcher.store.feedback import HELD, NOT_RELEVANT, alias_precision, judged_matches, verdicts_of
from watcher.web.app import Site, render
from watcher.web.chart import volume_chart

CHART_DAYS = 90
PAGE_SIZE = 50


def _site(request: Request) -> Site:
    return request.app.state.site


def today(request: Request) -> Response:
    site = _site(request)
    config = site.config()
    routes = config.routes()
    chosen = request.query_params.get("route") or routes[0].name
    route = next((route for route in routes if route.name == chosen), None)
    if route is None:
        raise HTTPException(404, f"No digest route named {chosen!r}.")
    now = utcnow()
    with site.database().session() as session:
        rows = undelivered_matches(session, route.name, route.entities)
        model = assemble_digest(session, config, route, rows, now)
        stories = model.complete_listing or model.listed
        item_ids = [report.item_id for story in stories for report in story.reports]
        matches = browse.match_ids(session, item_ids)
        story_ids = browse.story_ids_by_key(session, [story.key for story in stories])
        last = browse.last_digest_at(session)
    return render(
        request,
        "today.j2",
        digest=model,
        stories=stories,
        matches=matches,
        story_ids=story_ids,
        routes=routes,
        route=route,
        last_digest=last,
        entities=[entity.name for entity in config.entities],
    )


def entities(request: Request) -> Response:
    site = _site(request)
    config = site.config()
    with site.database().session() as session:
        precision = {entity.name: alias_precision(session, entity.name) for entity in config.entities}
    return render(request, "entities.j2", entities=config.entities, precision=precision)


def entity(request: Request) -> Response:
    site = _site(request)
    config = site.config()
    name = request.path_params["name"]
    configured = next((entity for entity in config.entities if entity.name == name), None)
    now = utcnow()
    with site.database().session() as session:
        counts = daily_volumes(session, [name], now, CHART_DAYS).get(name, [0] * CHART_DAYS)
        history = with_history(counts, now, earliest_item_at(session))
        precision = alias_precision(session, name)
        if configured is None and not precision:
            raise HTTPException(404, f"No entity named {name!r} in config.yaml or the database.")
        stories = browse.entity_stories(session, name)
        events = browse.entity_events(session, name)
        recent = browse.reports(session, browse.entity_match_items(session, name))
        judged = judged_matches(session, name)
        verdicts = verdicts_of(session, [sample.match_id for sample in judged])
    # Held matches are watcher's guess, not an analyst's word: they teach nothing either way.
    samples = [Sample(sample.text, sample.verdict == NOT_RELEVANT) for sample in judged if sample.verdict != HELD]
    proposals = propose(configured, samples) if configured is not None and site.config_path else []
    return render(
        request,
        "entity.j2",
        name=name,
        configured=configured,
        chart=volume_chart(history, now.astimezone(config.digest.zone)),
        precision=precision,
        stories=stories,
        events=events,
        reports=recent,
        proposals=proposals,
        rejected=sum(1 for verdict in verdicts.values() if verdict.verdict == NOT_RELEVANT),
    )


def story(request: Request) -> Response:
    site = _site(request)
    story_id = request.path_params["story_id"]
    with site.database().session() as session:
        line = browse.story(session, story_id)
        if line is None:
            raise HTTPException(404, "No such story (it may have been removed with its items).")
        reports = browse.reports(session, browse.story_item_ids(session, story_id))
        events = browse.story_events(session, story_id)
    return render(request, "story.j2", story=line, reports=reports, events=events)


def search_page(request: Request) -> Response:
    site = _site(request)
    text = request.query_params.get("q", "").strip()[:500]
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    result, error = None, None
    if text:
        try:
            query = parse_query(text, utcnow())
            with site.database().session() as session:
                result = search(session, query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        except QueryError as exc:
            error = str(exc)
    return render(request, "search.j2", q=text, result=result, error=error, page=page, page_size=PAGE_SIZE)


def feeds(request: Request) -> Response:
    site = _site(request)
    config = site.config()
    with site.database().session() as session:
        statuses = feed_statuses(session)
    configured = {feed.url for feed in config.feeds}
    stored = {status.url for status in statuses}
    new = [feed for feed in config.feeds if feed.url not in stored]
    return render(request, "feeds.j2", statuses=statuses, configured=configured, new=new)


routes = [
    Route("/", today, methods=["GET", "HEAD"]),
    Route("/entities", entities, methods=["GET", "HEAD"]),
    Route("/entities/{name:path}", entity, methods=["GET", "HEAD"]),
    Route("/stories/{story_id:int}", story, methods=["GET", "HEAD"]),
    Route("/search", search_page, methods=["GET", "HEAD"]),
    Route("/feeds", feeds, methods=["GET", "HEAD"]),
]
