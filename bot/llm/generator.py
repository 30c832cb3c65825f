"""`LangChainGenerator`: the core's `Generator` port over an OpenAI-compatible chat model.

langchain-openai's ChatOpenAI pointed at `llm.base_url` (vLLM, Ollama, LM Studio or a hosted API); the
prompts are langchain-core templates piped into it (runnables). No retries: the answer's time budget
leaves no room for them, and the extractive answer is the fallback. Every failure becomes a
`GenerationError` with a short reason; the API key never appears in a message or a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import openai
from langchain_core.messages import AIMessage, BaseMessageChunk
from langchain_openai import ChatOpenAI

from bot.core.answering.ports import GenerationError
from bot.core.types import Generation, GenerationRequest
from bot.llm.prompts import answer_inputs, answer_prompt, rewrite_inputs, rewrite_prompt

log = logging.getLogger(__name__)
REWRITE_MAX_TOKENS = 96


def reason_of(exc: BaseException) -> str:
    """The short reason code of a failed call (timeout | unreachable | server_error | client_error | error)."""
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "unreachable"
    if isinstance(exc, openai.APIStatusError):
        return "server_error" if exc.status_code >= 500 else "client_error"
    return "error"


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(str(b.get("text", "")) if isinstance(b, dict) else str(b) for b in content)
    return ""


class LangChainGenerator:
    """Grounded answers and query rewrites from one OpenAI-compatible chat model."""

    def __init__(self, *, base_url: str, model: str, api_key: str = "", timeout_s: float = 8.0,
                 max_tokens: int = 400, temperature: float = 0.2, stream: bool = True,
                 province: str = "Tuyên Quang") -> None:
        common: dict[str, Any] = {
            "model": model, "base_url": base_url, "api_key": api_key or "not-needed", "timeout": timeout_s,
            "max_retries": 0,
        }
        # `max_tokens` goes in the body as such: vLLM, Ollama and LM Studio all read it (not every one
        # reads the newer max_completion_tokens that ChatOpenAI would send).
        self._chat = ChatOpenAI(**common, temperature=temperature, stream_usage=True,
                                extra_body={"max_tokens": max_tokens})
        self._rewriter = ChatOpenAI(**common, temperature=0.0, extra_body={"max_tokens": REWRITE_MAX_TOKENS})
        self._answer_prompt = answer_prompt()
        self._rewrite_prompt = rewrite_prompt()
        self.streams = stream
        self.model = model
        self.province = province  # the province the bot serves (app.province), named in the system prompt

    def generate(self, request: GenerationRequest, *, timeout_s: float,
                 on_delta: Callable[[str], None] | None = None) -> Generation:
        chain = self._answer_prompt | self._chat.bind(timeout=timeout_s)
        inputs = answer_inputs(request.question, request.passages, request.lang, province=self.province)
        try:
            if on_delta is not None and self.streams:
                return self._stream(chain, inputs, on_delta)
            msg = chain.invoke(inputs)
        except GenerationError:
            raise
        except Exception as exc:
            raise GenerationError(reason_of(exc), f"{exc.__class__.__name__}: {exc}") from None
        return self._generation(_text(msg.content), msg)

    def _stream(self, chain: Any, inputs: dict[str, str], on_delta: Callable[[str], None]) -> Generation:
        parts: list[str] = []
        total: BaseMessageChunk | None = None
        for chunk in chain.stream(inputs):
            piece = _text(chunk.content)
            if piece:
                parts.append(piece)
                on_delta(piece)
            total = chunk if total is None else total + chunk
        return self._generation("".join(parts), total)

    @staticmethod
    def _generation(text: str, msg: AIMessage | BaseMessageChunk | None) -> Generation:
        usage = getattr(msg, "usage_metadata", None) or {}
        meta = getattr(msg, "response_metadata", None) or {}
        return Generation(text=text, prompt_tokens=int(usage.get("input_tokens", 0) or 0),
                          completion_tokens=int(usage.get("output_tokens", 0) or 0),
                          finish_reason=str(meta.get("finish_reason") or ""))

    def rewrite(self, question: str, history: Sequence[str], *, timeout_s: float) -> str:
        chain = self._rewrite_prompt | self._rewriter.bind(timeout=timeout_s)
        try:
            msg = chain.invoke(rewrite_inputs(question, history))
        except Exception as exc:
            raise GenerationError(reason_of(exc), f"{exc.__class__.__name__}: {exc}") from None
        return _text(msg.content).strip().splitlines()[0] if _text(msg.content).strip() else ""
