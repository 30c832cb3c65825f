"""Logging for every binhdan process: plain text for people, or one JSON object per line
(`app.log_format: json`, python-json-logger) for log shippers. Messages never carry raw personal data:
texts are redacted before they are stored or logged (bot/core/privacy/redaction.py)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

from bot.core.privacy.redaction import RedactingFilter

NOISY = ("faiss", "faiss.loader", "bm25s", "sentence_transformers", "httpx", "httpcore", "telegram")


def setup_logging(level: str = "INFO", fmt: str = "text", *, secrets: Iterable[str] = ()) -> None:
    """Configure the root logger (idempotent); uvicorn's loggers propagate to it. Every record passes a
    `RedactingFilter` on the handler: personal data in messages, arguments and tracebacks is replaced
    by placeholders, and the configured `secrets` (bot token, webhook secrets) by [SECRET]."""
    handler = logging.StreamHandler(sys.stderr)
    # the level on the handler too: a library that sets its own logger to DEBUG when it is imported (bm25s
    # does) after this ran would otherwise print its debug lines to every command's stderr
    handler.setLevel(level)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"},
            static_fields={"service": "binhdan"}, timestamp=False))
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
