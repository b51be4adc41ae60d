"""Structured application logs (JSON lines) rotating in the user log dir, scrubbed of sensitive values.

Workflows never log secrets on purpose; the redaction filter is the safety net for what slips through (an
exception message quoting an IBAN, a pasted MRZ line): IBAN-like strings, MRZ lines, one-time codes next to the
word "code", and argon2 hashes are replaced before anything reaches a file.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
from datetime import UTC, datetime
from pathlib import Path

SENSITIVE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("iban", re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")),
    ("mrz", re.compile(r"[A-Z0-9<]{10,}<<[A-Z0-9<]{5,}")),
    ("argon2", re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']+")),
    ("code", re.compile(r"(?i)\b(code|otp|mot de passe|password|passwd)\b([^\d\n\"]{0,24}?)\d{4,10}\b")),
)


def redact(text: str) -> str:
    for name, pattern in SENSITIVE_PATTERNS:
        if name == "code":
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}[masqué]", text)
        else:
            text = pattern.sub(f"[{name} masqué]", text)
    return text


def find_sensitive(text: str) -> list[str]:
    """Names of the patterns present in ``text`` (used by the test that scans the suite's logs)."""
    return [name for name, pattern in SENSITIVE_PATTERNS if pattern.search(text)]


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            payload["exception"] = record.exc_text
        elif record.exc_info:
            payload["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False)


def configure(log_dir: Path, *, level: int = logging.INFO, console: bool = True, keep: bool = False) -> Path:
    """Install the rotating JSON log file (5 × 2 MB) and a scrubbed console handler; returns the file path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "backoffice.log"
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_backoffice", False) and not getattr(handler, "_keep", False):
            root.removeHandler(handler)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(JsonFormatter())
    file_handler.addFilter(RedactingFilter())
    file_handler._backoffice = True  # type: ignore[attr-defined]
    file_handler._keep = keep  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        stream.addFilter(RedactingFilter())
        stream._backoffice = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    return path
