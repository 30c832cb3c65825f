"""The composition root: the only place that names concrete classes and wires them from Settings."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import ConfigError, Settings
from bot.core.answering.generation import GroundedWriter
from bot.core.answering.service import AnswerService, Calibration
from bot.core.communes import CommuneDirectory, load_communes_csv
from bot.core.privacy.redaction import RegexRedactor
from bot.core.scamcheck import ScamChecker
from bot.core.scamcheck.chat import ScamChat
from bot.infra.scamlists import build_checker
from bot.retrieval.analyzer import QueryAnalyzer
from bot.retrieval.embedders import Embedder, make_embedder
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.index_store import IndexMissing, LoadedIndex, load_index
from bot.retrieval.lexicon import Lexicon, load_lexicon
from bot.storage.db import make_engine, session_factory, upgrade
from bot.storage.repositories import SqlQuestionLog

log = logging.getLogger(__name__)


def build_engine(settings: Settings, *, migrate: bool | None = None) -> Engine:
    engine = make_engine(settings.database_url, echo=settings.database.echo)
    if settings.database.migrate_on_start if migrate is None else migrate:
        upgrade(engine)
    return engine


def build_sessions(settings: Settings) -> sessionmaker[Session]:
    return session_factory(build_engine(settings))


def build_embedder(settings: Settings) -> Embedder:
    e = settings.embedder
    model = e.model
    if e.kind == "sentence-transformers" and model and not model.startswith(("/", ".")) and \
            (settings.base_dir / model).exists():
        model = str(settings.path(Path(model)))
    inner = make_embedder(e.kind, model=model, query_prefix=e.query_prefix, passage_prefix=e.passage_prefix,
                          batch_size=e.batch_size, threads=e.threads, precision=e.precision,
                          cache_dir=settings.path(e.cache_dir))
    if e.kind == "fake" or e.query_cache_size == 0:
        return inner
    redis_url = e.query_cache_redis
    if redis_url == "auto":
        storage = settings.server.rate_limit_storage
        redis_url = storage if storage.startswith(("redis://", "rediss://")) else ""
    from bot.retrieval.query_cache import CachedQueryEmbedder

    return CachedQueryEmbedder(inner, size=e.query_cache_size, redis_url=redis_url)


def index_dir(settings: Settings, override: Path | None = None) -> Path:
    return override.resolve() if override else settings.path(settings.index.dir)


def build_communes(settings: Settings) -> CommuneDirectory:
    """The province's commune-level units; an empty directory (and a warning) when the file is missing."""
    path = settings.path(settings.knowledge.communes)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("commune list %s unreadable (%s): communes are unknown", path, exc)
        return CommuneDirectory([], province=settings.app.province)
    return load_communes_csv(text, province=settings.app.province, source=str(path))


def build_accounts(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Any:
    from bot.storage.accounts import Accounts

    return Accounts(sessions or build_sessions(settings), session_hours=settings.auth.session_hours)


def build_desk(settings: Settings, sessions: sessionmaker[Session] | None = None,
               clock: Callable[[], Any] | None = None) -> Any:
    """The volunteer ticket desk, configured from `handoff` (hours, pool and silence times)."""
    from zoneinfo import ZoneInfo

    from bot.core.handoff import ServiceHours
    from bot.storage.tickets import SqlTicketDesk

    h = settings.handoff
    communes = build_communes(settings)
    return SqlTicketDesk(
        sessions or build_sessions(settings),
        hours=ServiceHours.parse(h.hours, tuple(h.days), ZoneInfo(h.timezone)),
        pool_after_min=h.pool_after_min, urgent_pool_after_min=h.urgent_pool_after_min,
        silence_remind_min=h.silence_remind_min, silence_close_min=h.silence_close_min,
        expire_after_hours=h.expire_after_hours, wait_window_days=h.wait_window_days,
        volunteer_channels=("telegram",) if settings.telegram.token else (),
        commune_name=communes.name, clock=clock)


def build_scam_checker(settings: Settings, reports: Any = None) -> ScamChecker:
    """The scam checker with the official lists of knowledge/, the reported items of `reports`
    (bot.storage.scamreports.SqlScamReports; none for the CLI) and the guide ids it may point to."""
    k = settings.knowledge
    domains, phones = reports.lists() if reports is not None else ((), frozenset())
    return build_checker(domains=settings.path(k.official_domains), hotlines=settings.path(k.official_hotlines),
                         guide_dirs=[settings.path(base) for base in k.paths], reported_domains=domains,
                         reported_phones=phones)


def scam_checker_of(services: Services) -> ScamChecker:
    """The process's scam checker (built once; the lists are small files)."""
    if services.scam_checker is None:
        services.scam_checker = build_scam_checker(services.settings)
    return services.scam_checker


class ReportedLists:
    """Keeps a checker's reported domains/numbers equal to the table: `refresh()` (a periodic job of every
    process, every `scamcheck.reload_s`, and at once after a change in this process) reloads them when the
    table's version changed."""

    def __init__(self, checker: ScamChecker, reports: Any) -> None:
        self.checker, self.reports = checker, reports
        self.version: tuple[int, int] | None = None

    def refresh(self, *, force: bool = False) -> bool:
        from dataclasses import replace

        version = self.reports.version()
        if version == self.version and not force:
            return False
        domains, phones = self.reports.lists()
        self.checker.set_lists(replace(self.checker.lists, reported_domains=domains, reported_phones=phones))
        self.version = version
        return True


def build_check_log(settings: Settings, sessions: sessionmaker[Session]) -> Any:
    """The anonymous statistics of checks, or None when `scamcheck.statistics` is off."""
    from zoneinfo import ZoneInfo

    from bot.storage.scamreports import SqlScamCheckLog

    return SqlScamCheckLog(sessions, tz=ZoneInfo(settings.handoff.timezone)) if settings.scamcheck.statistics else None


def record_check(check_log: Any) -> Callable[[str, str, tuple[str, ...]], None] | None:
    """`ScamChat`'s recorder: a failed write is logged, never shown to the citizen."""
    if check_log is None:
        return None

    def record(channel: str, verdict: str, hosts: tuple[str, ...]) -> None:
        try:
            check_log.record(channel, verdict, hosts)
        except Exception as exc:  # statistics must not break a reply
            log.warning("scam check statistics not written: %s", exc.__class__.__name__)

    return record


def build_ocr(settings: Settings) -> Any:
    from bot.infra.ocr import TesseractOcr

    c = settings.scamcheck
    return TesseractOcr(lang=c.ocr_lang, max_bytes=int(c.max_image_mb * 1024 * 1024),
                        max_pixels=int(c.max_megapixels * 1_000_000), timeout_s=c.ocr_timeout_s)


def build_image_reader(settings: Settings, ocr: Any) -> Callable[[Any], tuple[str, str]]:
    """msg -> (text, status): download the picture of a Telegram or Zalo message and read it (blocking)."""
    from bot.channels.files import DownloadError, download

    max_bytes = int(settings.scamcheck.max_image_mb * 1024 * 1024)

    def read(msg: Any) -> tuple[str, str]:
        ref = str(msg.meta.get("image") or "")
        try:
            if msg.channel == "telegram" and ref.startswith("tg:") and settings.telegram.token:
                from bot.channels.telegram import download_file

                data = download_file(settings.telegram.token.get_secret_value(), ref[3:],
                                     api_base_url=settings.telegram.api_base_url, max_bytes=max_bytes)
            elif msg.channel == "zalo" and ref.startswith(("https://", "http://")):
                data = download(ref, max_bytes=max_bytes)
            else:
                return "", "unavailable"
        except DownloadError as exc:
            log.warning("%s picture not downloaded: %s", msg.channel, exc.reason)
            return "", exc.reason
        result = ocr.read(data)
        del data  # the picture is not kept
        return result.text, result.status

    return read


def build_lexicon(settings: Settings) -> Lexicon:
    return load_lexicon(settings.path(settings.knowledge.lexicon_dir))


def build_retriever(
    settings: Settings, embedder: Embedder, *, index: LoadedIndex, mode: str = "hybrid",
    lexicon: Lexicon | None = None, restore: bool | None = None,
) -> HybridRetriever:
    r = settings.retrieval
    analyzer = QueryAnalyzer(
        build_lexicon(settings) if lexicon is None else lexicon,
        index.tones,
        restore=r.restore_tones if restore is None else restore,
        max_chars=r.max_query_chars,
    )
    return HybridRetriever(
        index, embedder, analyzer, candidates=r.candidates, mode=mode, max_dense_chars=r.max_dense_chars,
        dense_weights={"accented": r.dense_weight_accented, "unaccented": r.dense_weight_unaccented,
                       "english": r.dense_weight_english},
        title_weight=r.title_weight,
    )


def calibration(settings: Settings) -> Calibration:
    c = settings.answer.calibration
    if isinstance(c, dict):
        per_kind = {k: tuple(float(x) for x in v) for k, v in c.items()}
        return Calibration(weights=per_kind.get("unaccented") or next(iter(per_kind.values()), (0.0,)),
                           threshold=settings.answer.threshold, per_kind=per_kind)
    return Calibration(weights=tuple(float(x) for x in c) or (0.0,), threshold=settings.answer.threshold)


def build_answer_service(
    settings: Settings, *, embedder: Embedder, index: LoadedIndex, log_questions: bool = True,
    sessions: sessionmaker[Session] | None = None, retriever: Any = None,
) -> AnswerService:
    from bot.infra.metrics import MeteredAnswerService

    question_log = None
    if log_questions:
        question_log = SqlQuestionLog(sessions or build_sessions(settings))
    return MeteredAnswerService(
        retriever or build_retriever(settings, embedder, index=index),
        calibration=calibration(settings),
        max_chars=settings.answer.max_chars,
        related=settings.answer.related,
        max_query_chars=settings.retrieval.max_query_chars,
        question_log=question_log,
        redactor=RegexRedactor(),
        writer=build_writer(settings),
        clarify_margin=settings.answer.clarify_margin,
        clarify_words=settings.answer.clarify_words,
    )


def build_writer(settings: Settings) -> GroundedWriter | None:
    """The language-model writer for answer.mode: llm; None in extractive mode, where nothing of LangChain's
    model integration (langchain_openai, openai) is imported."""
    if settings.answer.mode != "llm":
        return None
    try:
        from bot.llm.generator import LangChainGenerator
        from bot.llm.metrics import PrometheusMonitor
    except ImportError as exc:
        raise ConfigError(f"answer.mode is 'llm' but {exc.name or 'a package'} is not installed: "
                          "pip install -e '.[llm]'") from None
    from ingest.kbcheck import load_official_domains

    m = settings.llm
    generator = LangChainGenerator(base_url=m.base_url, model=m.model, api_key=m.api_key.get_secret_value(),
                                   timeout_s=m.timeout_s, max_tokens=m.max_tokens, temperature=m.temperature,
                                   stream=m.stream)
    log.info("answers are written by %s at %s (extractive fallback)", m.model, m.base_url)
    return GroundedWriter(
        generator, time_budget_s=m.time_budget_s, timeout_s=m.timeout_s, passages=m.passages, rewrite=m.rewrite,
        official_domains=load_official_domains(settings.path(settings.knowledge.official_domains)),
        max_chars=settings.answer.max_chars, monitor=PrometheusMonitor(), redactor=RegexRedactor(),
    )


def load_live_index(settings: Settings, embedder: Embedder, directory: Path) -> LoadedIndex:
    """Load the live index, refusing one built with another model (IndexMismatch) or none (IndexMissing)."""
    return load_index(directory, expected_model_id=embedder.model_id)


def load_or_build_index(settings: Settings, embedder: Embedder, directory: Path | None = None, *,
                        build: Callable[[], object] | None = None) -> LoadedIndex:
    """The live index. When the configured one does not exist yet, `build()` (default: ingest the bundled
    knowledge base) creates it first; an explicitly given `directory` is never built implicitly."""
    target = index_dir(settings, directory)
    try:
        return load_live_index(settings, embedder, target)
    except IndexMissing:
        if directory is not None:
            raise
        log.warning("no index at %s yet: building it from the knowledge base", target)
        if build is not None:
            build()
        else:
            ingest(settings, embedder=embedder)
        return load_live_index(settings, embedder, target)


def knowledge_paths(settings: Settings) -> list[Path]:
    """The configured knowledge paths plus the managed directory (approved FAQs, uploads) when it exists; a
    managed guide replaces a bundled guide with the same id (admin console edits, ingest/sources.py)."""
    from ingest.sources import effective_sources

    kb = [settings.path(p) for p in settings.knowledge.paths]
    return effective_sources(kb, settings.path(settings.knowledge.managed_dir))


_publish_lock = threading.Lock()


def publish_faq(services: Services, proposal_id: int, reviewer: Any, *, question: str | None = None,
                answer: str | None = None) -> Any:
    """Approve a volunteer's FAQ proposal: write it as a guide in the managed directory, re-index
    (incremental: only the new text is embedded), switch this process to the new index, then mark the
    proposal approved. If indexing fails, the file is removed and the proposal stays pending."""
    import datetime as _dt

    import yaml

    from bot.core.handoff import TicketError

    desk = services.desk
    p = desk.proposal(proposal_id)
    if p.status != "pending":
        from bot.core.errors import Conflict

        raise Conflict(f"proposal is already {p.status}")
    q = (question if question is not None else p.question).strip()
    a = (answer if answer is not None else p.answer).strip()
    if not q or not a:
        raise TicketError("question and answer must not be empty")
    doc_id = f"faq-tnv-{p.id}"
    folder = services.settings.path(services.settings.knowledge.managed_dir) / "faq"
    front = {"id": doc_id, "title": q[:200], "topic": "local", "audience": "all", "lang": "vi",
             "source_url": [], "reviewed_on": _dt.date.today().isoformat(),
             "tags": ["hỏi đáp", "tình nguyện viên"], "summary": a.split("\n")[0][:300], "questions": [q],
             "origin": f"volunteer answer (ticket {p.ticket_id}), approved by {reviewer.username}"}
    body = f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{a}\n"
    with _publish_lock:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{doc_id}.md"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(path)
        try:
            ingest(services.settings, embedder=services.embedder, on_error="fail")
        except Exception:
            path.unlink(missing_ok=True)
            raise
        services.reload_index(force=True)
    return desk.review(proposal_id, reviewer, approve=True, doc_id=doc_id, question=q, answer=a)


def ingest(
    settings: Settings, *, embedder: Embedder, paths: list[Path] | None = None, directory: Path | None = None,
    on_error: str | None = None, progress: Any = None,
) -> Any:
    """Run the ingest pipeline with the configured chunker, database and index location."""
    from ingest.chunking import Chunker
    from ingest.pipeline import run_ingest

    kb = paths or knowledge_paths(settings)
    i = settings.ingest
    kwargs: dict[str, Any] = {}
    if progress is not None:
        kwargs["progress"] = progress
    return run_ingest(
        paths=kb, index_dir=index_dir(settings, directory), sessions=build_sessions(settings),
        embedder=embedder,
        chunker=Chunker(chunk_size=i.chunk_size, overlap=i.chunk_overlap, max_chunks=i.max_chunks_per_document),
        on_error=on_error or i.on_error, batch_size=settings.embedder.batch_size,
        keep_builds=settings.index.keep_builds, **kwargs,
    )




class Curriculum:
    """Implements the core's `Curriculum` port from `knowledge/lessons/*.yaml` (read once). A module that
    cannot be read is skipped with a warning (`binhdan kb check` reports the details)."""

    def __init__(self, directory: Path) -> None:
        import yaml

        from bot.core.learning.curriculum import CurriculumError, Module, parse_module

        self._modules: list[Module] = []
        for f in sorted(directory.glob("*.yaml")) if directory.exists() else []:
            try:
                self._modules.append(parse_module(yaml.safe_load(f.read_text(encoding="utf-8")), where=str(f)))
            except (yaml.YAMLError, UnicodeDecodeError, CurriculumError) as exc:
                log.warning("skipping lesson module %s: %s", f, exc)

    def modules(self) -> list[Any]:
        return list(self._modules)


def learning_policy(settings: Settings) -> Any:
    """The learning rules from the `learning` section (docs/LEARNING.md)."""
    import datetime as _dt
    from zoneinfo import ZoneInfo

    from bot.core.learning.policy import LearningPolicy

    ls = settings.learning
    public = settings.server.public_url.rstrip("/")
    start, _, end = ls.quiet_hours.partition("-")
    h1, m1 = (int(x) for x in start.strip().split(":"))
    h2, m2 = (int(x) for x in end.strip().split(":"))
    return LearningPolicy(iri_base=ls.iri_base or (f"{public}/xapi" if public else "https://binhdan.invalid/xapi"),
                          public_url=public, pass_ratio=ls.pass_ratio, review_days=tuple(ls.review_days),
                          remind_after_days=ls.remind_after_days, quiet_start=_dt.time(h1 % 24, m1),
                          quiet_end=_dt.time(h2 % 24, m2), tz=ZoneInfo(ls.timezone), province=settings.app.province)


def learning_targets(settings: Settings) -> list[Any]:
    from bot.core.learning.coverage import Target

    return [Target(tuple(x.groups), x.share, x.by) for x in settings.learning.targets]


def build_learning(settings: Settings, sessions: sessionmaker[Session], communes: CommuneDirectory,
                   *, clock: Callable[[], Any] | None = None) -> tuple[Any, Any]:
    """(LearningService, SqlLearningStore): lessons in the chat over the learning tables."""
    from bot.core.learning.service import LearningService
    from bot.storage.learning import SqlLearningStore

    policy = learning_policy(settings)
    store = SqlLearningStore(sessions, policy=policy)
    service = LearningService(Curriculum(settings.path(settings.knowledge.lessons_dir)), store, communes=communes,
                              policy=policy, clock=clock)
    return service, store


def push_windows(settings: Settings) -> dict[str, float | None]:
    """Channels on which the bot may write first (reminders), with how long after the citizen's last message
    (None = any time): Telegram when configured, Zalo inside its 7-day window; never the web chat."""
    out: dict[str, float | None] = {}
    if settings.telegram.token:
        out["telegram"] = None
    if settings.zalo.enabled:
        from bot.channels.zalo import ZaloSender

        out["zalo"] = float(ZaloSender.window_s)
    return out


def build_reminders(settings: Settings, *, sessions: sessionmaker[Session] | None = None,
                    learning: tuple[Any, Any] | None = None, clock: Callable[[], Any] | None = None) -> Any:
    """The learning reminders job (bot.runtime.LearningReminders) without the rest of the services."""
    from bot.runtime import LearningReminders
    from bot.storage.messaging import MessageStore

    sessions = sessions or build_sessions(settings)
    service, store = learning or build_learning(settings, sessions, build_communes(settings), clock=clock)
    return LearningReminders(store, MessageStore(sessions), service, push_windows=push_windows(settings), clock=clock)


def certificate_png(settings: Settings, store: Any, code_or_link: str) -> bytes | None:
    """The PNG of a stored certificate, from its code or its /certificates/<code>.png link; None if unknown."""
    import re

    from bot.infra.certificates import render_certificate

    m = re.search(r"([0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4})(?:\.png)?$", code_or_link)
    cert = store.certificate(m.group(1)) if m else None
    if cert is None:
        return None
    policy = learning_policy(settings)
    png: bytes = render_certificate(cert, verify_url=policy.link(f"/verify/{cert.code}"), province=policy.province,
                                    tz=policy.tz)
    return png


@dataclass
class Services:
    """Everything `binhdan serve` (and the console) runs on, built once per process."""

    settings: Settings
    sessions: sessionmaker[Session]
    answers: AnswerService
    conversation: Any
    processor: Any
    store: Any
    senders: list[Any]
    telegram: Any = None
    zalo: Any = None
    index_info: dict[str, Any] | None = None
    live: Any = None  # the LiveRetriever: `reload_index()` switches to a new build
    accounts: Any = None  # bot.storage.accounts.Accounts
    desk: Any = None  # bot.storage.tickets.SqlTicketDesk
    communes: Any = None  # bot.core.communes.CommuneDirectory
    jobs: list[tuple[str, float, Callable[[], object]]] = field(default_factory=list)  # periodic work
    personal_data: Any = None  # bot.storage.personal_data.SqlPersonalData (export, erasure, retention)
    limiter: Any = None  # bot.infra.ratelimit.RateLimiter (per citizen, per IP)
    chat_sessions: Any = None  # bot.storage.chat_sessions.SqlChatSessions (web-chat sessions the server issued)
    chat_history: Any = None  # bot.storage.chat_history.SqlChatHistory (the conversation shown after a reload)
    embedder: Any = None
    learning: Any = None  # bot.storage.learning.SqlLearningStore (certificates, learners)
    learning_service: Any = None  # bot.core.learning.service.LearningService
    outbox_wake: Any = None  # asyncio.Event of the outbox worker, set by bot.workers.Background
    # admin console (issue 7; build_admin): reached by bot/web/admin*.py
    admin: Any = None  # bot.storage.admin.AdminStore (unanswered triage, KB jobs, catalogue views)
    audit: Any = None  # bot.storage.audit.AuditLog
    bot_settings: Any = None  # bot.storage.admin.BotSettingsStore (hours, SLA, greeting overrides)
    dashboard: Any = None  # bot.storage.dashboard.Dashboard
    kb: Any = None  # bot.core.admin.KnowledgeManager (uploads, drafts, publish)
    reindexer: Any = None  # ingest.jobs.Reindexer (background ingest + index switch, polled progress)
    scam_checker: ScamChecker | None = None  # issue 20: built on first use by `scam_checker_of`
    helpdesk: Any = None  # bot.bootstrap_helpdesk.Helpdesk: queue, hours, CSAT, snippets, files (issue 22)
    scam_reports: Any = None  # bot.storage.scamreports.SqlScamReports (reported domains / numbers)
    scam_reported: Any = None  # ReportedLists: reloads the checker's reported items when the table changes
    scam_check_log: Any = None  # bot.storage.scamreports.SqlScamCheckLog (anonymous statistics), or None
    ocr: Any = None  # bot.infra.ocr.TesseractOcr (screenshots), or None when scamcheck.ocr is off
    voice: Any = None  # issue 23: VoiceRuntime (bot/voice/service.py) when voice.enabled and installed
    outreach: Any = None  # issue 21: bot.storage.outreach.SqlOutreach (announcements, classes)

    def reload_index(self, *, force: bool = False) -> bool:
        """Switch this process to the live index build if it changed (blocking: seconds for a large
        index). True when it switched. Other processes notice within `index.reload_check_s` seconds."""
        return bool(self.live is not None and self.live.reload(force=force))


def build_live_retriever(settings: Settings, embedder: Embedder, index: LoadedIndex) -> Any:
    """A retriever that follows the live build of `index.dir` (see bot/retrieval/live.py)."""
    from bot.infra.metrics import INDEX_RELOADS
    from bot.retrieval.live import LiveRetriever

    lexicon = build_lexicon(settings)  # read once; every new build's analyser shares it
    live = LiveRetriever(index_dir(settings), index,
                         lambda ix: build_retriever(settings, embedder, index=ix, lexicon=lexicon),
                         expected_model_id=embedder.model_id, check_every_s=settings.index.reload_check_s)
    live.on_reload.append(lambda _m: INDEX_RELOADS.inc())
    return live


def build_personal_data(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Any:
    """Export, erasure and retention over every feature's registered handler (bot/storage/personal_data.py)."""
    from bot.storage import learning, tickets  # noqa: F401  (their personal-data handlers register on import)
    from bot.storage.personal_data import SqlPersonalData

    return SqlPersonalData(sessions or build_sessions(settings), retention_days=settings.privacy.retention_days)


def build_rights(settings: Settings, personal: Any) -> Any:
    from bot.core.privacy.rights import RightsService

    return RightsService(personal, retention_days=settings.privacy.retention_days,
                         export_links={"web": "/api/chat/export"})  # the session comes from the cookie


def build_chat_sessions(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Any:
    """Web-chat sessions issued by the server (only token hashes stored; idle expiry from config)."""
    from bot.storage.chat_sessions import SqlChatSessions

    return SqlChatSessions(sessions or build_sessions(settings), idle_days=settings.server.chat_session_idle_days)


def build_voice(settings: Settings) -> Any:
    """Voice notes in and answers read aloud (issue 23), or None when `voice.enabled` is false or what it
    needs is not installed (then voice notes get the "text only" reply and no "Nghe" button is shown)."""
    v = settings.voice
    if not v.enabled:
        return None
    from bot.voice.status import probe

    cache = settings.path(v.cache_dir)
    status = probe(model_dir=v.model_dir, cache_dir=cache)
    if not status.can_listen and not status.can_speak:
        for problem in status.problems:
            log.warning("voice: %s", problem)
        return None
    from bot.channels.files import download
    from bot.channels.telegram import fetch_file
    from bot.core.voice.flow import Quality, VoiceChat
    from bot.voice.clips import ClipStore
    from bot.voice.pool import BoundedPool
    from bot.voice.recognizer import DEFAULT_PROMPT, WhisperRecognizer
    from bot.voice.service import Limits, VoiceIntake, VoiceOut, VoiceRuntime
    from bot.voice.weights import model_dir

    intake = None
    if status.can_listen:
        def recognizer_dir() -> str:
            return str(model_dir(configured=v.model_dir, cache_dir=str(cache)))

        tg = settings.telegram
        fetchers = {
            "tg": lambda ref, n: fetch_file(tg.token.get_secret_value(), ref, api_base_url=tg.api_base_url, max_bytes=n),
            "https": lambda ref, n: download(f"https:{ref}", max_bytes=n),
            "http": lambda ref, n: download(f"http:{ref}", max_bytes=n),
        }
        intake = VoiceIntake(
            recognizer=WhisperRecognizer(recognizer_dir, threads=v.threads, workers=v.workers, beam_size=v.beam_size,
                                         prompt=v.prompt or DEFAULT_PROMPT),
            pool=BoundedPool(workers=v.workers, queue_size=v.queue_size, nice=v.nice), fetchers=fetchers,
            deliver=lambda m: None, limits=Limits(max_bytes=v.max_bytes, max_seconds=v.max_seconds,
                                                  timeout_s=v.timeout_s),
            quality=Quality(min_avg_logprob=v.min_avg_logprob, max_no_speech_prob=v.max_no_speech_prob),
            kept=ClipStore(cache / "kept", ttl_s=v.retention_s) if v.retention_s > 0 else None)
    out = VoiceOut(ClipStore(cache / "clips", ttl_s=v.clip_ttl_s), voice=v.tts_voice,
                   words_per_minute=v.tts_words_per_minute) if status.can_speak else None
    chat = VoiceChat(max_seconds=int(v.max_seconds), speech_chars=v.speech_chars, offer_listen=out is not None)
    return VoiceRuntime(chat=chat, intake=intake, out=out)


def voice_clip_link(settings: Settings, reply: Any) -> str:
    """Zalo: the text that carries a clip's link ("" without a public URL: the text is sent instead)."""
    from bot.core.texts import t

    base = settings.server.public_url.rstrip("/")
    if not base or not reply.audio:
        return ""
    return t(reply.lang, "vc_clip_link", minutes=max(1, int(settings.voice.clip_ttl_s // 60)), url=base + reply.audio)


def build_rate_limiter(settings: Settings) -> Any:
    from bot.infra.ratelimit import RateLimiter

    return RateLimiter(settings.server.rate_limit_storage)


def build_services(settings: Settings, *, index: LoadedIndex | None = None,
                   embedder: Embedder | None = None) -> Services:
    """Wire the conversation runtime. Builds the index first when none exists yet."""
    from bot.core.conversation.engine import ConversationService
    from bot.core.handoff.volunteer_chat import VolunteerChat
    from bot.runtime import MessageProcessor
    from bot.storage.messaging import MessageStore, Token, TokenStore

    sessions = build_sessions(settings)
    embedder = embedder or build_embedder(settings)
    if index is None:
        index = load_or_build_index(settings, embedder)
    live = build_live_retriever(settings, embedder, index)
    answers = build_answer_service(settings, embedder=embedder, index=index, sessions=sessions, retriever=live)
    accounts, desk, communes = build_accounts(settings, sessions), build_desk(settings, sessions), build_communes(settings)
    personal, limiter = build_personal_data(settings, sessions), build_rate_limiter(settings)
    learning_service, learning_store = build_learning(settings, sessions, communes)
    from bot.storage.scamreports import SqlScamReports

    scam_reports, check_log = SqlScamReports(sessions), build_check_log(settings, sessions)
    scam_checker = build_scam_checker(settings)
    reported = ReportedLists(scam_checker, scam_reports)
    try:
        reported.refresh()
    except Exception as exc:  # the checker still works with the official lists
        log.error("reported scam items not read: %s", exc)
    ocr = build_ocr(settings) if settings.scamcheck.ocr else None
    outreach = build_outreach(settings, sessions, learning=learning_store) if settings.outreach.enabled else None
    conversation = ConversationService(answers, handoff=desk, communes=communes, rights=build_rights(settings, personal),
                                       scam=ScamChat(scam_checker, record=record_check(check_log)),
                                       outreach=outreach_chat(settings, outreach, communes),
                                       learning=learning_service)
    store = MessageStore(sessions)
    voice = build_voice(settings)
    if voice is not None:
        conversation.voice = voice.chat
    senders: list[Any] = []
    telegram = zalo = None
    if settings.telegram.token:
        from bot.channels.telegram import TelegramSender

        telegram = TelegramSender(settings.telegram.token.get_secret_value(), api_base_url=settings.telegram.api_base_url,
                                  images=lambda link: certificate_png(settings, learning_store, link),
                                  voices=voice.out.clip if voice is not None and voice.out is not None else None)
        senders.append(throttled(settings, telegram))
    z = settings.zalo
    if z.enabled:
        from bot.channels.zalo import ZaloSender

        zalo = ZaloSender(app_id=z.app_id, app_secret=z.app_secret.get_secret_value(),
                          access_token=z.access_token.get_secret_value(),
                          refresh_token=z.refresh_token.get_secret_value(), api_base_url=z.api_base_url,
                          oauth_base_url=z.oauth_base_url, store=TokenStore(sessions), token_factory=Token,
                          refresh_margin_s=z.refresh_margin_s,
                          clip_link=(lambda r: voice_clip_link(settings, r)) if voice is not None else None)
        senders.append(throttled(settings, zalo))
    svc = Services(settings=settings, sessions=sessions, answers=answers, conversation=conversation,
                   processor=MessageProcessor(store, conversation, inbox_lease_s=settings.server.inbox_lease_s,
                                              side_chats=[VolunteerChat(accounts, desk)] if telegram else [],
                                              privacy=personal, limiter=limiter,
                                              user_per_minute=settings.server.rate_limit_user_per_minute,
                                              max_text_chars=settings.server.max_text_chars,
                                              images=build_image_reader(settings, ocr) if ocr else None, voice=voice),
                   store=store, senders=senders, telegram=telegram, zalo=zalo, index_info=index.manifest, live=live,
                   scam_checker=scam_checker)
    svc.scam_reports, svc.scam_reported, svc.scam_check_log, svc.ocr = scam_reports, reported, check_log, ocr
    svc.jobs.append(("scam-lists", settings.scamcheck.reload_s, reported.refresh))
    live.on_reload.append(lambda manifest: setattr(svc, "index_info", manifest))
    svc.accounts, svc.desk, svc.communes, svc.embedder = accounts, desk, communes, embedder
    svc.jobs.append(("tickets", settings.handoff.sweep_every_s, desk.sweep))
    svc.personal_data, svc.limiter = personal, limiter
    svc.jobs.append(("privacy-retention", settings.privacy.purge_every_s, personal.purge))
    svc.chat_sessions = build_chat_sessions(settings, sessions)
    from bot.storage.chat_history import SqlChatHistory

    svc.chat_history = SqlChatHistory(sessions)
    svc.jobs.append(("web-chat-sessions", settings.privacy.purge_every_s, svc.chat_sessions.purge_expired))
    svc.jobs.append(("privacy-vacuum", 300.0, personal.vacuum))  # PostgreSQL only; after an erasure or purge
    svc.learning, svc.learning_service = learning_store, learning_service
    if voice is not None:
        voice.deliver = lambda m: svc.processor.accept(m, check_rate=False)  # the transcript, like typed text
        svc.voice = voice
        svc.jobs.append(("voice-clips", 60.0, voice.purge))
    build_admin(svc)
    if outreach is not None:
        svc.outreach = outreach
        svc.jobs.append(("outreach", settings.outreach.dispatch_every_s, outreach.run_once))
    from bot.bootstrap_helpdesk import build_helpdesk

    build_helpdesk(svc)  # issue 22
    if settings.learning.reminders:
        reminders = build_reminders(settings, sessions=sessions, learning=(learning_service, learning_store))
        svc.jobs.append(("learning-reminders", settings.learning.remind_every_s, reminders.run_once))
    return svc


# ---- outreach (issue 21; docs/OUTREACH.md) ----------------------------------------------------------------
def build_outreach(settings: Settings, sessions: sessionmaker[Session] | None = None, *, learning: Any = None,
                   clock: Callable[[], Any] | None = None) -> Any:
    """Announcements and classes over the outbox: bot.storage.outreach.SqlOutreach."""
    from zoneinfo import ZoneInfo

    from bot.core.outreach.model import parse_quiet
    from bot.storage.outreach import SqlOutreach

    sessions = sessions or build_sessions(settings)
    if learning is None:
        learning = build_learning(settings, sessions, build_communes(settings))[1]
    o = settings.outreach
    windows = push_windows(settings)
    rates = {"telegram": o.telegram_per_s, "zalo": o.zalo_per_s}
    return SqlOutreach(sessions, tz=ZoneInfo(o.timezone), rates={k: v for k, v in rates.items() if k in windows},
                       windows=windows, per_chat_s=o.per_chat_s, horizon_s=o.horizon_s, learning=learning, clock=clock,
                       quiet=parse_quiet(o.quiet_hours))


def outreach_chat(settings: Settings, store: Any, communes: CommuneDirectory) -> Any:
    from zoneinfo import ZoneInfo

    from bot.core.outreach.chat import OutreachChat

    return OutreachChat(store, communes=communes, tz=ZoneInfo(settings.outreach.timezone)) if store is not None else None


def throttled(settings: Settings, sender: Any) -> Any:
    """The channel's sender behind the per-process throttle (bot/channels/throttle.py)."""
    from bot.channels.throttle import ThrottledSender

    o = settings.outreach
    rate = o.telegram_per_s if sender.channel == "telegram" else o.zalo_per_s
    return ThrottledSender(sender, rate=rate, per_chat_s=o.per_chat_s)


def official_domains(settings: Settings) -> list[str]:
    from ingest.kbcheck import load_official_domains

    return list(load_official_domains(settings.path(settings.knowledge.official_domains)))


# ---- admin console (issue 7; docs/ADMIN.md) ------------------------------------------------------------
def bot_settings_defaults(settings: Settings) -> dict[str, object]:
    """The citizen-facing settings the console may override, as configured (config.yaml, env)."""
    from bot.core.texts import t

    h = settings.handoff
    return {"hours": h.hours.strip(), "days": list(h.days), "pool_after_min": h.pool_after_min,
            "urgent_pool_after_min": h.urgent_pool_after_min, "silence_remind_min": h.silence_remind_min,
            "silence_close_min": h.silence_close_min, "expire_after_hours": h.expire_after_hours,
            "greeting_vi": t("vi", "greeting", province=settings.knowledge.province),
            "greeting_en": t("en", "greeting", province=settings.knowledge.province)}


def apply_bot_settings(svc: Services, overrides: dict[str, object]) -> dict[str, object]:
    """Make the running desk and conversation use config + overrides (no restart); the effective values."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from bot.core.botsettings import KEYS
    from bot.core.handoff import ServiceHours

    mine = {k: v for k, v in overrides.items() if k in KEYS and v is not None}
    eff: dict[str, Any] = {**bot_settings_defaults(svc.settings), **mine}
    desk = svc.desk
    if desk is not None:
        desk.hours = ServiceHours.parse(str(eff["hours"]), tuple(eff["days"]), ZoneInfo(svc.settings.handoff.timezone))
        desk.pool_after = timedelta(minutes=float(eff["pool_after_min"]))
        desk.urgent_pool_after = timedelta(minutes=float(eff["urgent_pool_after_min"]))
        desk.silence_remind = timedelta(minutes=float(eff["silence_remind_min"]))
        desk.silence_close = timedelta(minutes=float(eff["silence_close_min"]))
        desk.expire_after = timedelta(hours=float(eff["expire_after_hours"]))
    if hasattr(svc.conversation, "greetings"):
        svc.conversation.greetings = {k[-2:]: str(v) for k, v in mine.items() if k.startswith("greeting_")}
    return eff


def learning_rows(settings: Settings, sessions: sessionmaker[Session],
                  communes: CommuneDirectory) -> Callable[[], list[dict[str, object]]]:
    """The learning report (bot.storage.learning.LearningReports.progress, per commune × group) as plain
    rows for the dashboard, with the nearest target still ahead. The one adapter to adjust if it changes."""
    import datetime as _dt

    modules = [m.id for m in Curriculum(settings.path(settings.knowledge.lessons_dir)).modules()]

    def rows() -> list[dict[str, object]]:
        from bot.storage.learning import LearningReports

        rep = LearningReports(sessions).progress(modules=modules, basic_modules=settings.learning.basic_skills_modules,
                                                 targets=learning_targets(settings), by=("commune", "group"),
                                                 communes=communes)
        today, out = _dt.date.today(), []
        for r in rep.rows:
            nxt = next((g for g in r.targets if g.by >= today), r.targets[-1] if r.targets else None)
            out.append({"commune": r.commune, "commune_name": r.commune_name, "group": r.group,
                        "population": r.population, "learners": r.learners, "skilled": r.skilled,
                        "coverage_pct": r.coverage_pct, "target_by": nxt.by.isoformat() if nxt else "",
                        "target_pct": nxt.target_pct if nxt else None, "gap": nxt.gap if nxt else None})
        return out

    return rows


def kb_exclusive(svc: Services) -> Any:
    """One ingest at a time: in this process (with publish_faq) and across processes (a database lock)."""
    import contextlib
    import time

    from bot.storage.locks import LeaderLock

    @contextlib.contextmanager
    def hold() -> Any:
        with _publish_lock:
            lock = LeaderLock(svc.sessions.kw["bind"], "kb-ingest")
            deadline = time.monotonic() + 900
            while not lock.try_acquire():
                if time.monotonic() > deadline:
                    raise RuntimeError("another re-index is still running")
                time.sleep(0.5)
            try:
                yield
            finally:
                lock.release()

    return hold()


def build_admin(svc: Services) -> None:
    """The admin console's services: stores, dashboard, knowledge-base manager, re-indexer, settings."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from bot.core.admin import KnowledgeManager
    from bot.storage.admin import AdminStore, BotSettingsStore
    from bot.storage.audit import AuditLog
    from bot.storage.dashboard import Dashboard
    from bot.storage.kbfiles import ManagedFiles
    from ingest.chunking import Chunker
    from ingest.jobs import Reindexer
    from ingest.kbcheck import load_official_domains
    from ingest.preview import PipelineReader

    s, sessions = svc.settings, svc.sessions
    svc.admin, svc.audit, svc.bot_settings = AdminStore(sessions), AuditLog(sessions), BotSettingsStore(sessions)
    communes = svc.communes or build_communes(s)
    svc.dashboard = Dashboard(sessions, tz=ZoneInfo(s.handoff.timezone), desk=svc.desk,
                              learning=learning_rows(s, sessions, communes), commune_name=communes.name)
    i = s.ingest
    reader = PipelineReader(
        official_domains=load_official_domains(s.path(s.knowledge.official_domains)),
        chunker=Chunker(chunk_size=i.chunk_size, overlap=i.chunk_overlap, max_chunks=i.max_chunks_per_document),
        max_words=s.knowledge.max_words, stale_after_days=s.knowledge.stale_after_days,
        broken_links_file=s.path(s.admin.broken_links_file))
    svc.kb = KnowledgeManager(files=ManagedFiles(s.path(s.knowledge.managed_dir)), reader=reader, front=reader,
                              catalogue=svc.admin)
    svc.reindexer = Reindexer(svc.admin, run=lambda progress: ingest(s, embedder=svc.embedder, on_error="fail",
                                                                      progress=progress),
                              reload=lambda: svc.reload_index(force=True), exclusive=lambda: kb_exclusive(svc))
    applied: list[dict[str, object]] = []

    def refresh() -> None:
        current = svc.bot_settings.overrides()
        if not applied or applied[-1] != current:
            apply_bot_settings(svc, current)
            applied[:] = [current]

    try:
        from bot.storage.locks import LeaderLock

        lock = LeaderLock(sessions.kw["bind"], "kb-ingest")  # free: no process is indexing now
        if lock.try_acquire():
            try:
                svc.admin.fail_stale_jobs(datetime.now(UTC))  # so 'running' jobs were left by a dead process
            finally:
                lock.release()
        else:
            svc.admin.fail_stale_jobs(datetime.now(UTC) - timedelta(hours=1))
        refresh()
    except Exception as exc:  # the bot still answers with the configured values
        log.error("admin console state not read (bot settings overrides not applied): %s", exc)
    svc.jobs.append(("bot-settings", s.admin.settings_reload_s, refresh))

