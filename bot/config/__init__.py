"""Settings: `config.yaml` + `${VAR:default}` expansion + `BINHDAN_<SECTION>__<KEY>` overrides, on pydantic-settings.

The YAML file holds every non-secret default. Secrets appear as `${ENV_VAR}` placeholders and are
`SecretStr` in the settings (`.get_secret_value()` where the raw value is sent or signed). `BINHDAN_CONFIG`
selects another file. Precedence: environment over the file over the built-in defaults. Unknown keys and
bad values raise `ConfigError` with a one-line message naming the offending key. Relative paths are
resolved against the directory of the config file (`settings.path(...)`), so the CLI works from any
working directory.

Modules: `models` (core sections) and `features` (feature and channel sections), `settings` (the root and
its sources' order), `sources` (YAML file and environment sources), `loader` (`load_settings`), `security`
(production checks, secrets for the log filter).
"""

from bot.config.errors import ConfigError
from bot.config.features import (
    AdminSettings,
    AuthSettings,
    HandoffSettings,
    HelpdeskSettings,
    LearningSettings,
    LearningTarget,
    OutreachSettings,
    PrivacySettings,
    ScamCheckSettings,
    TelegramSettings,
    VoiceSettings,
    ZaloSettings,
)
from bot.config.loader import default_config_path, load_settings
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
    mask_url_password,
)
from bot.config.security import secret_values, security_problems, weak_secret
from bot.config.settings import Settings
from bot.config.sources import CONFIG_ENV, ENV_PREFIX

__all__ = [
    "CONFIG_ENV", "ENV_PREFIX", "AdminSettings", "AnswerSettings", "AppSettings", "AuthSettings", "ConfigError",
    "DatabaseSettings", "EmbedderSettings", "HandoffSettings", "HelpdeskSettings", "IndexSettings",
    "IngestSettings", "KnowledgeSettings", "LearningSettings", "LearningTarget", "LlmSettings", "OutreachSettings",
    "PrivacySettings", "RetrievalSettings", "ScamCheckSettings", "ServerSettings", "Settings", "TelegramSettings",
    "VoiceSettings", "ZaloSettings", "default_config_path", "load_settings", "mask_url_password", "secret_values",
    "security_problems", "weak_secret",
]
