"""The citizen-facing settings the admin console may override (hours, SLA times, greetings): the
effective values (config + overrides) and applying them to the running desk and conversation, no restart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import timedelta, tzinfo
from typing import Protocol, cast

from bot.core.botsettings import KEYS
from bot.core.handoff import ServiceHours


class DeskTimes(Protocol):
    """The desk's tunable times (bot.storage.tickets.SqlTicketDesk)."""

    hours: ServiceHours
    pool_after: timedelta
    urgent_pool_after: timedelta
    silence_remind: timedelta
    silence_close: timedelta
    expire_after: timedelta


class Greeted(Protocol):
    """The conversation's greeting overrides (bot.core.conversation.ConversationService)."""

    greetings: dict[str, str]


class BotSettingsService:
    """`defaults()`: the values as configured (config.yaml, env) — `make_defaults` builds them;
    `apply(overrides)`: make the desk and conversation use config + overrides; the effective values."""

    def __init__(self, make_defaults: Callable[[], dict[str, object]], *, desk: DeskTimes, conversation: Greeted,
                 tz: tzinfo) -> None:
        self.make_defaults, self.desk, self.conversation, self.tz = make_defaults, desk, conversation, tz

    def defaults(self) -> dict[str, object]:
        return self.make_defaults()

    def apply(self, overrides: Mapping[str, object]) -> dict[str, object]:
        mine = {k: v for k, v in overrides.items() if k in KEYS and v is not None}
        eff: dict[str, object] = {**self.defaults(), **mine}
        desk = self.desk
        desk.hours = ServiceHours.parse(str(eff["hours"]), tuple(cast("Iterable[int]", eff["days"])), self.tz)
        desk.pool_after = timedelta(minutes=_num(eff["pool_after_min"]))
        desk.urgent_pool_after = timedelta(minutes=_num(eff["urgent_pool_after_min"]))
        desk.silence_remind = timedelta(minutes=_num(eff["silence_remind_min"]))
        desk.silence_close = timedelta(minutes=_num(eff["silence_close_min"]))
        desk.expire_after = timedelta(hours=_num(eff["expire_after_hours"]))
        self.conversation.greetings = {k[-2:]: str(v) for k, v in mine.items() if k.startswith("greeting_")}
        return eff


def _num(value: object) -> float:
    return float(cast("float | str", value))
