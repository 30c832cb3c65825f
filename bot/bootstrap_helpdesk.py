"""Composition of the hand-off extras (issue 22), called by `bootstrap.build_services`: the SQL stores,
the file store, the citizen-side chat flow, the desk's claim hook, the periodic jobs and the Telegram
sender's file lookup. Kept beside bootstrap so that bootstrap itself changes by two lines."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.helpdesk.chat import HelpdeskChat
from bot.core.helpdesk.presence import TypingDebounce
from bot.core.helpdesk.schedule import PROVINCE, TeamSchedule

log = logging.getLogger(__name__)


@dataclass
class Helpdesk:
    """What the web routes reach through `Services.helpdesk`."""

    store: Any  # bot.storage.helpdesk.SqlHelpdesk
    files: Any  # bot.storage.helpdesk_files.TicketFiles
    snippets: Any  # bot.storage.snippets.SqlSnippets
    typing: TypingDebounce = field(default_factory=TypingDebounce)


class _ChatStore:
    """The core's HelpdeskStore port over the two SQL adapters."""

    def __init__(self, store: Any, files: Any) -> None:
        self.store, self.files = store, files

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def attach(self, ticket_id: int, channel: str, ref: str, *, caption: str, source_msg_id: str) -> str:
        return str(self.files.attach(ticket_id, channel, ref, caption=caption, source_msg_id=source_msg_id))


def channel_fetch(settings: Any) -> Any:
    """(channel, ref, max_bytes) -> bytes: a Telegram file id (`tg:<id>`, getFile + download) or a Zalo
    image URL, with the scam checker's bounded downloader (bot/channels/files.py)."""

    def fetch(channel: str, ref: str, max_bytes: int) -> bytes:
        from bot.channels.files import DownloadError, download

        if channel == "telegram" and ref.startswith("tg:") and settings.telegram.token:
            from bot.channels.telegram import download_file

            return download_file(settings.telegram.token.get_secret_value(), ref[3:], api_base_url=settings.telegram.api_base_url,
                                 max_bytes=max_bytes)
        if channel == "zalo" and ref.startswith(("https://", "http://")):
            return download(ref, max_bytes=max_bytes)
        raise DownloadError("failed", "no way to fetch this file")

    return fetch


def build_helpdesk(svc: Any) -> Helpdesk:
    from bot.storage.filestore import LocalFileStore
    from bot.storage.helpdesk import SqlHelpdesk
    from bot.storage.helpdesk_files import TicketFiles
    from bot.storage.snippets import SqlSnippets

    settings, desk = svc.settings, svc.desk
    c = settings.helpdesk

    def default_schedule() -> TeamSchedule:  # the configured hours, or the admin console's override
        return TeamSchedule(PROVINCE, desk.hours.start, desk.hours.end, tuple(desk.hours.days))

    store = SqlHelpdesk(svc.sessions, tz=ZoneInfo(settings.handoff.timezone), default_schedule=default_schedule,
                        wait_window_days=settings.handoff.wait_window_days, clock=lambda: desk.clock())
    files = TicketFiles(svc.sessions, LocalFileStore(settings.path(c.files_dir)), fetch=channel_fetch(settings),
                        max_bytes=int(c.max_file_mb * 1024 * 1024), max_pixels=int(c.max_megapixels * 1_000_000),
                        clock=lambda: desk.clock())
    hd = Helpdesk(store, files, SqlSnippets(svc.sessions, is_lead=store.is_lead), TypingDebounce(c.typing_debounce_s))

    def tell_moves() -> None:
        try:
            if store.tell_moves():
                wake = getattr(svc, "outbox_wake", None)
                if wake is not None:
                    wake.set()
        except Exception as exc:  # telling positions must never undo or fail a claim
            log.warning("queue positions not told: %s", exc.__class__.__name__)

    if svc.conversation is not None:
        svc.conversation.helpdesk = HelpdeskChat(_ChatStore(store, files), hotline=c.hotline)
    desk.after_claim.append(tell_moves)
    svc.jobs.append(("queue-positions", settings.handoff.sweep_every_s, tell_moves))
    svc.jobs.append(("ticket-files", 3600.0, files.sweep))
    if svc.telegram is not None:
        svc.telegram.files = files.read
    svc.helpdesk = hd
    return hd
