"""Log lines journald keeps and people can grep: ``level=info event=feed.ok feed=… new_items=3``.

Library modules only ``logging.getLogger(__name__)`` and log an event name with
``extra={"fields": {...}}``; handlers are installed by the CLI entry point alone.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

# Under systemd (JOURNAL_STREAM is set) a "<N>" prefix gives journald the syslog priority of the line.
_SYSLOG_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


def _quote(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.isoformat(timespec="seconds")
    text = str(value)
    if text == "" or any(ch in text for ch in ' "=\n\r\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


class KeyValueFormatter(logging.Formatter):
    def __init__(self, journald: bool) -> None:
        super().__init__()
        self.journald = journald

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, "fields", {}) or {}
        parts = [] if self.journald else [datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
        parts += [f"level={record.levelname.lower()}", f"event={_quote(record.getMessage())}"]
        parts += [f"{key}={_quote(value)}" for key, value in fields.items() if value is not None]
        if record.exc_info:
            parts.append(f"exception={_quote(self.formatException(record.exc_info))}")
        line = " ".join(parts)
        return f"<{_SYSLOG_PRIORITY.get(record.levelno, 6)}>{line}" if self.journald else line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "logger": record.name,
        }
        data.update({key: value for key, value in (getattr(record, "fields", {}) or {}).items() if value is not None})
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def setup_logging(level: str = "info", log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(KeyValueFormatter(journald=bool(os.environ.get("JOURNAL_STREAM"))))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("watcher").setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # A polling pass longer than the tick skips the next tick: expected (the tick is a floor), not news.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
