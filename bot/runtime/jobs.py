"""Periodic work of a serving process (the ticket sweep, retention, reminders …) and the learning
reminders job."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core.learning.model import Learner
from bot.core.learning.policy import reminder_due
from bot.core.learning.service import LearningService
from bot.runtime.workers import _Loop
from bot.storage.messaging import MessageStore

log = logging.getLogger(__name__)
Job = tuple[str, float, Callable[[], object]]  # (name, every_s, fn): a periodic job


class PeriodicJobs(_Loop):
    """Jobs that run every few seconds or minutes in a worker thread: the ticket sweep (province pool,
    silence, expiry), learning reminders, the retention purge … Register with `add(name, every_s, fn)`.
    Each job is safe to run in several workers at once (they lock or update conditionally)."""

    name = "periodic jobs"

    def __init__(self, *, tick_s: float = 5.0, clock: Callable[[], float] | None = None) -> None:
        super().__init__(idle_s=tick_s)
        self.jobs: list[Job] = []
        self.last_run: dict[str, float] = {}
        self.clock = clock or time.monotonic

    def add(self, name: str, every_s: float, fn: Callable[[], object]) -> None:
        self.jobs.append((name, every_s, fn))

    def run_due(self) -> int:
        ran = 0
        for name, every, fn in self.jobs:
            now = self.clock()
            if now - self.last_run.get(name, -1e18) < every:
                continue
            self.last_run[name] = now
            try:
                result = fn()
                ran += 1
                if result and (not isinstance(result, dict) or any(result.values())):  # only when it did something
                    log.info("job %s: %s", name, result)
            except Exception:
                log.exception("job %s failed", name)
        return ran

    async def run_once(self) -> int:
        await asyncio.to_thread(self.run_due)
        return 0  # always sleep a tick between rounds


class LearningReminders:
    """Learning reminders (issue 6), a periodic job and `binhdan learners remind`: one gentle message to a
    learner who stopped mid-module, on a channel that lets the bot write first (`push_windows`: channel ->
    how long after the learner's last message, None = any time; e.g. Zalo 7 days; the web chat cannot be
    reached), never during quiet hours. The claim in the store makes it at most one per pause, even with
    several workers."""

    def __init__(self, store: LearningStoreLike, messages: MessageStore, service: LearningService, *,
                 push_windows: dict[str, float | None], clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.messages, self.service = store, messages, service
        self.push_windows = push_windows
        self.clock = clock or (lambda: datetime.now(UTC))

    def _target(self, learner_id: int, now: datetime) -> tuple[str, str] | None:
        best: tuple[datetime, str, str] | None = None
        for channel, user_ref in self.store.links(learner_id):
            if channel not in self.push_windows:
                continue
            last = self.store.last_seen(channel, user_ref)
            window = self.push_windows[channel]
            if window and (last is None or (now - last).total_seconds() > window):
                continue
            seen = last or datetime.min.replace(tzinfo=UTC)
            if best is None or seen > best[0]:
                best = (seen, channel, user_ref)
        return (best[1], best[2]) if best else None

    def run_once(self) -> int:
        now = self.clock()
        policy = self.service.policy
        if policy.quiet(now):
            return 0
        sent = 0
        for learner in self.store.reminder_candidates(now - timedelta(days=policy.remind_after_days)):
            target = self._target(learner.id, now) if reminder_due(learner, now, policy) else None
            if target is None or not self.store.mark_reminded(learner.id, now):
                continue
            self.messages.enqueue(target[0], target[1], self.service.reminder(learner))
            sent += 1
        return sent


class LearningStoreLike(Protocol):
    """The parts of bot.storage.learning.SqlLearningStore the reminders use."""

    def reminder_candidates(self, idle_since: datetime, *, limit: int = 500) -> list[Learner]: ...

    def links(self, learner_id: int) -> list[tuple[str, str]]: ...

    def last_seen(self, channel: str, user_ref: str) -> datetime | None: ...

    def mark_reminded(self, learner_id: int, at: datetime) -> bool: ...
