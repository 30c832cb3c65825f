"""A cache of query vectors in front of any embedder: an in-process LRU, and optionally Redis shared by
every worker process (a campaign day brings the same questions again and again).

Keys are the embedder's `model_id` + the exact query text the retriever embeds (already normalised by the
analyser), so another model never reads these vectors. Passages are passed through untouched. Redis is
best effort: an unreachable server is logged once and the in-process cache keeps working.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.retrieval.embedders import Embedder, Matrix

log = logging.getLogger(__name__)

REDIS_TTL_S = 7 * 24 * 3600


class CachedQueryEmbedder:
    """Wraps `inner`; `embed_queries` answers from the cache what it can and embeds the rest in one call."""

    def __init__(self, inner: Embedder, *, size: int = 2048, redis_url: str = "") -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.size = size
        self._lru: OrderedDict[str, Matrix] = OrderedDict()
        self._lock = threading.Lock()
        self._redis: Any = None
        self._redis_failed = False
        self.hits = self.misses = 0
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=0.05, socket_connect_timeout=0.2)

    def __getattr__(self, name: str) -> Any:  # e.g. the tokenizer of the wrapped embedder
        return getattr(self.inner, name)

    def _key(self, text: str) -> str:
        return "binhdan:qvec:" + hashlib.sha256(f"{self.model_id}\x00{text}".encode()).hexdigest()[:32]

    def _remote_get(self, keys: list[str]) -> list[bytes | None]:
        if self._redis is None or self._redis_failed:
            return [None] * len(keys)
        try:
            return list(self._redis.mget(keys))
        except Exception as exc:  # best effort: Redis down is not an outage of the bot
            self._redis_failed = True
            log.warning("query-vector cache: Redis unavailable (%s); in-process cache only", exc)
            return [None] * len(keys)

    def _remote_put(self, items: dict[str, Matrix]) -> None:
        if self._redis is None or self._redis_failed or not items:
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for k, v in items.items():
                pipe.set(k, np.asarray(v, np.float32).tobytes(), ex=REDIS_TTL_S)
            pipe.execute()
        except Exception as exc:
            self._redis_failed = True
            log.warning("query-vector cache: Redis unavailable (%s); in-process cache only", exc)

    def embed_queries(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), np.float32)
        keys = [self._key(t) for t in texts]
        missing: list[int] = []
        embedded = 0
        with self._lock:
            for i, k in enumerate(keys):
                v = self._lru.get(k)
                if v is None:
                    missing.append(i)
                else:
                    self._lru.move_to_end(k)
                    out[i] = v
        if missing:
            remote = self._remote_get([keys[i] for i in missing])
            still: list[int] = []
            for i, raw in zip(missing, remote, strict=True):
                if raw is not None and len(raw) == 4 * self.dim:
                    out[i] = np.frombuffer(raw, np.float32)
                    self._remember(keys[i], out[i].copy())
                else:
                    still.append(i)
            if still:
                fresh = self.inner.embed_queries([texts[i] for i in still])
                embedded = len(still)
                out[still] = fresh
                for j, i in enumerate(still):
                    self._remember(keys[i], fresh[j].copy())
                self._remote_put({keys[i]: fresh[j] for j, i in enumerate(still)})
        self.hits += len(texts) - embedded
        self.misses += embedded
        return out

    def _remember(self, key: str, vec: Matrix) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._lru[key] = vec
            self._lru.move_to_end(key)
            while len(self._lru) > self.size:
                self._lru.popitem(last=False)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self.inner.embed_passages(texts)
