"""The composition root: builds, once per process, the frozen `Services` (bot/wiring/services.py) that
`binhdan serve`, the worker and the console run on. Adapter construction lives in bot/wiring/, one module
per area; the builders in `__all__` are the public API the CLI, tests and benchmarks import from here."""

from __future__ import annotations

from bot.config import Settings
from bot.core.conversation.engine import ConversationService
from bot.core.privacy.redaction import AlreadyRedacted
from bot.core.scamcheck.chat import ScamChat
from bot.retrieval.embedders import Embedder
from bot.retrieval.index_store import LoadedIndex
from bot.runtime.jobs import Job
from bot.runtime.processor import MessageProcessor
from bot.runtime.workers import Wakeup
from bot.storage.chat_history import SqlChatHistory
from bot.storage.messaging import MessageStore
from bot.wiring import admin as wa
from bot.wiring import channels as wc
from bot.wiring import scam as ws
from bot.wiring.channels import throttled
from bot.wiring.helpdesk import build_helpdesk
from bot.wiring.learning import Curriculum, build_learning, build_reminders, certificate_png, learning_policy, learning_targets
from bot.wiring.outreach import build_outreach, outreach_chat
from bot.wiring.retrieval import (
    build_answer_service,
    build_embedder,
    build_live_retriever,
    build_retriever,
    calibration,
    index_dir,
    ingest,
    load_live_index,
    load_or_build_index,
    official_domains,
)
from bot.wiring.scam import ReportedLists, build_scam_checker
from bot.wiring.services import Services
from bot.wiring.storage import (
    build_accounts,
    build_chat_sessions,
    build_communes,
    build_desk,
    build_personal_data,
    build_rate_limiter,
    build_rights,
    build_sessions,
)
from bot.wiring.voice import build_voice, kept_voice_notes, voice_chat

__all__ = ["Curriculum", "ReportedLists", "Services", "build_accounts", "build_answer_service", "build_communes", "build_desk",
           "build_embedder", "build_learning", "build_live_retriever", "build_outreach", "build_personal_data",
           "build_reminders", "build_retriever", "build_scam_checker", "build_services", "build_sessions", "calibration",
           "certificate_png", "index_dir", "ingest", "learning_policy", "learning_targets", "load_live_index",
           "load_or_build_index", "official_domains", "throttled"]


def build_services(settings: Settings, *, index: LoadedIndex | None = None, embedder: Embedder | None = None) -> Services:
    """Wire the conversation runtime. Builds the index first when none exists yet."""
    from bot.core.handoff.volunteer_chat import VolunteerChat

    s, sessions, wake = settings, build_sessions(settings), Wakeup()
    embedder = embedder or build_embedder(s)
    index = load_or_build_index(s, embedder) if index is None else index
    live = build_live_retriever(s, embedder, index)
    answers = build_answer_service(s, embedder=embedder, index=index, sessions=sessions, retriever=live,
                                   entered_redacted=True)  # MessageProcessor redacts every message as it enters
    communes = build_communes(s)
    accounts, desk = build_accounts(s, sessions), build_desk(s, sessions, communes=communes)
    personal, limiter, chat_sessions = build_personal_data(s, sessions), build_rate_limiter(s), build_chat_sessions(s, sessions)
    learning_service, learning_store = build_learning(s, sessions, communes)
    scam, voice = ws.build_scam(s, sessions), build_voice(s)
    outreach = build_outreach(s, sessions, learning=learning_store) if s.outreach.enabled else None
    helpdesk = build_helpdesk(s, sessions, desk, outbox_wake=wake, kept_voice=kept_voice_notes(voice))
    conversation = ConversationService(answers, handoff=desk, communes=communes, rights=build_rights(s, personal),
                                       scam=ScamChat(scam.checker, record=ws.record_check(scam.check_log)),
                                       outreach=outreach_chat(s, outreach, communes), learning=learning_service,
                                       voice=voice_chat(voice), helpdesk=helpdesk.chat, redactor=AlreadyRedacted())
    store = MessageStore(sessions)
    telegram = wc.build_telegram(s, images=lambda link: certificate_png(s, learning_store, link),
                                 files=helpdesk.files.read, voice=voice)
    zalo = wc.build_zalo(s, sessions, voice=voice)
    processor = MessageProcessor(store, conversation, inbox_lease_s=s.server.inbox_lease_s, privacy=personal,
                                 side_chats=[VolunteerChat(accounts, desk)] if telegram else [], limiter=limiter,
                                 user_per_minute=s.server.rate_limit_user_per_minute, max_text_chars=s.server.max_text_chars,
                                 images=ws.build_image_reader(s, scam.ocr) if scam.ocr else None, voice=voice)
    if voice is not None:
        voice.deliver = lambda m: processor.accept(m, check_rate=False)  # the transcript, like typed text
    console = wa.build_admin(s, sessions, desk=desk, conversation=conversation, communes=communes,
                             ingest=lambda progress=None: ingest(s, embedder=embedder, on_error="fail", progress=progress),
                             reload_index=lambda: live.reload(force=True))
    jobs: list[Job] = [("scam-lists", s.scamcheck.reload_s, scam.reported.refresh),
                       ("tickets", s.handoff.sweep_every_s, desk.sweep),
                       ("privacy-retention", s.privacy.purge_every_s, personal.purge),
                       ("web-chat-sessions", s.privacy.purge_every_s, chat_sessions.purge_expired),
                       ("privacy-vacuum", 300.0, personal.vacuum)]  # PostgreSQL only; after an erasure or purge
    jobs += [("voice-clips", 60.0, voice.purge)] if voice is not None else []
    jobs += [*console.jobs, *([("outreach", s.outreach.dispatch_every_s, outreach.run_once)] if outreach else []), *helpdesk.jobs]
    if s.learning.reminders:
        reminders = build_reminders(s, sessions=sessions, learning=(learning_service, learning_store))
        jobs.append(("learning-reminders", s.learning.remind_every_s, reminders.run_once))
    return Services(
        settings=s, sessions=sessions, embedder=embedder, live=live, answers=answers, conversation=conversation,
        processor=processor, store=store, senders=tuple(throttled(s, x) for x in (telegram, zalo) if x is not None),
        telegram=telegram, zalo=zalo, accounts=accounts, desk=desk, communes=communes, personal_data=personal,
        limiter=limiter, chat_sessions=chat_sessions, chat_history=SqlChatHistory(sessions), learning=learning_store,
        helpdesk=helpdesk, admin=console.admin, audit=console.audit, bot_settings=console.bot_settings,
        bot_settings_service=console.bot_settings_service, dashboard=console.dashboard, kb=console.kb,
        reindexer=console.reindexer, faq=console.faq, scam_checker=scam.checker, scam_reports=scam.reports,
        scam_reported=scam.reported, scam_check_log=scam.check_log, ocr=scam.ocr, voice=voice, outreach=outreach,
        jobs=tuple(jobs), outbox_wake=wake)
