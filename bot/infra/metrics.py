"""Prometheus metrics of the process (prometheus_client, default registry).

The HTTP metrics are recorded by `bot.web.routes.metrics`; the answer and message metrics here. With several
worker processes (`binhdan serve --workers N`) prometheus_client's multiprocess mode is used: the
environment variable PROMETHEUS_MULTIPROC_DIR must be set before this module is first imported (the CLI
does it), and `/metrics` then adds up the files of every worker.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

from bot.core.answering.service import AnswerService
from bot.core.types import Answer

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)

HTTP_REQUESTS = Counter("binhdan_http_requests_total", "HTTP requests by route template and status",
                        ["method", "route", "status"])
HTTP_SECONDS = Histogram("binhdan_http_request_seconds", "HTTP request duration by route template",
                         ["method", "route"], buckets=LATENCY_BUCKETS)
ANSWER_SECONDS = Histogram("binhdan_answer_seconds", "Time to answer one question (analyse, retrieve, compose)",
                           buckets=LATENCY_BUCKETS)
ANSWER_CONFIDENCE = Histogram("binhdan_answer_confidence", "Calibrated confidence of the answers",
                              buckets=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.87, 0.9, 0.95, 1.0))
ANSWERS = Counter("binhdan_answers_total", "Answers by outcome (covered or handed to a volunteer)", ["covered"])
MESSAGES = Counter("binhdan_messages_processed_total", "Inbound messages taken through the engine",
                   ["channel", "outcome"])
MESSAGE_SECONDS = Histogram("binhdan_message_processing_seconds",
                            "Time from claiming an inbound message to its replies being queued", ["channel"],
                            buckets=LATENCY_BUCKETS)
SENDS = Counter("binhdan_replies_sent_total", "Replies handed to a platform", ["channel", "outcome"])
INDEX_RELOADS = Counter("binhdan_index_reloads_total", "Switches of this process to a new index build")


class MeteredAnswerService(AnswerService):
    """The answer service, observing each answer's latency and confidence."""

    def answer(self, question: str, **kwargs: Any) -> Answer:
        started = time.perf_counter()
        a = super().answer(question, **kwargs)
        ANSWER_SECONDS.observe(time.perf_counter() - started)
        ANSWER_CONFIDENCE.observe(a.confidence)
        ANSWERS.labels(covered="yes" if a.covered else "no").inc()
        return a


class QueueDepthCollector:
    """Queue depths and open tickets, read from the database at scrape time (a few indexed counts).

    One per process; the serving app points `source` at its message store when it starts."""

    def __init__(self) -> None:
        self.source: Callable[[], dict[str, int]] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.source is None:
            return
        try:
            depth = self.source()
        except Exception as exc:  # the scrape must not fail with the database
            log.warning("queue depth unavailable: %s", exc)
            return
        queue = GaugeMetricFamily("binhdan_queue_depth", "Inbox and outbox rows by status", labels=["queue", "status"])
        tickets = GaugeMetricFamily("binhdan_tickets", "Volunteer tickets by status", labels=["status"])
        for key, n in sorted(depth.items()):
            name, _, status = key.partition("_")
            if name == "tickets":
                tickets.add_metric([status], n)
            else:
                queue.add_metric([name, status], n)
        yield queue
        yield tickets


QUEUES = QueueDepthCollector()
REGISTRY.register(QUEUES)


def scrape_registry() -> CollectorRegistry:
    """What /metrics exposes: the default registry (every metric of this process, including those other
    modules register there), or, in multiprocess mode, the sum over every worker's files + queue depth."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(QUEUES)
    return registry
