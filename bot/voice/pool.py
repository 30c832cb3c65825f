"""A bounded pool for CPU-heavy voice work: at most one thread per core, a queue with back-pressure
(`submit` returns False when it is full: the citizen is told "đang bận, bác thử lại sau"), threads at a
lower scheduling priority than the web server and the inbox worker so that text answers keep their pace."""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class BoundedPool:
    def __init__(self, *, workers: int = 1, queue_size: int = 8, nice: int = 10, name: str = "voice") -> None:
        self.workers = max(1, min(workers, os.cpu_count() or 1))
        self.nice = nice
        self.name = name
        self._queue: queue.Queue[Callable[[], object] | None] = queue.Queue(maxsize=max(1, queue_size))
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._busy = 0

    def _start(self) -> None:
        with self._lock:
            while len(self._threads) < self.workers:
                th = threading.Thread(target=self._run, name=f"{self.name}-{len(self._threads)}", daemon=True)
                th.start()
                self._threads.append(th)

    def _run(self) -> None:
        if self.nice:
            with contextlib.suppress(OSError, AttributeError):  # Linux: per-thread niceness
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                self._busy += 1
            try:
                job()
            except Exception:
                log.exception("%s job failed", self.name)
            finally:
                with self._lock:
                    self._busy -= 1
                self._queue.task_done()

    def submit(self, job: Callable[[], object]) -> bool:
        """Queue `job`; False (nothing queued) when the queue is full."""
        self._start()
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            return False
        return True

    def depth(self) -> int:
        """Jobs waiting plus jobs running."""
        return self._queue.qsize() + self._busy

    def join(self) -> None:
        self._queue.join()

    def stop(self) -> None:
        for _ in self._threads:
            with contextlib.suppress(queue.Full):
                self._queue.put_nowait(None)
