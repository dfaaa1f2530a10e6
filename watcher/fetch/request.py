"""fetch: one conditional GET within a total deadline, redirects followed (every hop checked) up to a limit; the
errors of either client worded as FetchError."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any
from urllib.parse import urljoin, urlsplit

from watcher.errors import FetchError
from watcher.fetch.addresses import _check_url, ensure_public_host
from watcher.fetch.body import read_limited
from watcher.fetch.client import Client, LeanClient
from watcher.fetch.local import read_local_file
from watcher.fetch.results import FetchLimits, FetchResult, HttpStatusError, parse_retry_after
from watcher.http11.errors import HttpError, TimeoutException

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})


DRAIN_MAX = 64 * 1024  # bytes of a redirect's body read to keep its connection; a longer one closes it


async def fetch(
    client: Client,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: FetchLimits = FetchLimits(),  # noqa: B008 -- frozen: one shared default is safe (ruff sees it in its module)
    accept: str | None = None,
    resolve: bool = False,
) -> FetchResult:
    """Fetch one feed, conditionally. Raises FetchError (HttpStatusError for HTTP statuses).

    The same for an article page (`accept` HTML) and for following a news engine's link to the publisher
    (`resolve`: redirects are followed, every hop checked, while they stay on the link's host; the result's
    url is where they lead off it, not requested, and its body is empty).
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "file":
        return await asyncio.to_thread(read_local_file, url, etag=etag, max_bytes=limits.max_bytes)
    if scheme not in ("http", "https"):
        raise FetchError(f"unsupported URL scheme in {url!r}")
    try:
        async with asyncio.timeout(limits.timeout):
            return await _fetch_http(client, url, etag, last_modified, limits, accept, resolve)
    except TimeoutError:
        raise FetchError(f"no complete response within {limits.timeout:g}s from {url}") from None
    except TimeoutException:
        raise FetchError(f"timed out talking to {url}") from None
    except HttpError as exc:
        raise FetchError(f"{type(exc).__name__} from {url}: {exc}") from None
    except FetchError:
        raise
    except ValueError as exc:  # a malformed URL, e.g. in a Location header; UnicodeError too
        raise FetchError(f"{type(exc).__name__} while fetching {url}: {exc}") from None
    except Exception as exc:
        translated = _httpx_error(exc, url)
        if translated is None:
            raise
        raise translated from None


def _httpx_error(exc: Exception, url: str) -> FetchError | None:
    if "httpx" not in sys.modules:  # only the client behind a proxy is httpx's
        return None
    from watcher.fetch_httpx import translate

    return translate(exc, url)


async def _fetch_http(
    client: Client,
    url: str,
    etag: str | None,
    last_modified: str | None,
    limits: FetchLimits,
    accept: str | None = None,
    resolve: bool = False,
) -> FetchResult:
    conditional = {"Accept": accept} if accept else {}
    first_host = urlsplit(url).hostname if resolve else None
    if etag:
        conditional["If-None-Match"] = etag
    if last_modified:
        conditional["If-Modified-Since"] = last_modified
    hops = 0
    every_hop_permanent = True
    for _hop in range(limits.max_redirects + 1):
        _check_url(url)
        if limits.block_private_addresses and not getattr(client, "checks_addresses", False):
            await ensure_public_host(url)
        response: Any
        if isinstance(client, LeanClient):
            response = await client.lean.send(url, {**client.headers, **conditional}.items())
        else:
            request = client.build_request("GET", url, headers=conditional)
            response = await client.send(request, stream=True)
        try:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                target = urljoin(url, response.headers["location"].strip())
                if urlsplit(target).scheme.lower() not in ("http", "https"):
                    raise FetchError(f"redirect from {url} to a non-http URL {target!r}")
                every_hop_permanent &= response.status_code in PERMANENT_REDIRECTS
                await _drain(response)
                hops += 1
                url = target
                if resolve and urlsplit(target).hostname != first_host:
                    return FetchResult(url=target, status=response.status_code)
                continue
            if response.status_code == 304:
                await _drain(response)
                return _result(response, url, b"", hops > 0 and every_hop_permanent)
            if response.status_code >= 400 or response.status_code < 200:
                raise HttpStatusError(response.status_code, url, parse_retry_after(response.headers))
            body = await read_limited(response, limits.max_bytes) if not resolve else b""
            return _result(response, url, body, hops > 0 and every_hop_permanent)
        finally:
            await response.aclose()
    raise FetchError(f"more than {limits.max_redirects} redirects, last to {url}")


async def _drain(response: Any) -> None:
    """Read a bodiless answer (304) or a short one (a redirect) to its end, so its connection is kept for the next
    request: a response closed before its end closes the connection, and every 304 of a pass opened a new one."""
    declared = response.headers.get("content-length", "")
    short = declared.isascii() and declared.isdigit() and int(declared) <= DRAIN_MAX
    if response.status_code == 304 or short:  # a 304 has no body, whatever its Content-Length says
        with contextlib.suppress(Exception):  # else it closes with its connection, as before
            await read_limited(response, DRAIN_MAX)


def _result(response: Any, url: str, body: bytes, moved_permanently: bool) -> FetchResult:
    headers = response.headers
    return FetchResult(
        url=url,
        status=response.status_code,
        body=body,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        content_type=headers.get("content-type"),
        cache_control=headers.get("cache-control"),
        permanent_redirect=url if moved_permanently else None,
        headers={key: headers[key] for key in ("content-type", "content-location") if key in headers},
    )
