"""The file store behind ticket attachments, and the cleaning every picture goes through.

`FileStore` is the port: put / get / delete bytes under a random id, list ids (to remove bytes whose
row is gone). `LocalFileStore` keeps them in a folder (default `var/files`, mode 0600, never served as
static files). An S3-compatible store would implement the same four methods (boto3 `put_object`,
`get_object`, `delete_object`, `list_objects_v2` on one bucket, server-side encryption on); it is not
included because no S3 client is installed in this project (docs/VOLUNTEERS.md).

`clean_image` re-encodes a picture with Pillow — which drops EXIF (GPS position, phone model), XMP, ICC
and text chunks — after checking its pixel count (decompression bombs), and keeps JPEG or PNG.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Protocol

from bot.core.helpdesk.files import MAX_PIXELS, FileRejected, valid_file_id


class FileStore(Protocol):
    def put(self, file_id: str, data: bytes) -> None: ...

    def get(self, file_id: str) -> bytes | None: ...

    def delete(self, file_id: str) -> None: ...

    def ids(self) -> list[str]: ...


class LocalFileStore:
    """Files in one folder, named by their random id (checked: no path ever comes from outside)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, file_id: str) -> Path:
        if not valid_file_id(file_id):
            raise ValueError("not a file id")
        return self.root / file_id

    def put(self, file_id: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(file_id)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def get(self, file_id: str) -> bytes | None:
        try:
            return self._path(file_id).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, file_id: str) -> None:
        try:
            self._path(file_id).unlink(missing_ok=True)
        except ValueError:
            return

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return [p.name for p in self.root.iterdir() if p.is_file() and valid_file_id(p.name)]


def clean_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[bytes, str]:
    """(re-encoded bytes, mime): JPEG stays JPEG, everything else becomes PNG; metadata is not copied.
    Raises FileRejected("pixels") for too many pixels, FileRejected("broken") for an unreadable picture."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as probe:
            w, h = probe.size
            if w * h > max_pixels:
                raise FileRejected("pixels", f"the picture has more than {max_pixels // 1_000_000} million pixels")
            fmt = probe.format
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)  # keep the picture upright once the orientation tag is gone
            out = io.BytesIO()
            if fmt == "JPEG":
                rgb = upright.convert("RGB")
                clean = Image.new("RGB", rgb.size)
                clean.paste(rgb)
                clean.save(out, format="JPEG", quality=88, optimize=True)
                return out.getvalue(), "image/jpeg"
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "P") else "RGB"
            conv = upright.convert(mode)
            clean = Image.new(mode, conv.size)
            clean.paste(conv)
            clean.save(out, format="PNG", optimize=True)
            return out.getvalue(), "image/png"
    except FileRejected:
        raise
    except Exception as exc:  # Pillow raises many kinds (DecompressionBombError, OSError, SyntaxError …)
        raise FileRejected("broken", "the picture cannot be read") from exc
