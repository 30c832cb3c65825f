"""Scam-checker wiring (issue 20): the checker over the official and reported lists, the reported lists'
reload, the anonymous check statistics and the screenshot reader (OCR)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.messages import InboundMessage
from bot.core.scamcheck import ScamChecker
from bot.infra.scamlists import build_checker
from bot.storage.scamreports import SqlScamCheckLog, SqlScamReports

if TYPE_CHECKING:
    from bot.infra.ocr import TesseractOcr

log = logging.getLogger(__name__)


def build_scam_checker(settings: Settings, reports: SqlScamReports | None = None) -> ScamChecker:
    """The scam checker with the official lists of knowledge/, the reported items of `reports` (none for
    the CLI) and the guide ids it may point to."""
    k = settings.knowledge
    domains, phones = reports.lists() if reports is not None else ((), frozenset())
    return build_checker(domains=settings.path(k.official_domains), hotlines=settings.path(k.official_hotlines),
                         guide_dirs=[settings.path(base) for base in k.paths], reported_domains=domains,
                         reported_phones=phones)


class ReportedLists:
    """Keeps a checker's reported domains/numbers equal to the table: `refresh()` (a periodic job of every
    process, every `scamcheck.reload_s`, and at once after a change in this process) reloads them when the
    table's version changed."""

    def __init__(self, checker: ScamChecker, reports: SqlScamReports) -> None:
        self.checker, self.reports = checker, reports
        self.version: tuple[int, int] | None = None

    def refresh(self, *, force: bool = False) -> bool:
        version = self.reports.version()
        if version == self.version and not force:
            return False
        domains, phones = self.reports.lists()
        self.checker.set_lists(replace(self.checker.lists, reported_domains=domains, reported_phones=phones))
        self.version = version
        return True


def build_check_log(settings: Settings, sessions: sessionmaker[Session]) -> SqlScamCheckLog | None:
    """The anonymous statistics of checks, or None when `scamcheck.statistics` is off."""
    return SqlScamCheckLog(sessions, tz=ZoneInfo(settings.handoff.timezone)) if settings.scamcheck.statistics else None


def record_check(check_log: SqlScamCheckLog | None) -> Callable[[str, str, tuple[str, ...]], None] | None:
    """`ScamChat`'s recorder: a failed write is logged, never shown to the citizen."""
    if check_log is None:
        return None

    def record(channel: str, verdict: str, hosts: tuple[str, ...]) -> None:
        try:
            check_log.record(channel, verdict, hosts)
        except Exception as exc:  # statistics must not break a reply
            log.warning("scam check statistics not written: %s", exc.__class__.__name__)

    return record


def build_ocr(settings: Settings) -> TesseractOcr:
    from bot.infra.ocr import TesseractOcr

    c = settings.scamcheck
    return TesseractOcr(lang=c.ocr_lang, max_bytes=int(c.max_image_mb * 1024 * 1024),
                        max_pixels=int(c.max_megapixels * 1_000_000), timeout_s=c.ocr_timeout_s)


def build_image_reader(settings: Settings, ocr: TesseractOcr) -> Callable[[InboundMessage], tuple[str, str]]:
    """msg -> (text, status): download the picture of a Telegram or Zalo message and read it (blocking)."""
    from bot.channels.files import DownloadError, download

    max_bytes = int(settings.scamcheck.max_image_mb * 1024 * 1024)

    def read(msg: InboundMessage) -> tuple[str, str]:
        ref = str(msg.meta.get("image") or "")
        try:
            if msg.channel == "telegram" and ref.startswith("tg:") and settings.telegram.token:
                from bot.channels.telegram import download_file

                data = download_file(settings.telegram.token.get_secret_value(), ref[3:],
                                     api_base_url=settings.telegram.api_base_url,
                                     max_bytes=max_bytes)
            elif msg.channel == "zalo" and ref.startswith(("https://", "http://")):
                data = download(ref, max_bytes=max_bytes)
            else:
                return "", "unavailable"
        except DownloadError as exc:
            log.warning("%s picture not downloaded: %s", msg.channel, exc.reason)
            return "", exc.reason
        result = ocr.read(data)
        del data  # the picture is not kept
        return result.text, result.status

    return read


@dataclass(frozen=True)
class Scam:
    """The scam checker of a serving process with its stores."""

    checker: ScamChecker
    reports: SqlScamReports
    reported: ReportedLists
    check_log: SqlScamCheckLog | None
    ocr: TesseractOcr | None


def build_scam(settings: Settings, sessions: sessionmaker[Session]) -> Scam:
    reports = SqlScamReports(sessions)
    checker = build_scam_checker(settings)
    reported = ReportedLists(checker, reports)
    try:
        reported.refresh()
    except Exception as exc:  # the checker still works with the official lists
        log.error("reported scam items not read: %s", exc)
    return Scam(checker, reports, reported, build_check_log(settings, sessions),
                build_ocr(settings) if settings.scamcheck.ocr else None)
