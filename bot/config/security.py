"""Security checks on the settings (issue 8): `binhdan doctor` reports them; production mode refuses to start.
And the list of configured secrets, so the log filter masks them wherever they would appear."""

from __future__ import annotations

from pydantic import SecretStr

from bot.config.models import url_password
from bot.config.settings import Settings

_WEAK_WORDS = ("change", "secret", "example", "placeholder", "password", "test", "dummy", "xxx", "todo",
               "default", "123456", "abc", "token")


def weak_secret(value: str | SecretStr, *, min_length: int = 16) -> str:
    """Why `value` is not a usable secret ("" when it is): empty, short, a placeholder word, or few
    distinct characters."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
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
    token = tg.token.get_secret_value()
    if token and tg.webhook_url:
        why = weak_secret(tg.webhook_secret)
        if why:
            problems.append(f"telegram.webhook_secret: {why} (set TELEGRAM_WEBHOOK_SECRET to a long random value)")
        if not tg.webhook_url.startswith("https://"):
            problems.append("telegram.webhook_url: must be an https:// URL")
    if token and ":" not in token:
        problems.append("telegram.token: does not look like a bot token (id:secret)")
    if z.app_id or z.oa_secret_key:
        for key, value in (("oa_secret_key", z.oa_secret_key), ("app_secret", z.app_secret)):
            why = weak_secret(value, min_length=12)
            if why:
                problems.append(f"zalo.{key}: {why}")
    if settings.server.metrics_token:
        why = weak_secret(settings.server.metrics_token, min_length=24)
        if why:
            problems.append(f"server.metrics_token: {why}")
    public = settings.server.public_url
    if public and not public.startswith("https://"):
        problems.append("server.public_url: must be an https:// URL in production")
    password = url_password(settings.database.url)
    if password and weak_secret(password, min_length=12):
        problems.append("database.url: the database password is weak or a placeholder")
    pseudonym = settings.privacy.pseudonym_key
    why = weak_secret(pseudonym, min_length=16) if pseudonym.get_secret_value() else ""
    if why:
        problems.append(f"privacy.pseudonym_key: {why} (set PSEUDONYM_KEY to a long random value)")
    if settings.app.log_level == "DEBUG":
        problems.append("app.log_level: DEBUG logs request details; use INFO or higher in production")
    return problems


def secret_values(settings: Settings) -> list[str]:
    """The configured secrets (and the passwords in configured URLs), for the log filter to mask."""
    tg, z = settings.telegram, settings.zalo
    secrets = (tg.token, tg.webhook_secret, z.app_secret, z.oa_secret_key, z.access_token, z.refresh_token,
               settings.llm.api_key, settings.server.metrics_token, settings.privacy.pseudonym_key)
    values = [s.get_secret_value() for s in secrets]
    token = tg.token.get_secret_value()
    if ":" in token:
        values.append(token.split(":", 1)[1])
    values += [url_password(url) for url in (settings.database.url, settings.server.rate_limit_storage,
                                             settings.embedder.query_cache_redis)]
    return [v for v in values if v]
