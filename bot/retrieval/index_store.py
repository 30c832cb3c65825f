"""The on-disk index format, written atomically and refused when built with another model.

    <dir>/CURRENT                  name of the live build (replaced atomically with os.replace)
    <dir>/builds/<build_id>/
        manifest.json              format, model id, dimension, normalisation, counts, build time
        chunks.jsonl               one JSON object per chunk (metadata, display text, search text)
        vectors.faiss              faiss IndexFlatIP over L2-normalised vectors (row i = chunk i)
        tones.json                 the tone-restoration model fitted on the same text
        heads.npy, heads.json      optional: one vector per phrasing that names a document (its title and
                                   `questions`, a portal FAQ's question), embedded as a query, and the
                                   document id of each row (question-to-question similarity)
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.retrieval.tones import ToneModel

FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)  # format 1 lacks the document metadata; it loads with empty fields
NORMALISATION = "nfc+lower; lexical: accent-folded syllables + syllable bigrams; dense: tone-restored text"


class IndexMissing(FileNotFoundError):
    """No index has been built at this location yet."""


class IndexMismatch(RuntimeError):
    """The index was built with another embedding model or an incompatible format."""


@dataclass(frozen=True)
class IndexedChunk:
    chunk_id: str
    doc_id: str
    title: str
    url: str
    lang: str
    topic: str
    kind: str
    text: str  # what is shown to the citizen
    search_text: str  # what is embedded and tokenised (title + headings + text + questions)
    lead: str = ""
    content_hash: str = ""
    # document-level metadata, on the document's first chunk only (format 2): the guide's one-sentence
    # summary, its checked facts ({text, kind, source, checked_on}) and its `questions` phrasings
    summary: str = ""
    facts: tuple[dict[str, str], ...] = ()
    questions: tuple[str, ...] = ()


@dataclass
class LoadedIndex:
    path: Path
    manifest: dict[str, Any]
    chunks: list[IndexedChunk]
    vectors: NDArray[np.float32]
    tones: ToneModel | None
    heads: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 1), np.float32))
    head_docs: list[str] = field(default_factory=list)


def write_index(
    index_dir: Path,
    *,
    chunks: list[IndexedChunk],
    vectors: NDArray[np.float32],
    model_id: str,
    tones: ToneModel,
    extra: dict[str, Any] | None = None,
    keep_builds: int = 2,
    heads: tuple[list[str], NDArray[np.float32]] | None = None,
) -> Path:
    """Write a new build and make it live atomically. Returns the build directory.

    A failure at any point leaves the previous live build untouched.
    """
    import faiss

    if len(chunks) != len(vectors):
        raise ValueError("one vector per chunk is required")
    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.perf_counter_ns() % 100000}"
    tmp = builds / f".{build_id}.tmp"
    tmp.mkdir()
    try:
        dim = int(vectors.shape[1]) if len(vectors) else 0
        (tmp / "chunks.jsonl").write_text(
            "".join(json.dumps(c.__dict__, ensure_ascii=False) + "\n" for c in chunks), encoding="utf-8")
        index = faiss.IndexFlatIP(dim or 1)
        if len(vectors):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(index, str(tmp / "vectors.faiss"))
        tones.save(tmp / "tones.json")
        head_docs, head_vectors = heads if heads is not None else ([], np.zeros((0, dim or 1), np.float32))
        if len(head_docs) != len(head_vectors):
            raise ValueError("one document id per head vector is required")
        if head_docs:
            np.save(tmp / "heads.npy", np.ascontiguousarray(head_vectors, dtype=np.float32))
            (tmp / "heads.json").write_text(json.dumps(head_docs, ensure_ascii=False), encoding="utf-8")
        manifest = {
            "format_version": FORMAT_VERSION,
            "model_id": model_id,
            "dim": dim,
            "normalisation": NORMALISATION,
            "counts": {"chunks": len(chunks), "documents": len({c.doc_id for c in chunks}), "heads": len(head_docs)},
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_id": build_id,
            **(extra or {}),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
        for f in tmp.iterdir():
            with f.open("rb") as fh:
                os.fsync(fh.fileno())
        final = builds / build_id
        os.replace(tmp, final)
        pointer = index_dir / ".CURRENT.tmp"
        pointer.write_text(build_id + "\n", encoding="utf-8")
        os.replace(pointer, index_dir / "CURRENT")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _collect_garbage(builds, keep=keep_builds, live=build_id)
    return final


def _collect_garbage(builds: Path, *, keep: int, live: str) -> None:
    done = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in done[:-keep]:
        if old.name != live:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob(".*.tmp"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if not pointer.exists():
        raise IndexMissing(f"no index at {index_dir}: run `binhdan ingest` first")
    build = index_dir / "builds" / pointer.read_text(encoding="utf-8").strip()
    if not (build / "manifest.json").exists():
        raise IndexMissing(f"the index at {index_dir} names a missing build {build.name}")
    return build


def live_build_id(index_dir: Path) -> str | None:
    """The name of the live build (one small file read: cheap enough to poll), or None when there is none."""
    try:
        return (index_dir / "CURRENT").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def read_manifest(index_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((current_build(index_dir) / "manifest.json").read_text("utf-8"))
    return data


def load_index(index_dir: Path, *, expected_model_id: str | None) -> LoadedIndex:
    """Load the live build. Raises IndexMissing, or IndexMismatch for another model or format."""
    import faiss

    build = current_build(index_dir)
    manifest = json.loads((build / "manifest.json").read_text("utf-8"))
    if manifest.get("format_version") not in READABLE_VERSIONS:
        raise IndexMismatch(f"index format {manifest.get('format_version')} is not {FORMAT_VERSION}: re-run ingest")
    if expected_model_id is not None and manifest.get("model_id") != expected_model_id:
        raise IndexMismatch(
            f"the index at {index_dir} was built with {manifest.get('model_id')!r}, but the configured "
            f"embedder is {expected_model_id!r}: run `binhdan ingest` again or change embedder.kind"
        )
    chunks = []
    with (build / "chunks.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            row["facts"] = tuple(row.get("facts") or ())
            row["questions"] = tuple(row.get("questions") or ())
            chunks.append(IndexedChunk(**row))
    index = faiss.read_index(str(build / "vectors.faiss"))
    n = index.ntotal
    vectors = index.reconstruct_n(0, n) if n else np.zeros((0, manifest.get("dim", 1)), np.float32)
    tones_path = build / "tones.json"
    tones = ToneModel.load(tones_path) if tones_path.exists() else None
    loaded = LoadedIndex(path=build, manifest=manifest, chunks=chunks,
                         vectors=np.asarray(vectors, np.float32), tones=tones)
    if (build / "heads.json").exists():  # builds before the head vectors have none: chunks alone are searched
        loaded.head_docs = list(json.loads((build / "heads.json").read_text("utf-8")))
        loaded.heads = np.asarray(np.load(build / "heads.npy"), np.float32)
    return loaded
