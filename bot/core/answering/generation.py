"""Grounded generation: let a language model write the answer from the retrieved passages, safely.

`GroundedWriter` wraps a `Generator` port. It redacts what leaves the process, keeps every call inside the
answer's time budget (a worker thread joined with a timeout: a slow model never holds the citizen up
longer than the budget), applies the grounding checks and reports latency, tokens, fallbacks and refusals
to a `GenerationMonitor`. `AnswerService` calls it and falls back to its extractive answer whenever the
outcome carries a reason. A web request that wants the answer streamed sets a sink with `stream_to`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from bot.core.answering.grounding import TRUNCATED, StreamGuard, check_answer, is_refusal, renumber
from bot.core.answering.injection import asks_about_others, strip_instructions
from bot.core.answering.ports import GenerationError, GenerationMonitor, Generator
from bot.core.privacy.ports import Redactor
from bot.core.privacy.redaction import RegexRedactor
from bot.core.text import has_tone_marks
from bot.core.types import Generation, GenerationRequest, Passage

log = logging.getLogger(__name__)
T = TypeVar("T")

_sink: ContextVar[Callable[[str], None] | None] = ContextVar("binhdan_answer_stream", default=None)


@contextlib.contextmanager
def stream_to(callback: Callable[[str], None]) -> Iterator[None]:
    """Within this block (and the threads started with a copy of its context, e.g. `asyncio.to_thread`),
    a generated answer's checked lines are passed to `callback` as they arrive."""
    token = _sink.set(callback)
    try:
        yield
    finally:
        _sink.reset(token)


def current_sink() -> Callable[[str], None] | None:
    return _sink.get()


@dataclass(frozen=True)
class Written:
    """What came of asking the model. `text` is set when the answer passed the checks (citations
    renumbered so the first cited passage is [1]); `cited` holds indexes into the passages given."""

    text: str = ""
    refused: bool = False
    reason: str = ""
    cited: tuple[int, ...] = ()
    tokens: int = 0


def _call_within(fn: Callable[[], T], timeout_s: float) -> T:
    """Run `fn` in a daemon thread; raise GenerationError('timeout') when it is not done in time."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    t = threading.Thread(target=run, name="llm-call", daemon=True)
    t.start()
    t.join(max(0.0, timeout_s))
    if t.is_alive():
        raise GenerationError("timeout", f"no answer within {timeout_s:.1f} s")
    if "error" in box:
        err = box["error"]
        if isinstance(err, GenerationError):
            raise err
        raise GenerationError("error", f"{err.__class__.__name__}: {err}")
    return box["value"]  # type: ignore[return-value]


def passage_block(p: Passage, max_chars: int = 1500) -> str:
    """A passage as the model reads it: title, the guide's one-line answer, the text, the source link.
    Lines that address an AI model (a prompt injection planted in a guide) are left out."""
    body = strip_instructions(re.sub(r"^#{1,6}\s*", "", p.text, flags=re.MULTILINE).strip())
    lead = strip_instructions(p.lead.strip())
    parts = [strip_instructions(p.title.strip())]
    if lead and not body.startswith(lead[:40]):
        parts.append(lead)
    parts.append(body[:max_chars])
    if p.url:
        parts.append(f"Nguồn: {p.url}")
    return "\n".join(x for x in parts if x)


class GroundedWriter:
    """Asks a `Generator` for grounded answers and standalone questions, within a time budget."""

    def __init__(
        self, generator: Generator, *, time_budget_s: float = 8.0, timeout_s: float = 8.0, passages: int = 4,
        rewrite: bool = True, official_domains: Sequence[str] = (), max_chars: int = 1500,
        monitor: GenerationMonitor | None = None, redactor: Redactor | None = None,
    ) -> None:
        self._gen = generator
        self.time_budget_s = time_budget_s
        self._timeout_s = timeout_s
        self._passages = passages
        self._rewrite = rewrite
        self._domains = tuple(official_domains)
        self._max_chars = max_chars
        self._monitor = monitor
        self._redactor = redactor or RegexRedactor()

    @property
    def streams(self) -> bool:
        return bool(getattr(self._gen, "streams", False))

    def _fallback(self, reason: str) -> None:
        if self._monitor is not None:
            self._monitor.fallback(reason)

    # ---- query rewriting ------------------------------------------------------------------------
    def wants_rewrite(self, question: str, history: Sequence[str]) -> bool:
        """Rewrite a follow-up (the conversation has earlier questions) or a question typed without tone
        marks; an accented first question is searched as typed (one model call saved)."""
        return self._rewrite and (bool(history) or not has_tone_marks(question))

    def rewrite(self, question: str, history: Sequence[str], *, deadline: float) -> str | None:
        """The model's standalone search question, or None (the retrieval engine's rewriting is used)."""
        budget = min(self._timeout_s, 0.4 * self.time_budget_s, deadline - time.monotonic())
        if budget <= 0.2:
            return None
        q = self._redactor.redact(question)
        past = [self._redactor.redact(h) for h in history[-3:]]
        try:
            out = _call_within(lambda: self._gen.rewrite(q, past, timeout_s=budget), budget)
        except GenerationError as exc:
            log.info("query rewriting fell back to the search engine's own: %s", exc.reason)
            self._fallback(f"rewrite_{exc.reason}")
            return None
        text = " ".join((out or "").split()).strip().strip('"“”')
        if not text or len(text) > 300 or is_refusal(text):
            self._fallback("rewrite_unusable")
            return None
        return self._redactor.redact(text)

    # ---- answers -----------------------------------------------------------------------------
    def select(self, best: Passage, passages: Sequence[Passage]) -> list[Passage]:
        """The passages the model sees: the best one first, then others in its language."""
        rest = [p for p in passages if p.doc_id != best.doc_id and p.lang == best.lang]
        return [best, *rest][: self._passages]

    def write(self, question: str, passages: Sequence[Passage], *, lang: str, deadline: float,
              on_delta: Callable[[str], None] | None = None) -> Written:
        """Ask for an answer to `question` from `passages` (numbered [1]…) and check it."""
        if asks_about_others(question):  # never asked: the bot holds no one else's data to give
            self._fallback("other_person")
            return Written(refused=True, reason="other_person")
        remaining = deadline - time.monotonic()
        if remaining <= 0.2:
            self._fallback("timeout")
            return Written(reason="timeout")
        blocks = tuple(passage_block(p) for p in passages)
        request = GenerationRequest(question=self._redactor.redact(question), passages=blocks, lang=lang)
        cancelled = threading.Event()
        relay = self._relay(blocks, on_delta, cancelled) if on_delta is not None and self.streams else None
        started = time.monotonic()
        timeout = min(self._timeout_s, remaining)
        try:
            gen: Generation = _call_within(
                lambda: self._gen.generate(request, timeout_s=timeout, on_delta=relay), timeout)
        except GenerationError as exc:
            cancelled.set()
            self._observe(time.monotonic() - started, None)
            log.warning("language model answer not used: %s (%s)", exc.reason, exc)
            self._fallback(exc.reason)
            return Written(reason=exc.reason)
        self._observe(time.monotonic() - started, gen)
        tokens = gen.prompt_tokens + gen.completion_tokens
        if is_refusal(gen.text):
            if self._monitor is not None:
                self._monitor.refusal()
            return Written(refused=True, tokens=tokens)
        verdict = check_answer(gen.text, blocks, official_domains=self._domains, max_chars=self._max_chars)
        reason = verdict.reason or (TRUNCATED if gen.finish_reason == "length" else "")
        if reason:
            log.warning("language model answer rejected: %s", reason)
            log.debug("rejected detail: %r", verdict.detail)
            self._fallback(reason)
            return Written(reason=reason, tokens=tokens)
        return Written(text=renumber(gen.text.strip(), verdict.cited),
                       cited=tuple(n - 1 for n in verdict.cited), tokens=tokens)

    def _observe(self, latency_s: float, gen: Generation | None) -> None:
        if self._monitor is not None:
            self._monitor.observe(latency_s=latency_s, prompt_tokens=gen.prompt_tokens if gen else 0,
                                  completion_tokens=gen.completion_tokens if gen else 0)

    def _relay(self, blocks: Sequence[str], sink: Callable[[str], None],
               cancelled: threading.Event) -> Callable[[str], None]:
        guard = StreamGuard(blocks, official_domains=self._domains)

        def relay(delta: str) -> None:
            if cancelled.is_set():
                return
            text = guard.feed(delta)
            if text:
                try:
                    sink(text)
                except Exception:  # a closed stream must not cost the answer
                    cancelled.set()

        return relay
