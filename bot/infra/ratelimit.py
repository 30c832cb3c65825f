"""Abuse limits: per-citizen and per-IP request rates, with the `limits` library (moving window).

Storage `memory://` keeps the counters in this process; `redis://host:port` shares them between worker
processes. When Redis cannot be reached the limiter lets requests through (and logs it): an outage of
the counter store must not silence the bot.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after_s: float = 0.0


class RateLimiter:
    def __init__(self, storage_uri: str = "memory://") -> None:
        self.storage_uri = storage_uri
        options: dict[str, float | str | bool] = {}
        if storage_uri.startswith("redis"):
            options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        self._storage = storage_from_string(storage_uri, **options)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._items: dict[int, RateLimitItem] = {}
        self._warned_at = 0.0

    @property
    def shared(self) -> bool:
        """True when the counters live outside this process (Redis)."""
        return not self.storage_uri.startswith("memory://")

    def _item(self, per_minute: int) -> RateLimitItem:
        item = self._items.get(per_minute)
        if item is None:
            item = self._items[per_minute] = RateLimitItemPerMinute(per_minute, namespace="binhdan")
        return item

    def hit(self, key: str, per_minute: int) -> Decision:
        """Count one event for `key`; refused when more than `per_minute` happened in the last minute.
        `per_minute` 0 means no limit."""
        if per_minute <= 0:
            return Decision(True)
        item = self._item(per_minute)
        try:
            if self._limiter.hit(item, key):
                return Decision(True)
            reset = self._limiter.get_window_stats(item, key).reset_time
        except Exception as exc:  # the counter store is down: fail open, but say so (once a minute)
            if time.monotonic() - self._warned_at > 60:
                self._warned_at = time.monotonic()
                log.warning("rate limiter storage unavailable (%s): limits are not enforced", exc.__class__.__name__)
            return Decision(True)
        return Decision(False, max(1.0, round(reset - time.time(), 1)))

    def healthy(self) -> bool:
        """True when the counter storage answers (Redis reachable)."""
        try:
            return bool(self._storage.check())
        except Exception:
            return False

    def reset(self) -> None:
        """Forget every counter (tests, benchmarks)."""
        try:
            self._storage.reset()
        except Exception:
            log.warning("rate limiter storage could not be reset")


class LoginThrottle:
    """Failed log-ins per (username, client address), with exponential back-off (issue 25).

    The first `free_failures` wrong passwords cost nothing; each further one locks that pair out for
    `base_s * 2**k` seconds (k = 0, 1, 2 …, at most `max_s`). The key includes the address, so someone
    typing wrong passwords for a volunteer's name elsewhere never locks the volunteer out; a correct
    log-in clears the pair's count. Counters live in the `limits` storage (memory or Redis, shared by
    workers); when the storage is down the throttle fails open, like `RateLimiter`.
    """

    def __init__(self, storage_uri: str = "memory://", *, free_failures: int = 5, base_s: float = 30.0,
                 max_s: float = 3600.0, window_s: float = 86_400.0) -> None:
        options: dict[str, float | str | bool] = {}
        if storage_uri.startswith("redis"):
            options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        self._storage: Any = storage_from_string(storage_uri, **options)
        self.free, self.base_s, self.max_s, self.window_s = free_failures, base_s, max_s, window_s

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        who = f"{username.strip().lower()[:64]}|{address[:64]}"
        return f"binhdan/login-fail/{who}", f"binhdan/login-lock/{who}"

    def wait_s(self, username: str, address: str) -> float:
        """Seconds this pair must still wait before its next attempt is even checked (0: go ahead)."""
        _, lock = self._keys(username, address)
        try:
            if self._storage.get(lock) <= 0:
                return 0.0
            return max(0.0, float(self._storage.get_expiry(lock)) - time.time())
        except Exception:
            return 0.0

    def failed(self, username: str, address: str) -> tuple[int, float]:
        """Count a wrong password; returns (failures so far, seconds of the lock it starts, 0 for none)."""
        fail, lock = self._keys(username, address)
        try:
            n = int(self._storage.incr(fail, int(self.window_s)))
            if n < self.free:
                return n, 0.0
            lock_s = min(self.max_s, self.base_s * 2 ** (n - self.free))
            self._storage.clear(lock)
            self._storage.incr(lock, max(1, round(lock_s)))
            return n, float(max(1, round(lock_s)))
        except Exception:
            return 0, 0.0

    def succeeded(self, username: str, address: str) -> None:
        for key in self._keys(username, address):
            with contextlib.suppress(Exception):
                self._storage.clear(key)
