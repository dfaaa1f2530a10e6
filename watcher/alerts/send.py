"""Handing an alert to the notification services of its rule through Apprise (pinned in pyproject)."""

from __future__ import annotations

import logging
from urllib.parse import quote

import apprise

log = logging.getLogger(__name__)

# Apprise's generic webhooks take extra request headers as "+Name=value" URL arguments.
_HEADER_SCHEMES = ("json://", "jsons://", "form://", "forms://", "xml://", "xmls://")


def with_key(url: str, key: str) -> str:
    """The URL to notify, carrying the alert's key as an Idempotency-Key header where the service allows it."""
    if not url.lower().startswith(_HEADER_SCHEMES):
        return url
    return f"{url}{'&' if '?' in url else '?'}{quote('+Idempotency-Key')}={quote(key, safe='')}"


def deliver(urls: list[str], title: str, body: str, key: str) -> str | None:
    """Send to every URL; → None when all took it, else what went wrong (to retry later)."""
    failed = []
    for url in urls:
        notifier = apprise.Apprise()
        if not notifier.add(with_key(url, key)):
            failed.append(f"{_scheme(url)}: not a URL Apprise knows")
            continue
        if not notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT):
            failed.append(f"{_scheme(url)}: refused or unreachable")
    return "; ".join(failed) or None


def _scheme(url: str) -> str:
    return url.split("://", 1)[0] + "://…"  # URLs carry tokens: never logged whole
