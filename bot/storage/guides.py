"""The managed guides on disk (knowledge.managed_dir): a guide written by the console, e.g. an approved
volunteer FAQ, as YAML front matter + Markdown body (the format of knowledge/, docs/KNOWLEDGE.md)."""

from __future__ import annotations

from pathlib import Path

import yaml


class ManagedGuides:
    """Implements bot.core.admin.faq.GuideShelf: `<directory>/<folder>/<doc_id>.md`, replaced atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, folder: str, doc_id: str) -> Path:
        return self.directory / folder / f"{doc_id}.md"

    def write(self, folder: str, doc_id: str, front: dict[str, object], body: str) -> None:
        path = self._path(folder, doc_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n{body}\n", encoding="utf-8")
        tmp.replace(path)

    def remove(self, folder: str, doc_id: str) -> None:
        self._path(folder, doc_id).unlink(missing_ok=True)
