"""The managed knowledge files on disk (`knowledge.managed_dir`), the `KnowledgeFiles` port of
bot/core/admin: every write is atomic (a temporary file, then a rename), and every change returns its
undo. Layout (the ingest run indexes everything but the hidden drafts folder):

    <managed_dir>/guides/<topic>/<id>.md      published guides written from the console
    <managed_dir>/tables/<name>.csv           published FAQ tables
    <managed_dir>/.drafts/<id>.md|<name>.csv  drafts
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.admin.model import DRAFT_EXT, DraftFile, Undo

DRAFTS = ".drafts"


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _restore(path: Path, old: bytes | None) -> Undo:
    def undo() -> None:
        if old is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write(path, old)

    return undo


class ManagedFiles:
    def __init__(self, managed_dir: Path) -> None:
        self.managed = managed_dir

    @property
    def drafts_dir(self) -> Path:
        return self.managed / DRAFTS

    # ---- reading ------------------------------------------------------------------------------------
    def read(self, ref: str) -> str | None:
        try:
            return Path(ref).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return None

    def is_managed(self, ref: str) -> bool:
        return str(Path(ref).resolve()).startswith(str(self.managed.resolve()))

    def managed_guide(self, doc_id: str) -> str | None:
        if not self.managed.is_dir():
            return None
        for p in sorted(self.managed.rglob(f"{doc_id}.md")):
            if DRAFTS not in p.relative_to(self.managed).parts:
                return str(p)
        return None

    def table(self, name: str) -> str | None:
        p = self.managed / "tables" / f"{name}.csv"
        return str(p) if p.exists() else None

    # ---- drafts -------------------------------------------------------------------------------------
    def _draft_file(self, p: Path) -> DraftFile:
        return DraftFile(p.stem, p.suffix, str(p), p.read_text(encoding="utf-8"),
                         dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC))

    def draft(self, name: str) -> DraftFile | None:
        for ext in DRAFT_EXT:
            p = self.drafts_dir / f"{name}{ext}"
            if p.exists():
                return self._draft_file(p)
        return None

    def has_draft(self, name: str, ext: str) -> bool:
        return (self.drafts_dir / f"{name}{ext}").exists()

    def drafts(self) -> list[DraftFile]:
        if not self.drafts_dir.is_dir():
            return []
        return [self._draft_file(p) for p in sorted(self.drafts_dir.iterdir())
                if not p.name.startswith(".") and p.suffix in DRAFT_EXT]

    def write_draft(self, name: str, ext: str, text: str) -> None:
        atomic_write(self.drafts_dir / f"{name}{ext}", text.encode("utf-8"))

    def delete_draft(self, name: str, ext: str) -> None:
        (self.drafts_dir / f"{name}{ext}").unlink()

    # ---- publishing ---------------------------------------------------------------------------------
    def publish_table(self, name: str) -> tuple[str, str, Undo]:
        draft = self.drafts_dir / f"{name}.csv"
        text = draft.read_bytes()
        target = self.managed / "tables" / draft.name
        old = target.read_bytes() if target.exists() else None
        atomic_write(target, text)
        draft.unlink()

        def undo() -> None:
            _restore(target, old)()
            atomic_write(draft, text)

        return (old or b"").decode("utf-8"), text.decode("utf-8"), undo

    def _place_guide(self, doc_id: str, topic: str, data: bytes) -> Undo:
        """Write guides/<topic>/<doc_id>.md, removing an older managed copy in another topic folder."""
        target = self.managed / "guides" / topic / f"{doc_id}.md"
        found = self.managed_guide(doc_id)
        previous = Path(found) if found is not None else None
        old_prev = previous.read_bytes() if previous is not None else None
        target_old = target.read_bytes() if target.exists() else None
        if previous is not None and previous != target:
            previous.unlink()
        atomic_write(target, data)

        def undo() -> None:
            _restore(target, target_old)()
            if previous is not None and previous != target and old_prev is not None:
                atomic_write(previous, old_prev)

        return undo

    def publish_guide(self, name: str, topic: str) -> tuple[str, Undo]:
        draft = self.drafts_dir / f"{name}.md"
        text = draft.read_bytes()
        placed = self._place_guide(name, topic, text)
        draft.unlink()

        def undo() -> None:
            placed()
            atomic_write(draft, text)

        return text.decode("utf-8"), undo

    def write_guide(self, doc_id: str, topic: str, text: str) -> Undo:
        return self._place_guide(doc_id, topic, text.encode("utf-8"))

    def unpublish(self, ref: str) -> tuple[str, Undo]:
        path = Path(ref)
        text = path.read_bytes()
        draft = self.drafts_dir / path.name
        draft_old = draft.read_bytes() if draft.exists() else None
        if draft_old is None:
            atomic_write(draft, text)
        path.unlink()

        def undo() -> None:
            atomic_write(path, text)
            _restore(draft, draft_old)()

        return text.decode("utf-8"), undo
