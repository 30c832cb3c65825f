"""`binhdan doctor`: configuration, database, index, embedder, security, language model and voice checks."""

from __future__ import annotations

import typer

from bot.cli.common import settings
from bot.config import Settings


def doctor() -> None:
    """Check configuration, database, index and embedder; exit 1 on a problem."""
    from bot.bootstrap import build_embedder, index_dir
    from bot.retrieval.index_store import read_manifest
    from bot.storage.db import current_revision, make_engine

    s = settings()
    problems = 0
    typer.echo(f"config: mode={s.app.mode}, database={s.database_url.split('@')[-1]}")
    try:
        typer.echo(f"database: revision {current_revision(make_engine(s.database_url))}")
    except Exception as exc:
        problems += 1
        typer.echo(f"database: ERROR {exc.__class__.__name__}: {exc}")
    try:
        m = read_manifest(index_dir(s))
        e = build_embedder(s)
        ok = m.get("model_id") == e.model_id
        problems += 0 if ok else 1
        typer.echo(f"index: {m['counts']} built {m['built_at']} with {m['model_id']}"
                   + ("" if ok else f" — MISMATCH with configured {e.model_id}"))
    except Exception as exc:
        problems += 1
        typer.echo(f"index: ERROR {exc}")
    problems += _doctor_security(s)
    problems += _doctor_llm(s)
    problems += _doctor_voice(s)
    if problems:
        raise typer.Exit(1)
    typer.echo("OK")


def _doctor_voice(s: Settings) -> int:
    """Voice (issue 23): what is installed. Missing pieces are errors only when `voice.enabled`."""
    from bot.voice.status import probe

    st = probe(model_dir=s.voice.model_dir, cache_dir=s.path(s.voice.cache_dir))
    state = "enabled" if s.voice.enabled else "disabled"
    typer.echo(f"voice: {state}; faster-whisper {st.faster_whisper or 'missing'}, PyAV {st.av or 'missing'} "
               f"(libopus {'yes' if st.libopus else 'no'}), weights {st.weights or 'missing'}, "
               f"espeak-ng {st.espeak or 'missing'}")
    typer.echo(f"voice: listening {'available' if st.can_listen else 'unavailable'}, "
               f"reading aloud {'available' if st.can_speak else 'unavailable'}")
    level = "ERROR" if s.voice.enabled else "note"
    for problem in st.problems:
        typer.echo(f"voice: {level} {problem}")
    return len(st.problems) if s.voice.enabled else 0


def _doctor_llm(s: Settings) -> int:
    """answer.mode: llm — is the model's server reachable and does it know the model? Returns the errors."""
    if s.answer.mode != "llm":
        typer.echo("answers: extractive")
        return 0
    import httpx

    m = s.llm
    try:  # GET /models: answered by vLLM, Ollama, LM Studio and hosted APIs alike; the key is never printed
        r = httpx.get(f"{m.base_url}/models", headers={"Authorization": f"Bearer {m.api_key.get_secret_value() or 'not-needed'}"},
                      timeout=min(m.timeout_s, 10.0))
        r.raise_for_status()
        known = {str(x.get("id")) for x in r.json().get("data", []) if isinstance(x, dict)}
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        typer.echo(f"llm: ERROR {m.base_url} did not answer GET /models: {exc.__class__.__name__}")
        return 1
    if known and m.model not in known:
        typer.echo(f"llm: ERROR model {m.model!r} is not served at {m.base_url} (it has: {', '.join(sorted(known)[:5])})")
        return 1
    typer.echo(f"llm: {m.model} at {m.base_url}")
    return 0


def _doctor_security(s: Settings) -> int:
    """Secrets and limits (issue 8): errors in production mode, warnings otherwise. Returns the errors."""
    from bot.config import security_problems
    from bot.infra.ratelimit import RateLimiter

    found = security_problems(s)
    level = "ERROR" if s.app.mode == "production" else "warning"
    for p in found:
        typer.echo(f"security: {level} {p}")
    if not found:
        typer.echo("security: secrets and URLs OK")
    errors = len(found) if s.app.mode == "production" else 0
    uri = s.server.rate_limit_storage
    try:
        ok = RateLimiter(uri).healthy()
    except Exception:
        ok = False
    where = uri.split("@")[-1]
    typer.echo(f"rate limits: {s.server.rate_limit_user_per_minute}/min per citizen, "
               f"{s.server.rate_limit_ip_per_minute}/min per IP, storage {where}" + ("" if ok else " — UNREACHABLE"))
    typer.echo(f"privacy: conversation text kept {s.privacy.retention_days} days")
    from bot.storage.keys import key_file

    where = "privacy.pseudonym_key" if s.privacy.pseudonym_key.get_secret_value() else str(key_file(s))
    typer.echo(f"privacy: audit-log pseudonyms keyed by {where}"
               + ("" if where.startswith("privacy.") else " (set PSEUDONYM_KEY when several hosts share the database)"))
    return errors + (0 if ok else 1)
