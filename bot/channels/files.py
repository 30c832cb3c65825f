"""Downloading a picture a citizen sent (issue 20: screenshots to check), bounded in size and time.

Blocking (httpx, sync): called from the inbox worker's thread. The bytes stay in memory for the OCR only."""

from __future__ import annotations

from typing import Any

import httpx


class DownloadError(Exception):
    """The file could not be fetched; `reason` is too_large | failed."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def download(url: str, *, max_bytes: int, timeout_s: float = 20.0, client: Any = None) -> bytes:
    """The body of GET `url`, at most `max_bytes` (DownloadError("too_large") beyond, read no further)."""
    if not url.startswith(("https://", "http://")):
        raise DownloadError("failed", "not an http(s) URL")
    try:
        with (client or httpx).stream("GET", url, timeout=timeout_s, follow_redirects=True) as r:
            if r.status_code != 200:
                raise DownloadError("failed", f"HTTP {r.status_code}")
            size = r.headers.get("content-length", "")
            if size.isdigit() and int(size) > max_bytes:
                raise DownloadError("too_large")
            buf = bytearray()
            for chunk in r.iter_bytes():
                buf += chunk
                if len(buf) > max_bytes:
                    raise DownloadError("too_large")
            return bytes(buf)
    except httpx.HTTPError as exc:
        raise DownloadError("failed", exc.__class__.__name__) from None
