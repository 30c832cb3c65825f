"""Short-lived audio files on disk, shared by every process of a deployment: answers read aloud (served at
/voice/clips/<token>.ogg for the web chat and as a link on Zalo) and, only when `voice.retention_s` > 0,
citizens' voice notes kept for a volunteer. A token is 128 random bits; files older than `ttl_s` are
deleted by `purge` (a periodic job) and never served."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from pathlib import Path

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class ClipStore:
    def __init__(self, directory: str | Path, *, ttl_s: float = 900.0, suffix: str = ".ogg") -> None:
        self.dir = Path(directory)
        self.ttl_s = ttl_s
        self.suffix = suffix

    def put(self, data: bytes) -> str:
        """Store `data`; returns its token."""
        self.dir.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(16)
        tmp = self.dir / f".{token}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.dir / f"{token}{self.suffix}")
        return token

    def path(self, token: str) -> Path | None:
        """The file of a live token, else None (unknown, malformed or expired)."""
        if not _TOKEN.fullmatch(token):
            return None
        p = self.dir / f"{token}{self.suffix}"
        try:
            age = time.time() - p.stat().st_mtime
        except OSError:
            return None
        return p if age <= self.ttl_s else None

    def get(self, token: str) -> bytes | None:
        p = self.path(token)
        if p is None:
            return None
        try:
            return p.read_bytes()
        except OSError:
            return None

    def take(self, token: str) -> tuple[bytes, float] | None:
        """The bytes of a live token and when they were stored (epoch seconds), deleting the file: a voice
        note moved onto a ticket is kept there, once."""
        p = self.path(token)
        if p is None:
            return None
        try:
            at, data = p.stat().st_mtime, p.read_bytes()
            p.unlink()
        except OSError:
            return None
        return data, at

    def purge(self) -> int:
        """Delete expired files; returns how many."""
        if not self.dir.is_dir():
            return 0
        n, now = 0, time.time()
        for p in self.dir.iterdir():
            with contextlib.suppress(OSError):
                if now - p.stat().st_mtime > self.ttl_s:
                    p.unlink()
                    n += 1
        return n
