"""Volunteer availability, typing indicator debounce and read receipts.

- `available`: gets new tickets; `busy`: still gets them (shown as busy to the team, listed after the
  available ones); `away`: skipped by the router — no new ticket is offered to an away volunteer.
- `TypingDebounce`: a volunteer typing in the console sends "typing" to the citizen at most once per
  `interval_s` per ticket (Telegram shows the indicator for about 5 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field

STATUSES = ("available", "busy", "away")


class PresenceError(ValueError):
    pass


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise PresenceError(f"status must be one of {', '.join(STATUSES)}")
    return status


def routable(status: str) -> bool:
    """The router offers new tickets to available and busy volunteers, never to away ones."""
    return status in ("available", "busy")


def route_order(statuses: dict[int, str]) -> list[int]:
    """Volunteer ids to notify: available first, then busy; away left out."""
    rank = {"available": 0, "busy": 1}
    return sorted((uid for uid, st in statuses.items() if routable(st)), key=lambda uid: (rank[statuses[uid]], uid))


@dataclass
class TypingDebounce:
    interval_s: float = 4.0
    _last: dict[str, float] = field(default_factory=dict)

    def should_send(self, key: str, now_s: float) -> bool:
        last = self._last.get(key)
        if last is not None and now_s - last < self.interval_s:
            return False
        self._last[key] = now_s
        if len(self._last) > 10_000:  # forget old keys: a long-running process
            cutoff = now_s - self.interval_s
            self._last = {k: v for k, v in self._last.items() if v >= cutoff}
        return True
