"""The background side of a serving process, shared by `binhdan serve` (each HTTP worker) and
`binhdan worker` (no HTTP): the inbox and outbox workers, Telegram long polling (in exactly one process:
leader election through the database), the index watcher, and a shutdown that lets in-flight work finish.

Several processes may run all of this at once on PostgreSQL: inbox and outbox rows are claimed with
`FOR UPDATE SKIP LOCKED` and a lease, completion is checked against the claim, and polling is guarded by
an advisory lock (bot/storage/locks.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from bot.channels.throttle import ThrottledSender
from bot.config import Settings
from bot.runtime.jobs import PeriodicJobs
from bot.runtime.processor import MessageProcessor
from bot.runtime.workers import InboxWorker, OutboxWorker, Wakeup
from bot.storage.locks import LeaderLock
from bot.storage.messaging import MessageStore

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from bot.channels.telegram import TelegramSender

log = logging.getLogger(__name__)

POLL_LOCK = "telegram-polling"


def serving_settings(settings: Settings) -> Settings:
    """Settings for a serving process: `embedder.threads: 0` (auto) becomes 1. A server answers many
    questions at once, one per thread; one OpenMP team per question then oversubscribes the cores
    (bench/http_load.py: more answers per second with 1 thread per embedding than with 2 on 2 cores).
    The CLI (`ask`, `ingest`) keeps the library default: one question or one batch at a time."""
    if settings.embedder.threads:
        return settings
    return settings.model_copy(update={"embedder": settings.embedder.model_copy(update={"threads": 1})})


def available_cores() -> int:
    import os

    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def oversubscription(workers: int, threads: int, cores: int | None = None) -> str | None:
    """A warning when `workers` processes × `threads` embedding threads (0 = 1 when serving) exceed the
    cores: the threads then wait for each other and answers slow down for everyone. None when it fits."""
    cores = cores or available_cores()
    per = threads or 1
    if workers * per <= cores:
        return None
    return (f"warning: {workers} worker processes × {per} embedding thread(s) = {workers * per} > {cores} CPU "
            f"cores; answers will wait for each other (set server.workers or embedder.threads lower)")


class Reloadable(Protocol):
    def maybe_reload(self) -> bool: ...


class Serving(Protocol):
    """What the background side runs on (bot.bootstrap.Services)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def sessions(self) -> sessionmaker[Session]: ...
    @property
    def store(self) -> MessageStore: ...
    @property
    def processor(self) -> MessageProcessor: ...
    @property
    def senders(self) -> Sequence[ThrottledSender]: ...
    @property
    def telegram(self) -> TelegramSender | None: ...
    @property
    def live(self) -> Reloadable: ...
    @property
    def jobs(self) -> Sequence[tuple[str, float, Callable[[], object]]]: ...
    @property
    def outbox_wake(self) -> Wakeup: ...


class Background:
    def __init__(self, services: Serving, *, process_queues: bool = True, poll_telegram: bool = True,
                 watch_index: bool = True, extra_loops: list[Any] | None = None) -> None:
        s = services.settings
        self.services = services
        self.process_queues = process_queues
        self.poll = poll_telegram and services.telegram is not None and not s.telegram.webhook_url
        self.watch_index = watch_index and services.live is not None and s.index.reload_check_s > 0
        self.outbox = OutboxWorker(services.store, services.senders, lease_s=s.server.outbox_lease_s)
        self.inbox = InboxWorker(services.processor, on_processed=self.outbox.wake)
        self.extra_loops = list(extra_loops or [])
        self.jobs = PeriodicJobs()  # ticket sweep, reminders, retention … (Services.jobs)
        for name, every, fn in services.jobs:
            self.jobs.add(name, every, fn)
        if self.jobs.jobs:
            self.extra_loops.append(self.jobs)
        services.outbox_wake.attach(self.outbox.wake)  # routes that queue a reply wake the sender at once
        self.stopping = asyncio.Event()
        self.tasks: list[asyncio.Task[Any]] = []
        self.leader = False  # this process is the Telegram poller

    async def start(self) -> None:
        svc, s = self.services, self.services.settings
        for sender in svc.senders:
            try:
                await sender.start()
            except Exception as exc:  # the web chat still serves; sends are retried later
                log.error("channel %s could not start: %s", sender.channel, exc)
        if svc.telegram is not None and s.telegram.webhook_url:
            try:  # idempotent: every process may register the same webhook
                await svc.telegram.set_webhook(s.telegram.webhook_url, s.telegram.webhook_secret.get_secret_value())
            except Exception as exc:
                log.error("telegram webhook setup failed: %s", exc)
        if self.process_queues:
            self.tasks.append(asyncio.create_task(self.inbox.run(), name="inbox"))
            self.tasks.append(asyncio.create_task(self.outbox.run(), name="outbox"))
            for loop in self.extra_loops:
                self.tasks.append(asyncio.create_task(loop.run(), name=getattr(loop, "name", "loop")))
        if self.poll:
            self.tasks.append(asyncio.create_task(self._telegram_poller(), name="telegram-poller"))
        if self.watch_index:
            self.tasks.append(asyncio.create_task(self._index_watcher(), name="index-watcher"))

    async def stop(self, grace_s: float = 15.0) -> None:
        """Stop taking new work; let the batch in hand finish (up to `grace_s`), then cancel."""
        self.stopping.set()
        self.inbox.stop()
        self.outbox.stop()
        for loop in self.extra_loops:
            loop.stop()
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=grace_s)
            for t in pending:
                log.warning("%s did not finish within %.0f s: cancelled", t.get_name(), grace_s)
                t.cancel()
            if pending:
                await asyncio.wait(pending, timeout=5)
        for sender in self.services.senders:
            with contextlib.suppress(Exception):
                await sender.stop()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)

    async def _index_watcher(self) -> None:
        live = self.services.live
        every = self.services.settings.index.reload_check_s
        while not self.stopping.is_set():
            await self._sleep(every)
            if self.stopping.is_set():
                break
            try:
                await asyncio.to_thread(live.maybe_reload)
            except Exception:
                log.exception("index reload check failed")

    async def _telegram_poller(self) -> None:
        from bot.channels.telegram import parse_update

        svc = self.services
        tg = svc.telegram
        assert tg is not None  # self.poll
        lock = LeaderLock(svc.sessions.kw["bind"], POLL_LOCK)
        offset = 0
        try:
            while not self.stopping.is_set():
                try:
                    leader = await asyncio.to_thread(lock.try_acquire)
                except Exception as exc:
                    log.warning("telegram polling: leader election failed: %s", exc)
                    leader = False
                if not leader:
                    if self.leader:
                        log.warning("telegram polling: leadership lost")
                    self.leader = False
                    await self._sleep(5.0)
                    continue
                if not self.leader:
                    self.leader = True
                    log.info("telegram polling: this process polls (leader)")
                    try:
                        await tg.delete_webhook()
                    except Exception as exc:
                        log.warning("telegram deleteWebhook failed: %s", exc)
                try:
                    updates, offset = await tg.poll(offset, timeout=svc.settings.telegram.poll_timeout_s)
                except Exception as exc:  # network trouble: wait and poll again
                    log.warning("telegram polling failed: %s", exc)
                    await self._sleep(2.0)
                    continue
                stored = 0
                for u in updates:
                    msg = parse_update(u)
                    if msg is not None and await asyncio.to_thread(svc.processor.accept, msg) is not None:
                        stored += 1
                if stored:
                    self.inbox.wake.set()
        finally:
            await asyncio.to_thread(lock.release)


async def run_worker(services: Serving, *, metrics_port: int | None = None) -> None:
    """`binhdan worker`: the queues, polling and index watcher without HTTP, until SIGTERM or SIGINT;
    then the batch in hand is finished before the process exits."""
    from bot.infra.metrics import QUEUES

    s = services.settings
    QUEUES.source = services.store.queue_depth
    if metrics_port:
        from prometheus_client import start_http_server

        from bot.infra.metrics import scrape_registry

        start_http_server(metrics_port, addr=s.server.host, registry=scrape_registry())
    bg = Background(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await bg.start()
    log.info("binhdan worker running (inbox, outbox%s%s)", ", telegram polling" if bg.poll else "",
             ", index watcher" if bg.watch_index else "")
    await stop.wait()
    log.info("binhdan worker stopping: finishing the work in hand (up to %.0f s)", s.server.shutdown_grace_s)
    await bg.stop(s.server.shutdown_grace_s)
    log.info("binhdan worker stopped")
