"""The analyst's web page, /metrics and /healthz as one Starlette app (served by watcher/web/server.py).

Pages are rendered on the server with Jinja (autoescaped: feed text never becomes markup) and work without
JavaScript; htmx (vendored in static/, no CDN) makes the feedback buttons answer in place. Every change is a
POST carrying the session's CSRF token; who may do anything is decided by auth.access_policy.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from watcher import metrics
from watcher.config import Config
from watcher.store import Database
from watcher.web.auth import AccessPolicy, LoginThrottle

SESSION_COOKIE = "watcher_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# Sent with every page: scripts, styles and forms from this origin only, never framed, and no Referer
# leaving it (a one-click link's token is in the URL).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
PUBLIC_PREFIXES = ("/static/", "/confirm/")  # a one-click link's page: its token is its permission
PUBLIC_PATHS = {"/healthz", "/login"}


@dataclass
class Site:
    """What the pages need from the running daemon (or a test): read at each request, so a reload shows."""

    config: Callable[[], Config]
    database: Callable[[], Database]
    healthy: Callable[[], bool]
    config_path: Path | None
    policy: AccessPolicy
    secret: bytes
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    templates: jinja2.Environment = field(default_factory=lambda: _environment())


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("watcher.templates").joinpath("web"))),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["urlpart"] = lambda value: quote(str(value), safe="")
    environment.filters["http_url"] = http_url
    return environment


def http_url(value: str | None) -> str | None:
    """A feed's link, if it is http(s): a javascript: or data: link from a hostile feed is never made a link."""
    return value if value and urlsplit(value.strip()).scheme.lower() in ("http", "https") else None


def user_of(request: Request) -> str | None:
    """Who is asking, or None if nobody has logged in (the policy decides what counts)."""
    policy: AccessPolicy = request.app.state.site.policy
    if policy.kind == "open":
        return "local"
    if policy.kind == "proxy":
        value = request.headers.get(policy.proxy_header or "", "").strip()
        return value[:200] or None
    user = request.session.get("user")
    return user if isinstance(user, str) and user else None


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def checked_form(request: Request) -> dict[str, str]:
    """The POSTed form, after checking its CSRF token against the session's (HTTP 403 otherwise)."""
    form = await request.form()
    sent = str(form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or "")
    expected = request.session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not sent or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "The form's security token is missing or out of date: reload the page and try again.")
    return {key: str(value) for key, value in form.items() if isinstance(value, str)}


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    site: Site = request.app.state.site
    config = site.config()
    page = site.templates.get_template(template).render(
        request=request,
        user=user_of(request),
        policy=site.policy.kind,
        csrf=csrf_token(request),
        zone=config.digest.zone,
        timezone=config.digest.timezone,
        when=lambda moment: _when(moment, config),
        **context,
    )
    return HTMLResponse(page, status_code=status)


def _when(moment: datetime | None, config: Config) -> str:
    return moment.astimezone(config.digest.zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    site: Site = request.app.state.site
    path = request.url.path
    public = path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
    public = public or (path == "/metrics" and site.policy.kind == "open")
    if request.method not in ("GET", "HEAD"):
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            return PlainTextResponse("Refused: a change sent from another site.", status_code=403)
    if not public and user_of(request) is None:
        if request.method in ("GET", "HEAD") and site.policy.kind == "password":
            target = path + (f"?{request.url.query}" if request.url.query else "")
            response: Response = RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
        else:
            response = PlainTextResponse("Log in first.", status_code=401)
    else:
        response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if path not in PUBLIC_PATHS or path == "/login":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def healthz(request: Request) -> Response:
    healthy = request.app.state.site.healthy()
    return PlainTextResponse("ok\n" if healthy else "stalled\n", status_code=200 if healthy else 503)


async def metrics_page(request: Request) -> Response:
    return Response(generate_latest(metrics.REGISTRY), media_type=CONTENT_TYPE_LATEST)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path in ("/metrics", "/healthz"):
        return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code)
    return render(request, "message.j2", status=exc.status_code, title="Sorry", message=str(exc.detail))


def create_app(site: Site) -> Starlette:
    from watcher.web import actions, pages

    routes = [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics_page, methods=["GET", "HEAD"]),
        *pages.routes,
        *actions.routes,
        Mount("/static", app=StaticFiles(directory=str(resources.files("watcher.web") / "static")), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=site.secret.decode(),
            session_cookie=SESSION_COOKIE,
            max_age=site.config().web.session_hours * 3600,
            same_site="lax",
            https_only=site.policy.secure_cookies,
        ),
        Middleware(BaseHTTPMiddleware, dispatch=_guard),
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={HTTPException: _http_error})
    app.state.site = site
    return app
