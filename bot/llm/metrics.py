"""Prometheus metrics of language-model answers (prometheus_client, default registry)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

LLM_LATENCY = Histogram("binhdan_llm_latency_seconds", "Duration of one language-model answer call",
                        buckets=(0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0, 30.0))
LLM_TOKENS = Counter("binhdan_llm_tokens_total", "Tokens spent on language-model answers", ["kind"])
LLM_FALLBACKS = Counter("binhdan_llm_fallbacks_total",
                        "Language-model answers (or query rewrites) replaced by the extractive path, by reason",
                        ["reason"])
LLM_REFUSALS = Counter("binhdan_llm_refusals_total",
                       "Questions the model said the retrieved guides do not answer")


class PrometheusMonitor:
    """Implements the core's `GenerationMonitor` port."""

    def observe(self, *, latency_s: float, prompt_tokens: int, completion_tokens: int) -> None:
        LLM_LATENCY.observe(latency_s)
        if prompt_tokens:
            LLM_TOKENS.labels(kind="prompt").inc(prompt_tokens)
        if completion_tokens:
            LLM_TOKENS.labels(kind="completion").inc(completion_tokens)

    def fallback(self, reason: str) -> None:
        LLM_FALLBACKS.labels(reason=reason).inc()

    def refusal(self) -> None:
        LLM_REFUSALS.inc()
