"""Handing a rendered digest to the world: an SMTP server, or the outbox directory when none is set.

Both take the exact bytes stored with the digest, so a retry sends the identical message.
SMTP errors are sorted into temporary (4xx, connection trouble: retry later) and permanent (5xx,
refused credentials: retrying the same message will not help).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from watcher.errors import PermanentDeliveryError, TemporaryDeliveryError

if TYPE_CHECKING:  # smtplib, ssl and the email package (~0.05 CPU-s) imported when a message is sent, not at
    # every start (a mailer is made whenever a watcher is opened, `watcher poll` too)
    import smtplib
    from email.message import EmailMessage

    from watcher.config.shared import Secret


class Mailer(Protocol):
    """Delivers one message; returns where it went. Raises a DeliveryError subclass."""

    description: str

    def send(self, message: bytes) -> str: ...


@dataclass
class SmtpMailer:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    username: str | None = None
    password: Secret | None = None
    timeout: float = 30.0

    @property
    def description(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def send(self, message: bytes) -> str:
        import smtplib
        from email.utils import getaddresses, parseaddr

        parsed = _parse(message, headers_only=True)
        sender = parseaddr(str(parsed["From"]))[1]
        recipients = [address for _, address in getaddresses([str(v) for v in parsed.get_all("To", [])]) if address]
        if not recipients:
            raise PermanentDeliveryError("the digest has no recipients: set digest.recipients in config.yaml")
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password.get_secret_value() if self.password else "")
                refused = client.sendmail(sender, recipients, _crlf(message))
        except smtplib.SMTPAuthenticationError as exc:
            raise PermanentDeliveryError(
                f"{self.description} refused the credentials of {self.username!r} ({exc.smtp_code}); "
                "check smtp.username and the password source"
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _by_code(
                min(codes) if codes else 550, f"every recipient refused: {_describe_refusals(exc.recipients)}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            )
            raise _by_code(exc.smtp_code, f"{self.description} answered {exc.smtp_code} {text}".strip()) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise PermanentDeliveryError(f"{self.description}: {exc} (check smtp.security)") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryDeliveryError(f"{self.description}: {type(exc).__name__}: {exc}") from None
        if refused:
            # Accepted for some recipients: the message is out; the rest is reported, not retried.
            return f"{self.description} (refused for {_describe_refusals(refused)})"
        return self.description

    def _connect(self) -> smtplib.SMTP:
        import smtplib
        import ssl

        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client


def _parse(message: bytes, *, headers_only: bool = False) -> EmailMessage:
    from email import policy
    from email.parser import BytesParser

    return BytesParser(policy=policy.default).parsebytes(message, headersonly=headers_only)  # type: ignore[return-value]


def _crlf(message: bytes) -> bytes:
    # SMTP lines end in CRLF; smtplib converts bare LF only in str messages, and servers cap line length.
    return re.sub(rb"\r?\n", b"\r\n", message)


def _by_code(code: int, message: str) -> TemporaryDeliveryError | PermanentDeliveryError:
    return TemporaryDeliveryError(message) if 400 <= code < 500 else PermanentDeliveryError(message)


def _describe_refusals(refusals: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address} ({code})" for address, (code, _) in refusals.items())


@dataclass
class OutboxMailer:
    """Writes each digest as <name>.eml (the whole message), <name>.html (its HTML part) and, when the
    mail lists only some of its stories, <name>.csv (the attached list of every story)."""

    directory: Path

    @property
    def description(self) -> str:
        return f"outbox {self.directory}"

    def send(self, message: bytes) -> str:
        parsed = _parse(message)
        name = outbox_name(parsed)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_atomic(self.directory / f"{name}.eml", message)
            html = parsed.get_body(preferencelist=("html",))
            if html is not None:
                _write_atomic(self.directory / f"{name}.html", html.get_content().encode("utf-8"))
            for attachment in parsed.iter_attachments():
                if attachment.get_content_type() == "text/csv":
                    _write_atomic(self.directory / f"{name}.csv", attachment.get_content().encode("utf-8"))
        except OSError as exc:
            raise TemporaryDeliveryError(f"cannot write to {self.directory}: {exc.strerror or exc}") from None
        return str(self.directory / f"{name}.eml")


def outbox_name(message: EmailMessage) -> str:
    """digest-<date>-<message-id local part>: sorts by time; the same message always gets the same name."""
    from email.utils import parsedate_to_datetime

    stamp = parsedate_to_datetime(str(message["Date"])).strftime("%Y%m%d-%H%M%S")
    local = str(message["Message-ID"]).strip("<>").split("@")[0]
    safe = "".join(ch if ch.isalnum() or ch in "-._" else "_" for ch in local)[:60]
    return f"digest-{stamp}-{safe}"


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
