"""Knowledge-base jobs: a change to the files and the ingest run that indexes it, in a background thread,
one at a time, with progress in the database (so a page served by any worker process can poll it).

Answering never stops: the ingest builds the new index beside the live one, and only when it is written
does the serving process switch to it (`reload`, i.e. Services.reload_index). When the run fails, the
change is undone and the previous index stays live — a failed upload changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from bot.core.admin.model import Change, KbError
from ingest.pipeline import IngestFailed

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


class Reindexer:
    def __init__(self, jobs: Any, run: Callable[[Callable[[str, int, int], None]], Any], reload: Callable[[], bool], *,
                 exclusive: Callable[[], AbstractContextManager[object]] | None = None,
                 throttle_s: float = 0.3) -> None:
        self.jobs = jobs  # AdminStore: start_job, progress, finish_job
        self.run = run  # runs the ingest with a progress callback; raises IngestFailed
        self.reload = reload  # switches this process to the new index
        self.exclusive = exclusive or _nothing  # one ingest at a time (in this process and across processes)
        self.throttle_s = throttle_s
        self.threads: list[threading.Thread] = []

    def start(self, kind: str, *, actor: str, target: str = "", change: Callable[[], Change | None] | None = None,
              on_done: Callable[[Change | None, dict[str, object]], None] | None = None,
              on_failed: Callable[[str], None] | None = None, wait: bool = False) -> Any:
        """Start a job; returns it at once (`wait`: when it has finished)."""
        job = self.jobs.start_job(kind, actor=actor, target=target)
        t = threading.Thread(target=self._work, args=(job.id, change, on_done, on_failed), daemon=True,
                             name=f"kb-job-{job.id}")
        self.threads = [x for x in self.threads if x.is_alive()] + [t]
        t.start()
        if wait:
            t.join()
        return self.jobs.job(job.id) if wait else job

    def _work(self, job_id: int, change: Callable[[], Change | None] | None,
              on_done: Callable[[Change | None, dict[str, object]], None] | None,
              on_failed: Callable[[str], None] | None) -> None:
        last: dict[str, Any] = {"at": 0.0, "phase": ""}

        def progress(phase: str, done: int, total: int) -> None:
            now = time.monotonic()
            if phase != last["phase"] or done >= total or now - last["at"] >= self.throttle_s:
                last.update(at=now, phase=phase)
                with contextlib.suppress(Exception):  # progress is a courtesy; the run matters
                    self.jobs.progress(job_id, phase, done, total)

        applied: Change | None = None
        try:
            with self.exclusive():
                progress("change", 0, 1)
                applied = change() if change is not None else None
                try:
                    summary = self.run(progress)
                except BaseException:
                    if applied is not None:
                        applied.undo()
                    raise
                progress("switch", 0, 1)
                self.reload()
            detail: dict[str, object] = {"summary": summary.as_dict() if hasattr(summary, "as_dict") else {}}
            self.jobs.finish_job(job_id, ok=True, detail=detail)
            if on_done is not None:
                on_done(applied, detail)
        except Exception as exc:
            errors = exc.errors if isinstance(exc, (IngestFailed, KbError)) else []
            message = str(exc) if isinstance(exc, (IngestFailed, KbError)) else f"{exc.__class__.__name__}: {exc}"
            if not isinstance(exc, (IngestFailed, KbError)):
                log.exception("knowledge-base job %s failed", job_id)
            self.jobs.finish_job(job_id, ok=False, detail={"error": message[:1000], "errors": [e[:500] for e in errors[:20]]})
            if on_failed is not None:
                with contextlib.suppress(Exception):
                    on_failed(message)

    def join(self, timeout: float = 60) -> None:
        for t in list(self.threads):
            t.join(timeout)
