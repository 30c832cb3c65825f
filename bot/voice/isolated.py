"""Speech recognition in child processes, so that a voice note never slows the text answers of the server.

In the server's own process, faster-whisper's decoding loop holds the GIL between its CTranslate2 calls: with ten
voice notes being transcribed, the web chat's text answers went from a p95 of 12 ms to 35–109 ms (a lowered thread
priority does not help against the GIL). `IsolatedRecognizer` runs `WhisperRecognizer` in `workers` spawned child
processes at a lower scheduling priority (`nice`), each loading the model once; the voice pool's threads only wait
for their result. The audio samples go to the child through a pipe and are not kept there either.

A child that dies (out of memory, a crash in a native library) fails only the note it was reading: the next note
starts a new child."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from bot.voice.recognizer import Transcript, WhisperRecognizer

_CHILD: WhisperRecognizer | None = None  # the recogniser of a child process (set by `_start_child`)


def _start_child(model_dir: str, options: dict[str, Any], nice: int) -> None:
    global _CHILD
    if nice:
        with contextlib.suppress(OSError):
            os.nice(nice)
    _CHILD = WhisperRecognizer(model_dir, **options)
    _CHILD.model()  # loaded now, before the first note waits for it


def _transcribe_in_child(samples: Any, deadline: float | None) -> Transcript:
    assert _CHILD is not None, "the child process was not initialised"
    return _CHILD.transcribe(samples, deadline=deadline)


class IsolatedRecognizer:
    """`WhisperRecognizer`'s `transcribe`, run in child processes (started on first use). `deadline` is a
    `time.monotonic()` value: one clock for every process on Linux."""

    def __init__(self, model_dir: str | Callable[[], str], *, threads: int = 1, workers: int = 1, beam_size: int = 5,
                 prompt: str = "", language: str = "vi", vad: bool = False, nice: int = 10) -> None:
        self.model_dir = model_dir
        self.workers = max(1, workers)
        self.nice = nice
        self.options: dict[str, Any] = {"threads": threads, "workers": 1, "beam_size": beam_size, "language": language,
                                        "vad": vad, **({"prompt": prompt} if prompt else {})}
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                path = self.model_dir() if callable(self.model_dir) else self.model_dir  # weights joined here, once
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_child, initargs=(str(path), self.options, self.nice))
            return self._executor

    def transcribe(self, samples: Any, *, deadline: float | None = None) -> Transcript:
        pool = self._pool()
        try:
            return pool.submit(_transcribe_in_child, samples, deadline).result()
        except BrokenProcessPool:
            with self._lock:  # a child died: this note failed, the next one gets a new pool
                if self._executor is pool:
                    self._executor = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise

    def close(self) -> None:
        with self._lock:
            pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
