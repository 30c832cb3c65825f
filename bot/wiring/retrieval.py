"""Retrieval wiring: the embedder, the index (load, build, follow the live build), the retriever, the
answer service with its calibration and optional language-model writer, and the ingest pipeline."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from bot.config import ConfigError, Settings
from bot.core.answering.generation import GroundedWriter
from bot.core.answering.service import AnswerService, Calibration
from bot.core.privacy.redaction import AlreadyRedacted, RegexRedactor
from bot.retrieval.analyzer import QueryAnalyzer
from bot.retrieval.embedders import Embedder, make_embedder
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.index_store import IndexMissing, LoadedIndex, load_index
from bot.retrieval.lexicon import Lexicon, load_lexicon
from bot.retrieval.live import LiveRetriever
from bot.storage.repositories import SqlQuestionLog
from bot.wiring.storage import build_sessions

if TYPE_CHECKING:
    from ingest.pipeline import IngestSummary, Progress

log = logging.getLogger(__name__)


def build_embedder(settings: Settings) -> Embedder:
    e = settings.embedder
    model = e.model
    if e.kind == "sentence-transformers" and model and not model.startswith(("/", ".")) and \
            (settings.base_dir / model).exists():
        model = str(settings.path(Path(model)))
    inner = make_embedder(e.kind, model=model, query_prefix=e.query_prefix, passage_prefix=e.passage_prefix,
                          batch_size=e.batch_size, threads=e.threads, precision=e.precision,
                          passage_precision=None if e.passage_precision == "same" else e.passage_precision,
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
        dense_synonyms=r.dense_synonyms,
    )
    return HybridRetriever(
        index, embedder, analyzer, candidates=r.candidates, mode=mode, max_dense_chars=r.max_dense_chars,
        dense_weights={"accented": r.dense_weight_accented, "unaccented": r.dense_weight_unaccented,
                       "english": r.dense_weight_english},
        title_weight=r.title_weight, head_dense=r.head_dense,
    )


def build_live_retriever(settings: Settings, embedder: Embedder, index: LoadedIndex) -> LiveRetriever:
    """A retriever that follows the live build of `index.dir` (see bot/retrieval/live.py)."""
    from bot.infra.metrics import INDEX_RELOADS

    lexicon = build_lexicon(settings)  # read once; every new build's analyser shares it
    live = LiveRetriever(index_dir(settings), index,
                         lambda ix: build_retriever(settings, embedder, index=ix, lexicon=lexicon),
                         expected_model_id=embedder.model_id, check_every_s=settings.index.reload_check_s)
    live.on_reload.append(lambda _m: INDEX_RELOADS.inc())
    return live


def calibration(settings: Settings) -> Calibration:
    c = settings.answer.calibration
    if isinstance(c, dict):
        per_kind = {k: tuple(float(x) for x in v) for k, v in c.items()}
        return Calibration(weights=per_kind.get("unaccented") or next(iter(per_kind.values()), (0.0,)),
                           threshold=settings.answer.threshold, per_kind=per_kind)
    return Calibration(weights=tuple(float(x) for x in c) or (0.0,), threshold=settings.answer.threshold)


def build_answer_service(
    settings: Settings, *, embedder: Embedder, index: LoadedIndex, log_questions: bool = True,
    sessions: sessionmaker[Session] | None = None, retriever: HybridRetriever | LiveRetriever | None = None,
    entered_redacted: bool = False,
) -> AnswerService:
    """`entered_redacted`: every question was redacted where it entered (behind the message processor), so
    neither the question log nor the language model redacts it again. Otherwise (`binhdan ask`, benchmarks)
    the service is its own edge and redacts what it keeps or sends."""
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
        redactor=None if entered_redacted else RegexRedactor(),
        writer=build_writer(settings, entered_redacted=entered_redacted),
        clarify_margin=settings.answer.clarify_margin,
        clarify_words=settings.answer.clarify_words,
        clarify_wide=settings.answer.clarify_wide,
        clarify_across=settings.answer.clarify_across,
        clarify_floor=settings.answer.clarify_floor,
    )


def build_writer(settings: Settings, *, entered_redacted: bool = False) -> GroundedWriter | None:
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
    m = settings.llm
    generator = LangChainGenerator(base_url=m.base_url, model=m.model, api_key=m.api_key.get_secret_value(),
                                   timeout_s=m.timeout_s, max_tokens=m.max_tokens, temperature=m.temperature, stream=m.stream,
                                   province=settings.app.province)
    log.info("answers are written by %s at %s (extractive fallback)", m.model, m.base_url)
    return GroundedWriter(
        generator, time_budget_s=m.time_budget_s, timeout_s=m.timeout_s, passages=m.passages, rewrite=m.rewrite,
        official_domains=official_domains(settings), max_chars=settings.answer.max_chars,
        monitor=PrometheusMonitor(), redactor=AlreadyRedacted() if entered_redacted else RegexRedactor(),
    )


def official_domains(settings: Settings) -> list[str]:
    from ingest.kbcheck import load_official_domains

    return list(load_official_domains(settings.path(settings.knowledge.official_domains)))


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


def ingest(
    settings: Settings, *, embedder: Embedder, paths: list[Path] | None = None, directory: Path | None = None,
    on_error: str | None = None, progress: Progress | None = None,
) -> IngestSummary:
    """Run the ingest pipeline with the configured chunker, database and index location."""
    from ingest.chunking import Chunker
    from ingest.pipeline import run_ingest

    kb = paths or knowledge_paths(settings)
    i = settings.ingest
    extra: dict[str, Progress] = {} if progress is None else {"progress": progress}
    return run_ingest(
        paths=kb, index_dir=index_dir(settings, directory), sessions=build_sessions(settings),
        embedder=embedder,
        chunker=Chunker(chunk_size=i.chunk_size, overlap=i.chunk_overlap, max_chunks=i.max_chunks_per_document),
        on_error=on_error or i.on_error, batch_size=settings.embedder.batch_size,
        keep_builds=settings.index.keep_builds, **extra,
    )
