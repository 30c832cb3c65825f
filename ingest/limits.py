"""Limits on what a source file may cost to read (issue 25, "document bombs"), checked before and while
parsing by every reader — the admin console's upload preview (in a sandboxed child, ingest/sandbox.py)
and `binhdan ingest` alike.

- zip containers (DOCX, XLSX): the central directory is checked before anything is decompressed — number
  of members, total uncompressed size, compression ratio of each large member;
- DOCX paragraphs and XLSX rows / cells are counted while reading, and reading stops at the limit;
- text files (Markdown, CSV, JSONL, HTML): size in characters, CSV rows;
- YAML front matter: a safe loader that refuses aliases (no "billion laughs") and nesting deeper than
  `yaml_depth` (a 10,000-deep front matter is a clear error, not a RecursionError).
A file over a limit raises `LimitError` (a `SourceError`), with an English message for the CLI and a
Vietnamese one (`vi`) and an HTTP status (413 too large, 422 over a structural limit) for the console.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ingest.documents import SourceError


@dataclass(frozen=True)
class ParseLimits:
    max_text_chars: int = 2_000_000  # Markdown, CSV, JSONL, HTML after decoding
    max_zip_members: int = 500
    max_unzipped_bytes: int = 60_000_000  # all members together
    max_ratio: float = 200.0  # uncompressed / compressed, for members over 1 MB
    max_paragraphs: int = 20_000  # DOCX <w:p> elements
    max_rows: int = 20_000  # CSV / XLSX data rows
    max_cells: int = 400_000  # XLSX cells read
    yaml_depth: int = 20
    # the sandbox (ingest/sandbox.py): one child per upload, at most `workers` at a time
    cpu_s: int = 4
    memory_mb: int = 1024
    wall_s: float = 4.0
    workers: int = 2


LIMITS = ParseLimits()


class LimitError(SourceError):
    """A file over one of the limits. `vi` is the Vietnamese message; `status` 413 or 422."""

    def __init__(self, path: str, message: str, *, vi: str, status: int = 422) -> None:
        super().__init__(path, message)
        self.vi, self.status = vi, status


def check_text(path: Path | str, text: str, limits: ParseLimits = LIMITS) -> None:
    if len(text) > limits.max_text_chars:
        raise LimitError(str(path), f"text over {limits.max_text_chars:,} characters", status=413,
                         vi=f"Tệp quá dài (hơn {limits.max_text_chars:,} ký tự).".replace(",", "."))


def check_zip(path: Path, limits: ParseLimits = LIMITS, *, data: bytes | None = None) -> None:
    """Refuse a zip container whose directory promises too much, before decompressing anything (`data`:
    the file's bytes, when it is not on disk)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(str(path), f"not a valid zip container ({exc.__class__.__name__})") from exc
    if len(infos) > limits.max_zip_members:
        raise LimitError(str(path), f"{len(infos)} zip members (at most {limits.max_zip_members})",
                         vi=f"Tệp chứa quá nhiều phần ({len(infos)}), có thể là tệp độc hại.")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        raise LimitError(str(path), f"unzips to {total:,} bytes (at most {limits.max_unzipped_bytes:,})", status=413,
                         vi=f"Tệp giải nén ra quá lớn ({total // 1_000_000} MB, tối đa "
                            f"{limits.max_unzipped_bytes // 1_000_000} MB), có thể là tệp độc hại (zip bomb).")
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            raise LimitError(str(path), f"member {i.filename!r} compressed {i.file_size // max(i.compress_size, 1)}:1",
                             status=413, vi="Tệp nén bất thường (tỉ lệ nén quá cao), có thể là tệp độc hại (zip bomb).")


def count_docx_paragraphs(path: Path, limits: ParseLimits = LIMITS) -> int:
    """The number of paragraphs in word/document.xml (streamed); LimitError past the limit."""
    n, tail = 0, b""
    with zipfile.ZipFile(path) as z:
        try:
            f = z.open("word/document.xml")
        except KeyError:
            return 0
        with f:
            while chunk := f.read(1 << 20):
                buf = tail + chunk
                n += buf.count(b"<w:p>") + buf.count(b"<w:p ") + buf.count(b"<w:p/>")
                tail = buf[-5:]
                n -= tail.count(b"<w:p>") + tail.count(b"<w:p ") + tail.count(b"<w:p/>")
                if n > limits.max_paragraphs:
                    raise LimitError(str(path), f"more than {limits.max_paragraphs:,} paragraphs",
                                     vi=f"Tài liệu có quá nhiều đoạn (hơn {limits.max_paragraphs:,}).".replace(",", "."))
    return n


def too_many_rows(path: Path | str, limits: ParseLimits = LIMITS) -> LimitError:
    return LimitError(str(path), f"more than {limits.max_rows:,} rows",
                      vi=f"Bảng có quá nhiều dòng (hơn {limits.max_rows:,}).".replace(",", "."))


def too_many_cells(path: Path | str, limits: ParseLimits = LIMITS) -> LimitError:
    return LimitError(str(path), f"more than {limits.max_cells:,} cells",
                      vi=f"Bảng có quá nhiều ô (hơn {limits.max_cells:,}).".replace(",", "."))


class _Refused(yaml.YAMLError):
    def __init__(self, problem: str, vi: str) -> None:
        super().__init__(problem)
        self.problem, self.vi = problem, vi


class BoundedSafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader without aliases and with a nesting limit (`max_depth`)."""

    max_depth = LIMITS.yaml_depth

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused("aliases (*name) are not allowed", "Phần đầu YAML không được dùng bí danh (&, *).")
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise _Refused(f"nested deeper than {self.max_depth} levels",
                               f"Phần đầu YAML lồng quá sâu (hơn {self.max_depth} cấp).")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_yaml(path: Path | str, text: str) -> Any:
    """YAML through `BoundedSafeLoader`. Raises LimitError (aliases, depth) or yaml.YAMLError."""
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        raise LimitError(str(path), f"front matter: {exc.problem}", vi=exc.vi) from None
    except RecursionError:
        raise LimitError(str(path), "front matter nested too deeply", vi="Phần đầu YAML lồng quá sâu.") from None
    finally:
        loader.dispose()
