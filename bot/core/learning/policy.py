"""The learning policy (pass mark, review intervals, reminder pause and quiet hours, xAPI ids, public
links) and the reminder rule."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from bot.core.learning.model import Learner


@dataclass(frozen=True)
class LearningPolicy:
    iri_base: str = "https://binhdan.invalid/xapi"  # activity ids and the actor's homePage start here
    public_url: str = ""  # where /certificates and /verify are served ("" = links relative to the web chat)
    pass_ratio: float = 0.8
    review_days: tuple[int, ...] = (1, 3, 7)
    remind_after_days: float = 3.0
    quiet_start: time = time(21, 0)
    quiet_end: time = time(7, 0)
    tz: tzinfo | None = None
    province: str = "Tuyên Quang"

    def quiet(self, now: datetime) -> bool:
        """True during quiet hours (local time): no reminder goes out then."""
        local = now.astimezone(self.tz) if self.tz is not None else now
        s, e, x = self.quiet_start, self.quiet_end, local.time()
        return (s <= x or x < e) if s > e else (s <= x < e)

    def needed(self, n: int) -> int:
        """Right answers needed out of n to pass."""
        return math.ceil(self.pass_ratio * n - 1e-9)

    def iri(self, *parts: str) -> str:
        return "/".join([self.iri_base.rstrip("/"), *parts])

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


def reminder_due(learner: Learner, now: datetime, policy: LearningPolicy) -> bool:
    """One gentle reminder per pause: mid-module, reminders on, idle long enough, not yet reminded since."""
    if not learner.reminders or learner.position is None or learner.last_active_at is None:
        return False
    if now - learner.last_active_at < timedelta(days=policy.remind_after_days):
        return False
    if learner.reminded_at is not None and learner.reminded_at >= learner.last_active_at:
        return False
    return not policy.quiet(now)
