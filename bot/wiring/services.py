"""The type of what the composition root (bot/bootstrap.py) builds: `Services`, frozen, built once per
process. Fields are the core's services or the concrete adapters; optional parts are None when off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.throttle import ThrottledSender
from bot.config import Settings
from bot.core.admin.faq import FaqPublisher
from bot.core.admin.settings import BotSettingsService
from bot.core.answering.service import AnswerService
from bot.core.communes import CommuneDirectory
from bot.core.conversation.engine import ConversationService
from bot.core.handoff.proposals import Proposal
from bot.core.scamcheck import ScamChecker
from bot.infra.ratelimit import RateLimiter
from bot.retrieval.embedders import Embedder
from bot.retrieval.live import LiveRetriever
from bot.runtime.jobs import Job
from bot.runtime.processor import MessageProcessor
from bot.runtime.workers import Wakeup
from bot.storage.accounts import Accounts, User
from bot.storage.admin import AdminStore, BotSettingsStore
from bot.storage.audit import AuditLog
from bot.storage.chat_history import SqlChatHistory
from bot.storage.chat_sessions import SqlChatSessions
from bot.storage.dashboard import Dashboard
from bot.storage.learning import SqlLearningStore
from bot.storage.messaging import MessageStore
from bot.storage.outreach import SqlOutreach
from bot.storage.personal_data import SqlPersonalData
from bot.storage.scamreports import SqlScamCheckLog, SqlScamReports
from bot.storage.tickets import SqlTicketDesk
from bot.wiring.helpdesk import Helpdesk
from bot.wiring.scam import ReportedLists

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramSender
    from bot.channels.zalo import ZaloSender
    from bot.core.admin.manager import KnowledgeManager
    from bot.infra.ocr import TesseractOcr
    from bot.voice.service import VoiceRuntime
    from ingest.jobs import Reindexer


@dataclass(frozen=True)
class Services:
    """Everything `binhdan serve` (and the console) runs on, built once per process by `build_services`."""

    settings: Settings
    sessions: sessionmaker[Session]
    embedder: Embedder
    live: LiveRetriever  # follows the live index build; `reload_index()` switches to a new one
    answers: AnswerService
    conversation: ConversationService
    processor: MessageProcessor  # the one entry of citizen messages (redacted there, once)
    store: MessageStore
    senders: tuple[ThrottledSender, ...]
    telegram: TelegramSender | None
    zalo: ZaloSender | None
    accounts: Accounts
    desk: SqlTicketDesk
    communes: CommuneDirectory
    personal_data: SqlPersonalData  # export, erasure, retention
    limiter: RateLimiter  # per citizen, per IP
    chat_sessions: SqlChatSessions  # web-chat sessions the server issued
    chat_history: SqlChatHistory  # the conversation shown after a reload
    learning: SqlLearningStore  # certificates, learners
    helpdesk: Helpdesk  # queue, hours, CSAT, snippets, files (issue 22)
    admin: AdminStore  # the console (issue 7): unanswered triage, KB jobs, catalogue views
    audit: AuditLog
    bot_settings: BotSettingsStore  # hours, SLA, greeting overrides …
    bot_settings_service: BotSettingsService  # … applied to this process
    dashboard: Dashboard
    kb: KnowledgeManager  # uploads, drafts, publish
    reindexer: Reindexer  # background ingest + index switch, polled progress
    faq: FaqPublisher[Proposal, User]  # a volunteer's answer approved as a guide
    scam_checker: ScamChecker  # issue 20
    scam_reports: SqlScamReports  # reported domains / numbers
    scam_reported: ReportedLists  # reloads the checker's reported items when the table changes
    scam_check_log: SqlScamCheckLog | None  # anonymous statistics; None when scamcheck.statistics is off
    ocr: TesseractOcr | None  # screenshots; None when scamcheck.ocr is off
    voice: VoiceRuntime | None  # issue 23, when voice.enabled and installed
    outreach: SqlOutreach | None  # issue 21: announcements, classes
    jobs: tuple[Job, ...]  # periodic work (bot.runtime.jobs.PeriodicJobs)
    outbox_wake: Wakeup  # this process's outbox worker, attached by bot.runtime.background.Background

    @property
    def index_info(self) -> dict[str, object]:
        return self.live.manifest

    def reload_index(self, *, force: bool = False) -> bool:
        """Switch this process to the live index build if it changed (blocking: seconds for a large
        index). True when it switched. Other processes notice within `index.reload_check_s` seconds."""
        return self.live.reload(force=force)
