"""What changes something, each a POST with the session's CSRF token: a verdict on a match, accepting a
proposed phrase, logging in and out, and the confirmation page of a one-click digest link (whose GET only
shows what the link would do)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from watcher.clock import utcnow
from watcher.configfile import add_entity_phrase
from watcher.errors import ConfigError
from watcher.feedback import read_not_relevant_token
from watcher.store import browse
from watcher.store.feedback import NOT_RELEVANT, RELEVANT, set_verdict
from watcher.web.app import Site, checked_form, csrf_token, render, user_of
from watcher.web.auth import verify_password


def _site(request: Request) -> Site:
    return request.app.state.site


def _local(target: str | None, default: str = "/") -> str:
    """A path on this site to go back to (never another site's URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


async def verdict(request: Request) -> Response:
    form = await checked_form(request)
    site = _site(request)
    match_id = request.path_params["match_id"]
    said = form.get("verdict", "")
    if said not in (NOT_RELEVANT, RELEVANT):
        raise HTTPException(400, "A verdict is not_relevant or relevant.")
    who = user_of(request) or "unknown"

    def record() -> browse.ReportView | None:
        with site.database().session() as session:
            if not set_verdict(session, match_id, said, who, utcnow()):
                return None
        with site.database().session() as session:
            found = browse.match_entity(session, match_id)
            return browse.reports(session, [found[1]])[0] if found else None

    report = await run_in_threadpool(record)
    if report is None:
        raise HTTPException(404, "No such match.")
    if request.headers.get("hx-request"):
        evidence = next(evidence for evidence in report.evidence if evidence.match_id == match_id)
        return render(request, "evidence.j2", evidence=evidence, back=_local(form.get("back")))
    return RedirectResponse(_local(form.get("back")), status_code=303)


async def accept(request: Request) -> Response:
    form = await checked_form(request)
    site = _site(request)
    name = request.path_params["name"]
    kind, phrase = form.get("kind", ""), " ".join(form.get("phrase", "").split())
    if kind not in ("exclude", "require_any") or not phrase or len(phrase) > 200:
        raise HTTPException(400, "A proposal is an exclude or require_any phrase.")
    if site.config_path is None:
        raise HTTPException(409, "This page cannot edit config.yaml (no config file given).")
    try:
        await run_in_threadpool(add_entity_phrase, site.config_path, name, kind, phrase)
    except ConfigError as exc:
        raise HTTPException(409, f"config.yaml was not changed: {exc}") from None
    # The daemon notices the edit within seconds and reloads (matching new items with the phrase).
    return RedirectResponse(f"/entities/{quote(name, safe='')}?accepted={quote(kind)}", status_code=303)


async def login_form(request: Request) -> Response:
    if _site(request).policy.kind != "password":
        return RedirectResponse("/", status_code=303)
    return render(request, "login.j2", next=_local(request.query_params.get("next")), error=None)


async def login(request: Request) -> Response:
    site = _site(request)
    if site.policy.kind != "password":
        return RedirectResponse("/", status_code=303)
    form = await checked_form(request)
    client = request.client.host if request.client else "?"
    wait = site.throttle.wait(client)
    target = _local(form.get("next"))
    if wait:
        error = f"Too many failed logins: try again in {max(1, round(wait / 60))} min."
        response = render(request, "login.j2", status=429, next=target, error=error)
        response.headers["Retry-After"] = str(int(wait) + 1)
        return response
    password = form.get("password", "")
    ok = await run_in_threadpool(verify_password, password, site.policy.password_hash or "")
    if not ok:
        site.throttle.failed(client)
        return render(request, "login.j2", status=401, next=target, error="Wrong password.")
    site.throttle.succeeded(client)
    request.session.clear()  # a new session: nothing chosen before the login carries over
    request.session["user"] = " ".join(form.get("name", "").split())[:100] or "analyst"
    csrf_token(request)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.session.clear()
    return RedirectResponse("/login" if _site(request).policy.kind == "password" else "/", status_code=303)


def _link_match(request: Request) -> int:
    site = _site(request)
    match_id = read_not_relevant_token(site.secret, request.path_params["token"], site.config().web.link_days)
    if match_id is None:
        raise HTTPException(400, "This link is not valid or has expired: open the match from the web page instead.")
    return match_id


async def confirm_form(request: Request) -> Response:
    match_id = _link_match(request)
    site = _site(request)

    def read() -> tuple[browse.ReportView, browse.Evidence] | None:
        with site.database().session() as session:
            found = browse.match_entity(session, match_id)
            if found is None:
                return None
            report = browse.reports(session, [found[1]])[0]
            return report, next(evidence for evidence in report.evidence if evidence.match_id == match_id)

    found = await run_in_threadpool(read)
    if found is None:
        raise HTTPException(404, "The match of this link no longer exists.")
    return render(request, "confirm.j2", report=found[0], evidence=found[1], token=request.path_params["token"])


async def confirm(request: Request) -> Response:
    match_id = _link_match(request)
    await checked_form(request)
    site = _site(request)
    who = user_of(request) or "digest link"

    def record() -> tuple[str, int] | None:
        with site.database().session() as session:
            set_verdict(session, match_id, NOT_RELEVANT, who, utcnow())
            return browse.match_entity(session, match_id)

    found = await run_in_threadpool(record)
    if found is None:
        raise HTTPException(404, "The match of this link no longer exists.")
    return render(
        request,
        "message.j2",
        title="Marked not relevant",
        message=f"This {found[0]} match will stay out of the digest. Thank you.",
    )


routes = [
    Route("/matches/{match_id:int}/verdict", verdict, methods=["POST"]),
    Route("/entities/{name:path}/accept", accept, methods=["POST"]),
    Route("/login", login_form, methods=["GET", "HEAD"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/confirm/{token}", confirm_form, methods=["GET", "HEAD"]),
    Route("/confirm/{token}", confirm, methods=["POST"]),
]
