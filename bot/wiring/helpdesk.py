"""Hand-off extras wiring (issue 22): the SQL stores, the file store, the citizen-side chat flow, the desk's
claim hook that tells waiting citizens their new place, and the periodic jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.helpdesk.chat import HelpdeskChat
from bot.core.helpdesk.presence import TypingDebounce
from bot.core.helpdesk.schedule import PROVINCE, TeamSchedule
from bot.runtime.workers import Wakeup
from bot.storage.filestore import LocalFileStore
from bot.storage.helpdesk import SqlHelpdesk
from bot.storage.helpdesk_files import TicketFiles
from bot.storage.snippets import SqlSnippets
from bot.storage.tickets import SqlTicketDesk
from bot.wiring.channels import channel_fetch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Helpdesk:
    """What the web routes reach through `Services.helpdesk`; `chat` is the conversation's flow and `jobs`
    the periodic work (name, every_s, fn)."""

    store: SqlHelpdesk
    files: TicketFiles
    snippets: SqlSnippets
    typing: TypingDebounce = field(default_factory=TypingDebounce)
    chat: HelpdeskChat | None = None
    jobs: tuple[tuple[str, float, Callable[[], object]], ...] = ()


KeptNotes = Callable[[str], tuple[bytes, float] | None]  # voice note token -> (bytes, stored at), taken once


class _ChatStore:
    """The core's HelpdeskStore port over the two SQL adapters (and the voice notes the recogniser kept)."""

    def __init__(self, store: SqlHelpdesk, files: TicketFiles, kept: KeptNotes | None = None) -> None:
        self.store, self.files, self.kept = store, files, kept

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def attach(self, ticket_id: int, channel: str, ref: str, *, caption: str, source_msg_id: str) -> str:
        return str(self.files.attach(ticket_id, channel, ref, caption=caption, source_msg_id=source_msg_id))

    def attach_voice(self, ticket_id: int, channel: str, token: str, *, caption: str, source_msg_id: str) -> str:
        if self.kept is None or self.files.audio_ttl_s <= 0:
            return "off"
        got = self.kept(token)
        if got is None:
            return "gone"  # retention over (or never kept)
        data, at = got
        return self.files.add_voice(ticket_id, channel, data, caption=caption, source_msg_id=source_msg_id,
                                    recorded_at=datetime.fromtimestamp(at, UTC))


def build_helpdesk(settings: Settings, sessions: sessionmaker[Session], desk: SqlTicketDesk, *,
                   outbox_wake: Wakeup, kept_voice: KeptNotes | None = None) -> Helpdesk:
    """The hand-off extras; hooks `desk.after_claim` (queue positions are told after every claim).
    `kept_voice` takes the voice notes the recogniser kept (`voice.retention_s` > 0) onto tickets."""
    c = settings.helpdesk

    def default_schedule() -> TeamSchedule:  # the configured hours, or the admin console's override
        return TeamSchedule(PROVINCE, desk.hours.start, desk.hours.end, tuple(desk.hours.days))

    store = SqlHelpdesk(sessions, tz=ZoneInfo(settings.handoff.timezone), default_schedule=default_schedule,
                        wait_window_days=settings.handoff.wait_window_days, clock=lambda: desk.clock())
    files = TicketFiles(sessions, LocalFileStore(settings.path(c.files_dir)), fetch=channel_fetch(settings),
                        max_bytes=int(c.max_file_mb * 1024 * 1024), max_pixels=int(c.max_megapixels * 1_000_000),
                        audio_ttl_s=settings.voice.retention_s if kept_voice is not None else 0.0,
                        clock=lambda: desk.clock())

    def tell_moves() -> None:
        try:
            if store.tell_moves():
                outbox_wake.set()
        except Exception as exc:  # telling positions must never undo or fail a claim
            log.warning("queue positions not told: %s", exc.__class__.__name__)

    desk.after_claim.append(tell_moves)
    return Helpdesk(store, files, SqlSnippets(sessions, is_lead=store.is_lead), TypingDebounce(c.typing_debounce_s),
                    chat=HelpdeskChat(_ChatStore(store, files, kept_voice), hotline=c.hotline),
                    jobs=(("queue-positions", settings.handoff.sweep_every_s, tell_moves),
                          ("ticket-files", 3600.0, files.sweep),
                          ("ticket-voice-notes", settings.handoff.sweep_every_s, files.sweep_audio)))
