"""The root `Settings`: every section, the config file's directory, and where the values come from.

`Settings()` is the built-in defaults only (tests, tools). `load_settings()` (bot.config.loader) reads, by
precedence: `BINHDAN_<SECTION>__<KEY>` variables, then config.yaml, then these defaults — the sources
are bound for that one call through a context variable, so two loads never see each other's inputs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config.errors import ConfigError
from bot.config.features import (
    AdminSettings,
    AuthSettings,
    HandoffSettings,
    HelpdeskSettings,
    LearningSettings,
    OutreachSettings,
    PrivacySettings,
    ScamCheckSettings,
    TelegramSettings,
    VoiceSettings,
    ZaloSettings,
)
from bot.config.models import (
    AnswerSettings,
    AppSettings,
    DatabaseSettings,
    EmbedderSettings,
    IndexSettings,
    IngestSettings,
    KnowledgeSettings,
    LlmSettings,
    RetrievalSettings,
    ServerSettings,
)
from bot.config.sources import ENV_NESTING, ENV_PREFIX, SectionEnvSource, YamlFileSource


@dataclass(frozen=True)
class _Inputs:
    path: Path
    env: Mapping[str, str]
    file_required: bool


_INPUTS: ContextVar[_Inputs | None] = ContextVar("binhdan_settings_inputs", default=None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="forbid", frozen=True, case_sensitive=True, env_prefix=ENV_PREFIX,
                                      env_nested_delimiter=ENV_NESTING)

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
    base_dir: Path = Path(".")  # the config file's directory (set by the loader, never read from a source)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then BINHDAN_* variables, then the config file (only inside `bound_inputs`)."""
        inputs = _INPUTS.get()
        if inputs is None:
            return (init_settings,)
        return (init_settings, SectionEnvSource(settings_cls, inputs.env),
                YamlFileSource(settings_cls, inputs.path, inputs.env, required=inputs.file_required))

    @model_validator(mode="before")
    @classmethod
    def _province_moved(cls, data: Any) -> Any:
        """`knowledge.province` is the old name of `app.province`: its value moves there."""
        knowledge = data.get("knowledge") if isinstance(data, dict) else None
        old = knowledge.get("province") if isinstance(knowledge, dict) else None
        app = data.get("app", {}) if isinstance(data, dict) else None
        if old is None or not isinstance(app, dict) or not isinstance(knowledge, dict):
            return data
        if app.get("province", old) != old:
            raise ConfigError("knowledge.province: the old name of app.province; set app.province only")
        rest = {k: v for k, v in knowledge.items() if k != "province"}
        return {**data, "app": {**app, "province": old}, "knowledge": rest}

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


@contextmanager
def bound_inputs(path: Path, env: Mapping[str, str], *, file_required: bool) -> Iterator[None]:
    """Within this block, `Settings(...)` reads `env` and the config file at `path`."""
    token = _INPUTS.set(_Inputs(path, env, file_required))
    try:
        yield
    finally:
        _INPUTS.reset(token)
