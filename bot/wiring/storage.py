"""Storage wiring: the database, accounts, the ticket desk, communes, personal data, web-chat sessions,
the rate limiter."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.communes import CommuneDirectory, load_communes_csv
from bot.core.handoff import ServiceHours
from bot.core.privacy.rights import RightsService
from bot.infra.ratelimit import RateLimiter
from bot.storage.accounts import Accounts
from bot.storage.chat_sessions import SqlChatSessions
from bot.storage.db import make_engine, session_factory, upgrade
from bot.storage.personal_data import SqlPersonalData
from bot.storage.tickets import SqlTicketDesk

log = logging.getLogger(__name__)


def build_engine(settings: Settings, *, migrate: bool | None = None) -> Engine:
    engine = make_engine(settings.database_url, echo=settings.database.echo)
    if settings.database.migrate_on_start if migrate is None else migrate:
        upgrade(engine)
    return engine


def build_sessions(settings: Settings) -> sessionmaker[Session]:
    return session_factory(build_engine(settings))


def build_communes(settings: Settings) -> CommuneDirectory:
    """The province's commune-level units; an empty directory (and a warning) when the file is missing."""
    path = settings.path(settings.knowledge.communes)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("commune list %s unreadable (%s): communes are unknown", path, exc)
        return CommuneDirectory([], province=settings.app.province)
    return load_communes_csv(text, province=settings.app.province, source=str(path))


def build_accounts(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Accounts:
    from argon2 import PasswordHasher

    a = settings.auth
    hasher = PasswordHasher(time_cost=a.password_time_cost, memory_cost=a.password_memory_kib,
                            parallelism=a.password_parallelism)
    return Accounts(sessions or build_sessions(settings), session_hours=a.session_hours, hasher=hasher)


def build_desk(settings: Settings, sessions: sessionmaker[Session] | None = None,
               clock: Callable[[], datetime] | None = None, communes: CommuneDirectory | None = None) -> SqlTicketDesk:
    """The volunteer ticket desk, configured from `handoff` (hours, pool and silence times)."""
    h = settings.handoff
    communes = communes or build_communes(settings)
    return SqlTicketDesk(
        sessions or build_sessions(settings),
        hours=ServiceHours.parse(h.hours, tuple(h.days), ZoneInfo(h.timezone)),
        pool_after_min=h.pool_after_min, urgent_pool_after_min=h.urgent_pool_after_min,
        silence_remind_min=h.silence_remind_min, silence_close_min=h.silence_close_min,
        expire_after_hours=h.expire_after_hours, wait_window_days=h.wait_window_days,
        volunteer_channels=("telegram",) if settings.telegram.token else (),
        commune_name=communes.name, clock=clock)


def build_personal_data(settings: Settings, sessions: sessionmaker[Session] | None = None) -> SqlPersonalData:
    """Export, erasure and retention over every feature's registered handler (bot/storage/personal_data.py)."""
    from bot.storage import learning, tickets  # noqa: F401  (their personal-data handlers register on import)
    from bot.storage.keys import pseudonym_key

    return SqlPersonalData(sessions or build_sessions(settings), pseudonym_key=pseudonym_key(settings),
                           retention_days=settings.privacy.retention_days)


def build_rights(settings: Settings, personal: SqlPersonalData) -> RightsService:
    return RightsService(personal, retention_days=settings.privacy.retention_days,
                         export_links={"web": "/api/chat/export"})  # the session comes from the cookie


def build_chat_sessions(settings: Settings, sessions: sessionmaker[Session] | None = None) -> SqlChatSessions:
    """Web-chat sessions issued by the server (only token hashes stored; idle expiry from config)."""
    return SqlChatSessions(sessions or build_sessions(settings), idle_days=settings.server.chat_session_idle_days)


def build_rate_limiter(settings: Settings) -> RateLimiter:
    return RateLimiter(settings.server.rate_limit_storage)
