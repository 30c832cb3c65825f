"""What every reader shares: decoding a text file within the limits, ids and slugs, web addresses, the
lead paragraph."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from ingest.documents import SourceError
from ingest.limits import check_text

_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,190}$")


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise SourceError(str(path), "binary data, not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(str(path), f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", line) from exc
    check_text(path, text)
    return unicodedata.normalize("NFC", text)


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list | tuple):
        return [str(x).strip() for x in v if str(x).strip()]
    return [str(v).strip()] if str(v).strip() else []


def _web_url(path: Path, value: str, field: str, line: int | None = None) -> str:
    """`value` when it is empty or an http(s) URL with a host; anything else (`javascript:`, `data:`,
    `file:`, a bare word) is refused, because the chat shows it as a link a citizen taps (issue 25)."""
    from urllib.parse import urlsplit

    v = value.strip()
    if not v:
        return v
    parts = urlsplit(v)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in v):
        raise SourceError(str(path), f"{field} {v[:80]!r} is not a web address: only http:// or https:// links "
                                     "are allowed", line)
    return v


def lead_paragraph(body: str) -> str:
    for para in re.split(r"\n\s*\n", body.strip()):
        p = para.strip()
        if p and not p.startswith("#"):
            return p
    return ""


def _slug(path: Path) -> str:
    s = unicodedata.normalize("NFD", path.stem.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "document"
