"""The composition root: the only place that names concrete classes and wires them from Settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.answering import AnswerService, Calibration
from bot.core.privacy import RegexRedactor
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
    return make_embedder(e.kind, model=model, query_prefix=e.query_prefix, passage_prefix=e.passage_prefix,
                         batch_size=e.batch_size, threads=e.threads)


def index_dir(settings: Settings, override: Path | None = None) -> Path:
    return override.resolve() if override else settings.path(settings.index.dir)


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
    )


def calibration(settings: Settings) -> Calibration:
    w = list(settings.answer.calibration) + [0.0] * 4
    return Calibration(weights=(w[0], w[1], w[2], w[3]), threshold=settings.answer.threshold)


def build_answer_service(
    settings: Settings, *, embedder: Embedder, index: LoadedIndex, log_questions: bool = True,
    sessions: sessionmaker[Session] | None = None,
) -> AnswerService:
    question_log = None
    if log_questions:
        question_log = SqlQuestionLog(sessions or build_sessions(settings))
    return AnswerService(
        build_retriever(settings, embedder, index=index),
        calibration=calibration(settings),
        max_chars=settings.answer.max_chars,
        related=settings.answer.related,
        max_query_chars=settings.retrieval.max_query_chars,
        question_log=question_log,
        redactor=RegexRedactor(),
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


def ingest(
    settings: Settings, *, embedder: Embedder, paths: list[Path] | None = None, directory: Path | None = None,
    on_error: str | None = None, progress: Any = None,
) -> Any:
    """Run the ingest pipeline with the configured chunker, database and index location."""
    from ingest.chunking import Chunker
    from ingest.pipeline import run_ingest

    kb = paths or [settings.path(p) for p in settings.knowledge.paths]
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
    """Implements the core's `Curriculum` port from `knowledge/lessons/*.yaml` (read once)."""

    def __init__(self, directory: Path) -> None:
        import yaml

        self._modules: list[tuple[str, str, str, list[str]]] = []
        for f in sorted(directory.glob("*.yaml")) if directory.exists() else []:
            try:
                d = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError):
                log.warning("skipping unreadable lesson module %s", f)
                continue
            if isinstance(d, dict) and d.get("id"):
                self._modules.append((str(d["id"]), str(d.get("title", "")), str(d.get("title_en", "")),
                                      [str(g) for g in d.get("guides") or []]))

    def modules(self) -> list[tuple[str, str, str, list[str]]]:
        return list(self._modules)


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


def build_services(settings: Settings, *, index: LoadedIndex | None = None,
                   embedder: Embedder | None = None) -> Services:
    """Wire the conversation runtime. Builds the index first when none exists yet."""
    from bot.core.conversation import ConversationService
    from bot.runtime import MessageProcessor
    from bot.storage.messaging import MessageStore, SqlHandoffDesk, Token, TokenStore

    sessions = build_sessions(settings)
    embedder = embedder or build_embedder(settings)
    if index is None:
        index = load_or_build_index(settings, embedder)
    answers = build_answer_service(settings, embedder=embedder, index=index, sessions=sessions)
    conversation = ConversationService(answers, handoff=SqlHandoffDesk(sessions),
                                       curriculum=Curriculum(settings.path(settings.knowledge.lessons_dir)))
    store = MessageStore(sessions)
    senders: list[Any] = []
    telegram = zalo = None
    if settings.telegram.token:
        from bot.channels.telegram import TelegramSender

        telegram = TelegramSender(settings.telegram.token, api_base_url=settings.telegram.api_base_url)
        senders.append(telegram)
    z = settings.zalo
    if z.enabled:
        from bot.channels.zalo import ZaloSender

        zalo = ZaloSender(app_id=z.app_id, app_secret=z.app_secret, access_token=z.access_token,
                          refresh_token=z.refresh_token, api_base_url=z.api_base_url,
                          oauth_base_url=z.oauth_base_url, store=TokenStore(sessions), token_factory=Token,
                          refresh_margin_s=z.refresh_margin_s)
        senders.append(zalo)
    return Services(settings=settings, sessions=sessions, answers=answers, conversation=conversation,
                    processor=MessageProcessor(store, conversation), store=store, senders=senders,
                    telegram=telegram, zalo=zalo, index_info=index.manifest)
