"""Settings: `config.yaml` + `${VAR:default}` expansion + `BINHDAN_<SECTION>__<KEY>` overrides.

The YAML file holds every non-secret default. Secrets appear as `${ENV_VAR}` placeholders.
`BINHDAN_CONFIG` selects another file. Unknown keys and bad values raise `ConfigError` with a message
naming the offending key. Relative paths are resolved against the directory of the config file, so the
CLI works from any working directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "BINHDAN_"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


class ConfigError(Exception):
    """A configuration problem, with a message that names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppSettings(_Section):
    mode: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


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
    stale_after_days: int = Field(default=180, ge=1)
    max_words: int = Field(default=400, ge=50)


class IndexSettings(_Section):
    dir: Path = Path("var/index")
    keep_builds: int = Field(default=2, ge=1)


class EmbedderSettings(_Section):
    kind: Literal["e5-small-q4", "sentence-transformers", "fake"] = "e5-small-q4"
    model: str = ""  # sentence-transformers: a model name or a local directory
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
    max_dense_chars: int = Field(default=200, ge=0)  # 0 = the dense model reads the whole question


class AnswerSettings(_Section):
    mode: Literal["extractive", "llm"] = "extractive"
    max_chars: int = Field(default=1500, ge=200, le=4000)
    related: int = Field(default=3, ge=0, le=10)
    # Logistic calibration of the confidence (fitted by `binhdan eval --calibrate`).
    calibration: list[float] = Field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])
    threshold: float = Field(default=0.5, ge=0, le=1)


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=65536, ge=1024)
    run_workers: bool = True  # process the inbox/outbox inside `binhdan serve`
    public_url: str = ""


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

    @property
    def enabled(self) -> bool:
        return bool(self.app_id and self.oa_secret_key and (self.access_token or self.refresh_token))


class Settings(_Section):
    app: AppSettings = AppSettings()
    database: DatabaseSettings = DatabaseSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    index: IndexSettings = IndexSettings()
    embedder: EmbedderSettings = EmbedderSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    server: ServerSettings = ServerSettings()
    telegram: TelegramSettings = TelegramSettings()
    zalo: ZaloSettings = ZaloSettings()
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
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{key}: {msg}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
