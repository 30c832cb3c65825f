"""Admin console wiring (issue 7; docs/ADMIN.md): its stores, the dashboard, the knowledge-base manager,
the re-indexer, the bot settings (`bot.core.admin.settings`) and FAQ publishing (`bot.core.admin.faq`)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.admin.faq import FaqPublisher
from bot.core.admin.settings import BotSettingsService, Greeted
from bot.core.communes import CommuneDirectory
from bot.core.handoff.proposals import Proposal
from bot.core.texts import t
from bot.storage.accounts import User
from bot.storage.admin import AdminStore, BotSettingsStore
from bot.storage.audit import AuditLog
from bot.storage.dashboard import Dashboard
from bot.storage.guides import ManagedGuides
from bot.storage.locks import LeaderLock
from bot.storage.tickets import SqlTicketDesk
from bot.wiring.learning import learning_rows

if TYPE_CHECKING:
    from bot.core.admin.manager import KnowledgeManager
    from ingest.jobs import Reindexer

log = logging.getLogger(__name__)
_publish_lock = threading.Lock()  # one FAQ publish or re-index at a time in this process


def bot_settings_defaults(settings: Settings) -> dict[str, object]:
    """The citizen-facing settings the console may override, as configured (config.yaml, env)."""
    h = settings.handoff
    return {"hours": h.hours.strip(), "days": list(h.days), "pool_after_min": h.pool_after_min,
            "urgent_pool_after_min": h.urgent_pool_after_min, "silence_remind_min": h.silence_remind_min,
            "silence_close_min": h.silence_close_min, "expire_after_hours": h.expire_after_hours,
            "greeting_vi": t("vi", "greeting", province=settings.app.province),
            "greeting_en": t("en", "greeting", province=settings.app.province)}


@contextlib.contextmanager
def kb_exclusive(engine: Engine) -> Iterator[None]:
    """One ingest at a time: in this process (with FAQ publishing) and across processes (a database lock)."""
    with _publish_lock:
        lock = LeaderLock(engine, "kb-ingest")
        deadline = time.monotonic() + 900
        while not lock.try_acquire():
            if time.monotonic() > deadline:
                raise RuntimeError("another re-index is still running")
            time.sleep(0.5)
        try:
            yield
        finally:
            lock.release()


@dataclass(frozen=True)
class AdminConsole:
    admin: AdminStore  # unanswered triage, KB jobs, catalogue views
    audit: AuditLog
    bot_settings: BotSettingsStore  # hours, SLA, greeting overrides
    bot_settings_service: BotSettingsService  # applies them to this process
    dashboard: Dashboard
    kb: KnowledgeManager  # uploads, drafts, publish
    reindexer: Reindexer  # background ingest + index switch, polled progress
    faq: FaqPublisher[Proposal, User]
    jobs: tuple[tuple[str, float, Callable[[], object]], ...]


def build_admin(settings: Settings, sessions: sessionmaker[Session], *, desk: SqlTicketDesk, conversation: Greeted,
                communes: CommuneDirectory, ingest: Callable[..., object],
                reload_index: Callable[[], bool]) -> AdminConsole:
    """`ingest(progress=None)` rebuilds the index (raising on a broken document); `reload_index()` switches
    this process to the new build. Reads the console's overrides once and applies them."""
    from bot.core.admin.manager import KnowledgeManager
    from bot.storage.kbfiles import ManagedFiles
    from ingest.chunking import Chunker
    from ingest.jobs import Reindexer
    from ingest.kbcheck import load_official_domains
    from ingest.preview import PipelineReader

    s, engine = settings, sessions.kw["bind"]
    admin, bot_settings = AdminStore(sessions), BotSettingsStore(sessions)
    i = s.ingest
    reader = PipelineReader(
        official_domains=load_official_domains(s.path(s.knowledge.official_domains)),
        chunker=Chunker(chunk_size=i.chunk_size, overlap=i.chunk_overlap, max_chunks=i.max_chunks_per_document),
        max_words=s.knowledge.max_words, stale_after_days=s.knowledge.stale_after_days,
        broken_links_file=s.path(s.admin.broken_links_file))
    kb = KnowledgeManager(files=ManagedFiles(s.path(s.knowledge.managed_dir)), reader=reader, front=reader,
                          catalogue=admin)
    reindexer = Reindexer(admin, run=lambda progress: ingest(progress=progress), reload=reload_index,
                          exclusive=lambda: kb_exclusive(engine))
    service = BotSettingsService(lambda: bot_settings_defaults(s), desk=desk, conversation=conversation,
                                 tz=ZoneInfo(s.handoff.timezone))

    def publish_reindex() -> None:
        ingest()
        reload_index()

    faq: FaqPublisher[Proposal, User] = FaqPublisher(desk, ManagedGuides(s.path(s.knowledge.managed_dir)),
                                                     reindex=publish_reindex, exclusive=_publish_lock)
    applied: list[dict[str, object]] = []

    def refresh() -> None:
        current = bot_settings.overrides()
        if not applied or applied[-1] != current:
            service.apply(current)
            applied[:] = [current]

    try:
        lock = LeaderLock(engine, "kb-ingest")  # free: no process is indexing now
        if lock.try_acquire():
            try:
                admin.fail_stale_jobs(datetime.now(UTC))  # so 'running' jobs were left by a dead process
            finally:
                lock.release()
        else:
            admin.fail_stale_jobs(datetime.now(UTC) - timedelta(hours=1))
        refresh()
    except Exception as exc:  # the bot still answers with the configured values
        log.error("admin console state not read (bot settings overrides not applied): %s", exc)
    dashboard = Dashboard(sessions, tz=ZoneInfo(s.handoff.timezone), desk=desk,
                          learning=learning_rows(s, sessions, communes), commune_name=communes.name)
    return AdminConsole(admin, AuditLog(sessions), bot_settings, service, dashboard, kb, reindexer, faq,
                        jobs=(("bot-settings", s.admin.settings_reload_s, refresh),))
