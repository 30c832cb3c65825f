"""Attachment checks (pure): what a file is by its first bytes, whether it may be accepted, and the
unguessable id it is stored under. Re-encoding images (metadata stripped) and the pixel limit are the file
store adapter's job; the rules are here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
IMAGE_KINDS = ("image/jpeg", "image/png", "image/webp", "image/gif")
VOLUNTEER_KINDS = (*IMAGE_KINDS, "application/pdf")
CITIZEN_KINDS = IMAGE_KINDS
# a citizen's voice note kept for the volunteer while the ticket is open (issue 23, `voice.retention_s` > 0)
AUDIO_KINDS = ("audio/ogg", "audio/webm", "audio/mp4", "audio/aac", "audio/mpeg", "audio/wav")
ID_BYTES = 18  # 144 bits of randomness, above the 128 required


class FileRejected(ValueError):
    """`reason`: empty | too_large | type | pixels | broken."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def sniff(data: bytes) -> str:
    """The MIME type told by the file's magic bytes, or "" when unknown."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:5] == b"%PDF-":
        return "application/pdf"
    if data[:4] == b"OggS":  # Telegram voice notes (Opus)
        return "audio/ogg"
    if data[:4] == b"\x1a\x45\xdf\xa3":  # WebM (Matroska): the web chat's MediaRecorder
        return "audio/webm"
    if data[4:8] == b"ftyp":  # M4A (Zalo voice messages, iPhone recordings)
        return "audio/mp4"
    if data[:2] in (b"\xff\xf1", b"\xff\xf9"):  # AAC in ADTS frames
        return "audio/aac"
    if data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    return ""


def accept(data: bytes, *, allowed: tuple[str, ...], max_bytes: int = MAX_BYTES) -> str:
    """The file's MIME type when it may be stored. Raises FileRejected (the claimed type or name is never
    trusted: only the content counts)."""
    if not data:
        raise FileRejected("empty", "the file is empty")
    if len(data) > max_bytes:
        raise FileRejected("too_large", f"the file is larger than {max_bytes // (1024 * 1024)} MB")
    kind = sniff(data)
    if kind not in allowed:
        raise FileRejected("type", "only " + ", ".join(a.split("/")[1].upper() for a in allowed) + " files are accepted")
    return kind


def new_file_id() -> str:
    """A random, URL-safe id (144 bits): knowing one file's id tells nothing about another's."""
    return secrets.token_urlsafe(ID_BYTES)


def valid_file_id(file_id: str) -> bool:
    return len(file_id) == 24 and all(c.isalnum() or c in "-_" for c in file_id)


@dataclass(frozen=True)
class StoredFile:
    id: str
    ticket_id: int
    sender: str  # citizen | volunteer
    mime: str
    size: int
    name: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")

    @property
    def is_audio(self) -> bool:
        return self.mime.startswith("audio/")

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "mime": self.mime, "size": self.size, "name": self.name, "sender": self.sender,
                "url": f"/api/files/{self.id}"}
