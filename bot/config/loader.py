"""`load_settings`: config.yaml + `${VAR:default}` + `BINHDAN_<SECTION>__<KEY>` → validated `Settings`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import SettingsError

from bot.config.errors import ConfigError
from bot.config.settings import Settings, bound_inputs
from bot.config.sources import CONFIG_ENV


def default_config_path() -> Path:
    """`BINHDAN_CONFIG`, else ./config.yaml, else the repository's config.yaml."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    cwd = Path.cwd() / "config.yaml"
    if cwd.exists():
        return cwd
    return Path(__file__).resolve().parents[2] / "config.yaml"


def _one_line(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        problems.append(f"{key}: {msg}" if key else msg)
    return "invalid configuration: " + "; ".join(problems)


def load_settings(path: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Load and validate settings: `env` (default `os.environ`) over the file over the defaults.

    Raises:
        ConfigError: unreadable file, unknown key, bad value or missing environment variable;
            the message names the key (e.g. ``retrieval.candidates: Input should be …``).
    """
    env = dict(os.environ) if env is None else env
    if path is None:
        path = Path(env[CONFIG_ENV]) if CONFIG_ENV in env else default_config_path()
    required = CONFIG_ENV in env or path != default_config_path()
    base_dir = path.resolve().parent if path.exists() else Path.cwd()
    try:
        with bound_inputs(path, env, file_required=required):
            settings = Settings(base_dir=base_dir)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc)) from None
    except SettingsError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from None
    if settings.answer.mode == "llm":  # the model's address and name are needed only in llm mode
        for key in ("base_url", "model"):
            if not getattr(settings.llm, key):
                raise ConfigError(f"llm.{key}: required when answer.mode is 'llm' "
                                  f"(set it in config.yaml or BINHDAN_LLM__{key.upper()})")
    return settings
