"""Which paths the ingest run reads: the bundled knowledge minus the guides that a managed guide (written
from the admin console into `knowledge.managed_dir`) replaces, plus the managed folder.

This is the pipeline's own question — it is answered with the pipeline's discovery and front-matter
reader, over paths, before any run — so it lives here and not with the console's files
(bot/storage/kbfiles.py, which may not import the pipeline)."""

from __future__ import annotations

from pathlib import Path

from ingest.documents import SourceError
from ingest.readers import discover, split_front_matter

GUIDE_EXT = (".md", ".markdown")


def _guide_id(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
        meta, _, _ = split_front_matter(path, text)
    except (OSError, UnicodeDecodeError, SourceError):
        return None
    return str(meta.get("id") or "").strip() or None


def effective_sources(bundled: list[Path], managed: Path) -> list[Path]:
    """The paths to ingest: the bundled knowledge minus guides that a managed guide with the same id
    replaces, plus the managed folder."""
    if not managed.is_dir():
        return list(bundled)
    ids = {p.stem for p in discover([managed]) if p.suffix.lower() in GUIDE_EXT}
    out: list[Path] = []
    for p in bundled:
        if p.resolve() == managed.resolve():
            continue
        try:
            files = discover([p])
        except SourceError:
            out.append(p)  # the ingest run reports the missing path
            continue
        kept = [f for f in files if not (f.suffix.lower() in GUIDE_EXT and ids and _guide_id(f) in ids)]
        out.extend([p] if len(kept) == len(files) else kept)
    out.append(managed)
    return out
