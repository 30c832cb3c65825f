"""The admin console's application services (bot/core/admin) over fakes: publishing a FAQ proposal and
applying the console's bot settings to the running desk and conversation."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field, replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.admin.faq import FaqPublisher
from bot.core.admin.settings import BotSettingsService
from bot.core.handoff import Conflict, ServiceHours, TicketError


@dataclass(frozen=True)
class P:
    id: int
    ticket_id: int | None
    status: str
    question: str
    answer: str
    doc_id: str = ""


@dataclass(frozen=True)
class U:
    username: str


@dataclass
class Desk:
    proposals: dict[int, P]

    def proposal(self, proposal_id: int) -> P:
        return self.proposals[proposal_id]

    def review(self, proposal_id: int, reviewer: U, *, approve: bool, reason: str = "", doc_id: str = "",
               question: str | None = None, answer: str | None = None) -> P:
        p = replace(self.proposals[proposal_id], status="approved" if approve else "rejected", doc_id=doc_id,
                    question=question or "", answer=answer or "")
        self.proposals[proposal_id] = p
        return p


@dataclass
class Shelf:
    files: dict[str, tuple[dict[str, object], str]] = field(default_factory=dict)

    def write(self, folder: str, doc_id: str, front: dict[str, object], body: str) -> None:
        self.files[f"{folder}/{doc_id}"] = (front, body)

    def remove(self, folder: str, doc_id: str) -> None:
        self.files.pop(f"{folder}/{doc_id}", None)


def publisher(reindex: object = None) -> tuple[FaqPublisher[P, U], Desk, Shelf]:
    desk = Desk({1: P(1, 7, "pending", " Làm lại CCCD ở đâu? ", "Tại công an xã.\nMang giấy tờ.")})
    shelf = Shelf()
    calls: list[str] = []

    def run() -> None:
        calls.append("reindex")
        if reindex == "fail":
            raise RuntimeError("broken")

    return FaqPublisher(desk, shelf, reindex=run, exclusive=threading.Lock(), today=lambda: dt.date(2026, 1, 2)), desk, shelf


def test_a_published_proposal_becomes_a_guide_then_is_approved() -> None:
    pub, _, shelf = publisher()
    p = pub.publish(1, U("an"))
    assert p.status == "approved" and p.doc_id == "faq-tnv-1" and p.question == "Làm lại CCCD ở đâu?"
    front, body = shelf.files["faq/faq-tnv-1"]
    assert body == "Tại công an xã.\nMang giấy tờ." and front["summary"] == "Tại công an xã."
    assert front["reviewed_on"] == "2026-01-02" and front["origin"] == "volunteer answer (ticket 7), approved by an"


def test_a_failed_reindex_removes_the_guide_and_keeps_the_proposal_pending() -> None:
    pub, desk, shelf = publisher("fail")
    with pytest.raises(RuntimeError):
        pub.publish(1, U("an"))
    assert shelf.files == {} and desk.proposals[1].status == "pending"


def test_only_a_pending_proposal_with_text_is_published() -> None:
    pub, _, _ = publisher()
    with pytest.raises(TicketError):
        pub.publish(1, U("an"), answer="  ")
    pub.publish(1, U("an"))
    with pytest.raises(Conflict):
        pub.publish(1, U("an"))


@dataclass
class Times:
    hours: ServiceHours = field(default_factory=ServiceHours)
    pool_after: timedelta = timedelta(minutes=10)
    urgent_pool_after: timedelta = timedelta(minutes=2)
    silence_remind: timedelta = timedelta(minutes=30)
    silence_close: timedelta = timedelta(minutes=60)
    expire_after: timedelta = timedelta(hours=72)


@dataclass
class Chat:
    greetings: dict[str, str] = field(default_factory=dict)


def test_bot_settings_are_config_plus_overrides_applied_to_the_desk_and_the_chat() -> None:
    defaults = {"hours": "07:00-21:00", "days": [0, 1, 2, 3, 4], "pool_after_min": 10, "urgent_pool_after_min": 2,
                "silence_remind_min": 30, "silence_close_min": 60, "expire_after_hours": 72,
                "greeting_vi": "Xin chào", "greeting_en": "Hello"}
    desk, chat = Times(), Chat()
    svc = BotSettingsService(lambda: dict(defaults), desk=desk, conversation=chat, tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    eff = svc.apply({"pool_after_min": 15, "greeting_vi": "Chào bà con", "hours": None, "unknown": 1})
    assert eff["pool_after_min"] == 15 and eff["hours"] == "07:00-21:00" and "unknown" not in eff
    assert desk.pool_after == timedelta(minutes=15) and desk.hours.days == (0, 1, 2, 3, 4)
    assert chat.greetings == {"vi": "Chào bà con"}
    svc.apply({})
    assert desk.pool_after == timedelta(minutes=10) and chat.greetings == {} and svc.defaults() == defaults
