"""Outreach wiring (issue 21; docs/OUTREACH.md): announcements and classes over the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.communes import CommuneDirectory
from bot.core.outreach.chat import OutreachChat
from bot.core.outreach.model import parse_quiet
from bot.storage.learning import SqlLearningStore
from bot.storage.outreach import SqlOutreach
from bot.wiring.channels import push_windows
from bot.wiring.learning import build_learning
from bot.wiring.storage import build_communes, build_sessions


def build_outreach(settings: Settings, sessions: sessionmaker[Session] | None = None, *,
                   learning: SqlLearningStore | None = None, clock: Callable[[], datetime] | None = None) -> SqlOutreach:
    """Announcements and classes over the outbox: bot.storage.outreach.SqlOutreach."""
    sessions = sessions or build_sessions(settings)
    if learning is None:
        learning = build_learning(settings, sessions, build_communes(settings))[1]
    o = settings.outreach
    windows = push_windows(settings)
    rates = {"telegram": o.telegram_per_s, "zalo": o.zalo_per_s}
    return SqlOutreach(sessions, tz=ZoneInfo(o.timezone), rates={k: v for k, v in rates.items() if k in windows},
                       windows=windows, per_chat_s=o.per_chat_s, horizon_s=o.horizon_s, learning=learning, clock=clock,
                       quiet=parse_quiet(o.quiet_hours))


def outreach_chat(settings: Settings, store: SqlOutreach | None, communes: CommuneDirectory) -> OutreachChat | None:
    return OutreachChat(store, communes=communes, tz=ZoneInfo(settings.outreach.timezone)) if store is not None else None
