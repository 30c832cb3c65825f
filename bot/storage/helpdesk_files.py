"""Attachments on tickets (issue 22): pictures citizens send (Telegram photo, Zalo image, web upload) and
pictures or PDFs volunteers send. Checked (magic bytes, ≤ 5 MB, pixel limit), pictures re-encoded without
metadata, bytes in a `FileStore` under a random 144-bit id, a row in `ticket_files`, a ticket message that
names it, and — for a volunteer's file — one outbox reply that carries it (`Reply.image = "file:<id>"`).

Files go with the conversation: erasure (/xoa) and the retention purge delete their rows, and `sweep()`
(a periodic job) deletes the bytes whose row is gone.

A citizen's voice note (issue 23) is kept on the ticket only when `voice.retention_s` > 0 (`audio_ttl_s`):
it is served while the ticket is open or claimed and younger than that, and `sweep_audio()` (a periodic
job) deletes it once the ticket is closed, cancelled or expired, or the retention has run out — whichever
comes first. The transcript stays on the ticket as the message's text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import Conflict, Forbidden, Invalid, NotFound
from bot.core.helpdesk.files import (
    AUDIO_KINDS,
    CITIZEN_KINDS,
    MAX_BYTES,
    MAX_PIXELS,
    VOLUNTEER_KINDS,
    FileRejected,
    StoredFile,
    accept,
    new_file_id,
    valid_file_id,
)
from bot.core.messages import Reply
from bot.core.texts import t
from bot.storage import personal_data
from bot.storage.accounts import User
from bot.storage.filestore import FileStore, clean_image
from bot.storage.outbox import enqueue_in
from bot.storage.tables.helpdesk import TicketFileRow
from bot.storage.tables.tickets import TicketMessageRow, TicketRow

log = logging.getLogger(__name__)
Fetch = Callable[[str, str, int], bytes]  # (channel, ref, max_bytes) -> bytes; raises on failure
ACTIVE = ("open", "claimed")


def _aware(d: datetime) -> datetime:
    return d.replace(tzinfo=UTC) if d.tzinfo is None else d


class TicketFiles:
    def __init__(self, sessions: sessionmaker[Session], store: FileStore, *, fetch: Fetch | None = None,
                 max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS, audio_ttl_s: float = 0.0,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.sessions, self.store, self.fetch = sessions, store, fetch
        self.max_bytes, self.max_pixels = max_bytes, max_pixels
        self.audio_ttl_s = audio_ttl_s  # voice notes on tickets (0: never kept)
        self.clock = clock or (lambda: datetime.now(UTC))

    def _prepare(self, data: bytes, allowed: tuple[str, ...]) -> tuple[bytes, str]:
        mime = accept(data, allowed=allowed, max_bytes=self.max_bytes)
        if mime.startswith("image/"):
            return clean_image(data, max_pixels=self.max_pixels)
        return data, mime

    def _save(self, s: Session, ticket: TicketRow, *, sender: str, author: int | None, data: bytes, mime: str,
              name: str, caption: str, source_msg_id: str, recorded_at: datetime | None = None) -> StoredFile:
        file_id = new_file_id()
        label = t(ticket.lang, "hx_picture_caption" if mime.startswith("image/") else
                  "hx_voice_caption" if mime.startswith("audio/") else "hx_file_caption")
        msg = TicketMessageRow(ticket_id=ticket.id, sender=sender, author_id=author,
                               text=f"{label} {caption}".strip()[:4000], source_msg_id=source_msg_id[:160],
                               created_at=self.clock())
        s.add(msg)
        s.flush()
        s.add(TicketFileRow(id=file_id, ticket_id=ticket.id, message_id=msg.id, sender=sender, mime=mime,
                            size=len(data), name=name[:200], created_at=recorded_at or self.clock()))
        self.store.put(file_id, data)  # before the commit: a row never points to missing bytes
        return StoredFile(file_id, ticket.id, sender, mime, len(data), name[:200])

    # ---- from the citizen ----------------------------------------------------------------------------
    def attach(self, ticket_id: int, channel: str, ref: str, *, caption: str, source_msg_id: str) -> str:
        """HelpdeskStore.attach: "ok" or why the picture was refused."""
        if self.fetch is None:
            return "failed"
        try:
            raw = self.fetch(channel, ref, self.max_bytes)
        except Exception as exc:  # the channel's DownloadError or a network error
            reason = str(getattr(exc, "reason", "failed"))
            log.warning("%s picture not downloaded: %s", channel, reason)
            return reason if reason in ("too_large",) else "failed"
        return self.add_from_citizen(ticket_id, channel, raw, name="", caption=caption, source_msg_id=source_msg_id)

    def add_voice(self, ticket_id: int, channel: str, data: bytes, *, caption: str, source_msg_id: str,
                  recorded_at: datetime | None = None) -> str:
        """A citizen's voice note on their active ticket, with its (redacted) transcript as the message:
        "ok" or why not ("off" when voice notes are not kept). Its retention counts from `recorded_at`."""
        if self.audio_ttl_s <= 0:
            return "off"
        return self.add_from_citizen(ticket_id, channel, data, name="", caption=caption, source_msg_id=source_msg_id,
                                     kinds=AUDIO_KINDS, recorded_at=recorded_at)

    def add_from_citizen(self, ticket_id: int, channel: str, data: bytes, *, name: str, caption: str,
                         source_msg_id: str, user_ref: str | None = None, kinds: tuple[str, ...] = CITIZEN_KINDS,
                         recorded_at: datetime | None = None) -> str:
        try:
            clean, mime = self._prepare(data, kinds)
        except FileRejected as exc:
            return exc.reason
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None or r.status not in ("open", "claimed") or r.channel != channel \
                    or (user_ref is not None and r.user_ref != user_ref):
                return "no_ticket"
            exists = s.scalar(select(TicketMessageRow.id).where(TicketMessageRow.ticket_id == r.id,
                                                                TicketMessageRow.source_msg_id == source_msg_id[:160]))
            if exists is not None:
                return "ok"  # a redelivered message
            self._save(s, r, sender="citizen", author=None, data=clean, mime=mime, name=name, caption=caption,
                       source_msg_id=source_msg_id, recorded_at=recorded_at)
            r.last_citizen_at, r.reminded_at = self.clock(), None
        return "ok"

    # ---- from the volunteer --------------------------------------------------------------------------
    def add_from_volunteer(self, user: User, ticket_id: int, data: bytes, *, name: str, caption: str = "") -> StoredFile:
        """A picture or PDF for the citizen. Raises Invalid (a refused file), Forbidden, NotFound or Conflict."""
        try:
            clean, mime = self._prepare(data, VOLUNTEER_KINDS)
        except FileRejected as exc:
            raise Invalid(str(exc)) from None
        now = self.clock()
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None:
                raise NotFound("no such ticket")
            if r.status != "claimed":
                raise Conflict(f"ticket is {r.status}")
            if r.claimed_by != user.id and user.role != "admin":
                raise Forbidden("another volunteer is handling this ticket")
            stored = self._save(s, r, sender="volunteer", author=user.id, data=clean, mime=mime, name=name,
                                caption=caption.strip()[:900], source_msg_id=f"f{user.id}-{now.timestamp()}")
            if r.first_response_at is None:
                r.first_response_at = now
            if r.user_ref:
                label = t(r.lang, "hx_picture_caption" if stored.is_image else "hx_file_caption")
                text = f"👤 {user.display_name}: {caption.strip()[:900] or label}"
                reply = Reply(text, kind="volunteer", lang=r.lang, image=f"file:{stored.id}")
                enqueue_in(s, r.channel, r.user_ref, reply, now=now)
        return stored

    # ---- reading ---------------------------------------------------------------------------------------
    def _audio_gone(self, row: TicketFileRow, ticket: TicketRow | None) -> bool:
        """A voice note whose ticket is no longer active or whose retention has run out (never served)."""
        if not row.mime.startswith("audio/"):
            return False
        if ticket is None or ticket.status not in ACTIVE or self.audio_ttl_s <= 0:
            return True
        return _aware(row.created_at) < self.clock() - timedelta(seconds=self.audio_ttl_s)

    def meta(self, file_id: str) -> tuple[StoredFile, str, str | None] | None:
        """(file, ticket channel, ticket user_ref) for the access check, or None."""
        if not valid_file_id(file_id):
            return None
        with self.sessions() as s:
            row = s.get(TicketFileRow, file_id)
            if row is None:
                return None
            ticket = s.get(TicketRow, row.ticket_id)
            if self._audio_gone(row, ticket):
                return None
            return (StoredFile(row.id, row.ticket_id, row.sender, row.mime, row.size, row.name),
                    ticket.channel if ticket else "", ticket.user_ref if ticket else None)

    def read(self, file_id: str) -> tuple[bytes, str] | None:
        """Bytes and MIME type of a file (no access check: the caller did it), for senders and routes."""
        found = self.meta(file_id)
        if found is None:
            return None
        data = self.store.get(file_id)
        return (data, found[0].mime) if data is not None else None

    def for_ticket(self, ticket_id: int) -> list[StoredFile]:
        with self.sessions() as s:
            return [StoredFile(r.id, r.ticket_id, r.sender, r.mime, r.size, r.name)
                    for r in s.scalars(select(TicketFileRow).where(TicketFileRow.ticket_id == ticket_id)
                                       .order_by(TicketFileRow.created_at))]

    def by_message(self, ticket_id: int) -> dict[int, StoredFile]:
        with self.sessions() as s:
            ticket = s.get(TicketRow, ticket_id)
            return {int(r.message_id): StoredFile(r.id, r.ticket_id, r.sender, r.mime, r.size, r.name)
                    for r in s.scalars(select(TicketFileRow).where(TicketFileRow.ticket_id == ticket_id))
                    if r.message_id is not None and not self._audio_gone(r, ticket)}

    def sweep_audio(self) -> int:
        """Delete the voice notes of tickets that are no longer open or claimed, and those older than the
        retention (rows and bytes). Returns how many."""
        cutoff = self.clock() - timedelta(seconds=self.audio_ttl_s)
        with self.sessions.begin() as s:
            ids = list(s.scalars(select(TicketFileRow.id).join(TicketRow, TicketRow.id == TicketFileRow.ticket_id).where(
                TicketFileRow.mime.like("audio/%"),
                or_(TicketRow.status.not_in(ACTIVE), TicketFileRow.created_at < cutoff))))
            if ids:
                s.execute(delete(TicketFileRow).where(TicketFileRow.id.in_(ids)))
        for i in ids:
            self.store.delete(i)
        return len(ids)

    def sweep(self) -> int:
        """Delete stored bytes whose row is gone (erased, purged, ticket deleted). Returns how many."""
        with self.sessions() as s:
            known = set(s.scalars(select(TicketFileRow.id)))
        gone = [i for i in self.store.ids() if i not in known]
        for i in gone:
            self.store.delete(i)
        return len(gone)


# ---- personal data: files go with the conversation ------------------------------------------------------
def _citizen_tickets(channel: str, user_ref: str):  # type: ignore[no-untyped-def]
    return select(TicketRow.id).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref)


def _export_files(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    return [{"ticket": r.ticket_id, "file": r.id, "from": r.sender, "type": r.mime, "size": r.size, "at": r.created_at}
            for r in s.scalars(select(TicketFileRow).where(TicketFileRow.ticket_id.in_(_citizen_tickets(channel, user_ref))))]


def _erase_files(s: Session, channel: str, user_ref: str) -> int:
    n = s.execute(delete(TicketFileRow).where(TicketFileRow.ticket_id.in_(_citizen_tickets(channel, user_ref)))).rowcount  # type: ignore[attr-defined]
    return int(n or 0)


def _purge_files(s: Session, before: datetime) -> int:
    n = s.execute(delete(TicketFileRow).where(TicketFileRow.created_at < before)).rowcount  # type: ignore[attr-defined]
    return int(n or 0)


personal_data.register("ticket_files", export=_export_files, erase=_erase_files, purge=_purge_files)
# The desk's handler anonymises tickets (user_ref = NULL); the handlers above find the citizen's rows through
# those tickets, so the desk's must run after them (handlers run in registration order).
from bot.storage import helpdesk as _helpdesk  # noqa: F401  registers "satisfaction"
from bot.storage import tickets as _tickets  # noqa: F401  registers "tickets"

personal_data._REGISTRY["tickets"] = personal_data._REGISTRY.pop("tickets")
