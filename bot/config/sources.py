"""Where settings come from, as pydantic-settings sources: `config.yaml` (with `${VAR:default}` expansion) and
`BINHDAN_<SECTION>__<KEY>` environment variables. Both read an explicit environment mapping, so that
`load_settings(env={...})` is hermetic in tests.

Environment values are read as YAML, like the file: `[a, b]` is a list, `{accented: [0, 1]}` a mapping; a
plain string key (a URL, a token) takes the text as it is. Variables without `__` (`BINHDAN_CONFIG`,
`BINHDAN_TEST_CACHE` …) are not settings; an unknown `BINHDAN_<SECTION>__<KEY>` is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_settings import EnvSettingsSource, InitSettingsSource

from bot.config.errors import ConfigError

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

ENV_PREFIX = "BINHDAN_"
ENV_NESTING = "__"
CONFIG_ENV = "BINHDAN_CONFIG"  # selects another config file
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")


def expand_placeholders(value: Any, where: str, env: Mapping[str, str]) -> Any:
    """`${VAR}` and `${VAR:default}` in every string of a parsed YAML document."""
    if isinstance(value, dict):
        return {k: expand_placeholders(v, f"{where}.{k}" if where else str(k), env) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_placeholders(v, f"{where}[{i}]", env) for i, v in enumerate(value)]
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


def read_config_file(settings_cls: type[BaseSettings], path: Path, env: Mapping[str, str], *,
                     required: bool) -> dict[str, Any]:
    """The sections of a YAML config file, placeholders expanded; {} for a missing optional file."""
    if not path.exists():
        if required:
            raise ConfigError(f"config file not found: {path}")
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if loaded is not None and not isinstance(loaded, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    data: dict[str, Any] = expand_placeholders(loaded or {}, "", env)
    for section, value in data.items():
        if not isinstance(value, dict) and _section_model(settings_cls, section) is not None:
            raise ConfigError(f"{section}: must be a mapping")
    return data


def _section_model(settings_cls: type[BaseSettings], section: str) -> type[BaseModel] | None:
    field = settings_cls.model_fields.get(section)
    model = field.annotation if field is not None else None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def section_variables(settings_cls: type[BaseSettings], env: Mapping[str, str]) -> dict[str, str]:
    """The `BINHDAN_<SECTION>__<KEY>` variables of `env`, named `BINHDAN_<section>__<key>` (lower case, as
    the fields are). Raises ConfigError for an unknown section or key."""
    found: dict[str, str] = {}
    for name, raw in env.items():
        if not name.startswith(ENV_PREFIX) or name == CONFIG_ENV or ENV_NESTING not in name:
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition(ENV_NESTING)
        model = _section_model(settings_cls, section)
        if model is None:
            raise ConfigError(f"{name}: unknown configuration section '{section}'")
        if key not in model.model_fields:
            raise ConfigError(f"{name}: unknown key '{section}.{key}'")
        found[f"{ENV_PREFIX}{section}{ENV_NESTING}{key}"] = raw
    return found


class YamlFileSource(InitSettingsSource):
    """The config file's values (below the environment, above the built-in defaults)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path, env: Mapping[str, str], *,
                 required: bool) -> None:
        self.path = path
        super().__init__(settings_cls, read_config_file(settings_cls, path, env, required=required))

    def __repr__(self) -> str:
        return f"YamlFileSource(path={str(self.path)!r})"


class SectionEnvSource(EnvSettingsSource):
    """`BINHDAN_<SECTION>__<KEY>` from an explicit mapping (not `os.environ`), values read as YAML."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        self._environ = env
        super().__init__(settings_cls, case_sensitive=True, env_prefix=ENV_PREFIX, env_nested_delimiter=ENV_NESTING)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return section_variables(self.settings_cls, self._environ)

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        """Lists and mappings in YAML flow style, as config.yaml writes them (JSON is YAML too). Text that
        is not YAML is kept, and validation names the key."""
        try:
            return yaml.safe_load(value) if isinstance(value, str) else value
        except yaml.YAMLError:
            return value
