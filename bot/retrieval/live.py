"""The live index of a serving process: a `Retriever` that switches to a new build atomically.

Every serving process (each `binhdan serve` worker, each `binhdan worker`) holds one `LiveRetriever`.
`reload()` compares the `CURRENT` pointer with the build it serves (one small file read); when another
build went live (an ingest, an upload in the admin console) it loads the new build and builds its
retriever off to the side, then replaces one reference. A question being answered keeps the retriever it
started with; the next one gets the new build. A build that cannot be loaded (another model, a broken
file) is reported once and the current one keeps serving.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bot.core.types import Passage, Retrieval
from bot.retrieval.hybrid import HybridRetriever
from bot.retrieval.index_store import LoadedIndex, live_build_id, load_index

log = logging.getLogger(__name__)

FREEZE_MIN_CHUNKS = 5_000  # below this the collector's walk over the index is cheap: leave the heap alone


class LiveRetriever:
    """Implements the core's `Retriever` port over whichever build is live in `directory`."""

    def __init__(self, directory: Path, index: LoadedIndex, make: Callable[[LoadedIndex], HybridRetriever], *,
                 expected_model_id: str | None, check_every_s: float = 5.0) -> None:
        self.directory = directory
        self._make = make
        self._expected = expected_model_id
        self.check_every_s = check_every_s
        self._current = make(index)
        self._manifest = index.manifest
        self._build_id = str(index.manifest.get("build_id") or index.path.name)
        self._refused: str | None = None
        self._lock = threading.Lock()
        self._checked = time.monotonic()
        self.on_reload: list[Callable[[dict[str, object]], None]] = []
        if len(index.chunks) >= FREEZE_MIN_CHUNKS:
            settle_heap()

    @property
    def build_id(self) -> str:
        return self._build_id

    @property
    def manifest(self) -> dict[str, object]:
        return self._manifest

    @property
    def current(self) -> HybridRetriever:
        return self._current

    # ---- the Retriever port: each call reads the reference once ----------------------------------
    def retrieve(self, question: str, *, limit: int = 5) -> Retrieval:
        return self._current.retrieve(question, limit=limit)

    def twin(self, doc_id: str, lang: str) -> str | None:
        return self._current.twin(doc_id, lang)

    def document(self, doc_id: str) -> Passage | None:
        return self._current.document(doc_id)

    def titles(self, topic: str, lang: str, *, limit: int = 5) -> list[tuple[str, str]]:
        return self._current.titles(topic, lang, limit=limit)

    # ---- reloading --------------------------------------------------------------------------------
    def stale(self) -> bool:
        """True when another build than the served one is live (reads the CURRENT pointer)."""
        live = live_build_id(self.directory)
        return live is not None and live != self._build_id and live != self._refused

    def reload(self, *, force: bool = False) -> bool:
        """Switch to the live build when it changed (or always, with `force`). True when it switched.

        Blocking (loading a build of 10,000 chunks takes seconds): call it from a worker thread."""
        with self._lock:
            self._checked = time.monotonic()
            if not force and not self.stale():
                return False
            live = live_build_id(self.directory)
            try:
                index = load_index(self.directory, expected_model_id=self._expected)
                fresh = self._make(index)
            except Exception as exc:  # keep serving the build we have
                if live != self._refused:
                    log.error("index build %s not loaded, still serving %s: %s", live, self._build_id, exc)
                self._refused = live
                return False
            old = self._build_id
            self._current = fresh
            self._manifest = index.manifest
            self._build_id = str(index.manifest.get("build_id") or index.path.name)
            self._refused = None
        if len(index.chunks) >= FREEZE_MIN_CHUNKS:
            del index, fresh
            settle_heap(release_previous=True)
        log.info("index reloaded: %s -> %s (%s chunks)", old, self._build_id, len(self._current.chunks))
        for callback in self.on_reload:
            try:
                callback(self._manifest)
            except Exception:
                log.exception("index reload callback failed")
        return True

    def maybe_reload(self) -> bool:
        """`reload()` at most once every `check_every_s` seconds (0 = never): cheap to call often."""
        if self.check_every_s <= 0 or time.monotonic() - self._checked < self.check_every_s:
            return False
        return self.reload()


def settle_heap(*, release_previous: bool = False) -> None:
    """Move everything alive now (the index: ~10 objects per chunk) out of the cyclic garbage collector's
    reach (`gc.freeze`), so its full collections stop walking the index — with 100,000 chunks one took
    hundreds of milliseconds, in the middle of somebody's question. After a reload the previous build is
    released first (`release_previous`): unfrozen, collected, and only then is the heap frozen again."""
    if release_previous:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
