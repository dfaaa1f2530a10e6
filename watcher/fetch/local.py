"""file:// feeds and local paths, read from disk: an ETag of the file's mtime and size answers like a 304."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from watcher.errors import FetchError
from watcher.fetch.results import FetchResult


def read_local_file(url: str, *, etag: str | None, max_bytes: int) -> FetchResult:
    """A file:// feed. Its ETag is its mtime and size, so an unchanged file answers like a 304."""
    path = Path(unquote(urlsplit(url).path))
    try:
        stat = path.stat()
        version = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if etag == version:
            return FetchResult(url=url, status=304, etag=version)
        if stat.st_size > max_bytes:
            raise FetchError(f"{path} is {stat.st_size} bytes, over the {max_bytes} byte limit")
        with path.open("rb") as handle:
            body = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise FetchError(f"no such file: {path}") from None
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(body) > max_bytes:
        raise FetchError(f"{path} exceeds the {max_bytes} byte limit")
    import email.utils  # here, as in results.py: only a local feed needs it

    modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
    return FetchResult(
        url=url,
        status=200,
        body=body,
        etag=version,
        last_modified=modified,
        content_type="application/xml",
        headers={"content-location": path.as_uri()},
    )
