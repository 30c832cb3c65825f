"""`binhdan ask` (one question, or one per line of stdin) and `binhdan chat` (a console conversation)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.common import CliError, IndexOpt, live_index, settings
from bot.config import Settings


def _answer_service(s: Settings, index: Path | None, *, log_questions: bool = True) -> Any:
    from bot.bootstrap import build_answer_service, build_embedder

    embedder = build_embedder(s)
    return build_answer_service(s, embedder=embedder, index=live_index(s, embedder, index),
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


def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit to read one per line from stdin")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer as JSON")] = False,
    index: IndexOpt = None,
) -> None:
    """Answer a question (or every line of stdin, one JSON object per line)."""
    s = settings()
    service = _answer_service(s, index)
    if question is None:
        for line in sys.stdin:
            if not line.strip():
                continue
            a = service.answer(line.rstrip("\n"), channel="cli")
            sys.stdout.write(json.dumps(_answer_json(a, llm=s.answer.mode == "llm"), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    from bot.core.answering.service import InvalidQuestion

    try:
        service.check(question)
    except InvalidQuestion as exc:
        raise CliError(str(exc)) from exc
    a = service.answer(question, channel="cli")
    if as_json:
        typer.echo(json.dumps(_answer_json(a, llm=s.answer.mode == "llm"), ensure_ascii=False))
    else:
        _print_answer(a)


def chat(index: IndexOpt = None) -> None:
    """A console conversation with the same engine as the messengers (Ctrl-D or 'thoát' to leave)."""
    from datetime import UTC, datetime

    from bot.bootstrap import build_embedder, build_services
    from bot.channels.base import as_text
    from bot.core.messages import ConversationState, InboundMessage

    s = settings()
    embedder = build_embedder(s)
    svc = build_services(s, index=live_index(s, embedder, index), embedder=embedder)
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
