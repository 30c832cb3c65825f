"""A lock held by one process among all that share the database: leader election for jobs that must run
exactly once (Telegram long polling: getUpdates from two processes would both fetch the same updates).

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a dedicated connection. The server
releases it when the holder's connection ends — a process killed with SIGKILL included — and another
process takes over at its next attempt. SQLite (one machine by nature): an exclusive `flock` on a file
next to the database, released by the kernel when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, text

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for `pg_try_advisory_lock`."""
    return int.from_bytes(hashlib.sha256(f"binhdan:{name}".encode()).digest()[:8], "big", signed=True)


class LeaderLock:
    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._conn: Connection | None = None
        self._file: IO[Any] | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._file is not None

    def try_acquire(self) -> bool:
        """Take the lock if no other process holds it. Never blocks."""
        if self.held:
            return self.still_held()
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            try:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self.name)}).scalar())
            except Exception:
                conn.close()
                raise
            if got:
                self._conn = conn
            else:
                conn.close()
            return got
        path = self._lock_path()
        fh = path.open("a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._file = fh
        return True

    def still_held(self) -> bool:
        """False when the holding connection was lost (the lock went with it); the lock is then released."""
        if self._file is not None:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.warning("lost the %s lock with its database connection: %s", self.name, exc)
            self.release()
            return False

    def release(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # when the connection is gone, so is the lock
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(self.name)})
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        if self._file is not None:
            try:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            finally:
                self._file.close()
                self._file = None

    def _lock_path(self) -> Path:
        db = self.engine.url.database or ""
        base = Path(db) if db and db != ":memory:" else Path(os.environ.get("TMPDIR", "/tmp")) / "binhdan"
        base.parent.mkdir(parents=True, exist_ok=True)
        return base.with_name(f"{base.name}.{self.name}.lock")
