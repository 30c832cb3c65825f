"""The ticket lifecycle rules (bot/core/handoff/lifecycle.py), pure: who may claim, routing to the province
pool, silence and expiry, release, close, cancel, rating; FAQ proposal grouping; the metrics."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.handoff import lifecycle as rules
from bot.core.handoff.errors import Conflict, Forbidden, TicketError
from bot.core.handoff.lifecycle import CITIZEN, CLAIMER, COMMUNE, POOL, Ticket, TicketPolicy
from bot.core.handoff.metrics import TicketFigures, median_wait, ticket_metrics
from bot.core.handoff.proposals import check_proposal, check_review, group_of

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
POLICY = TicketPolicy()


@dataclass(frozen=True)
class Vol:
    id: int
    display_name: str = "Lan"
    role: str = "volunteer"
    communes: tuple[str, ...] = ("08100",)
    province_level: bool = False

    @property
    def sees_all_communes(self) -> bool:
        return self.province_level or self.role == "admin"


LAN, MINH = Vol(1, "Lan"), Vol(2, "Minh", communes=("08200",))


def ticket(**kw: object) -> Ticket:
    base = Ticket(id=7, status="open", priority="normal", reason="asked", commune="08100", channel="zalo",
                  user_ref="z1", lang="vi", created_at=NOW - timedelta(minutes=1),
                  summary={"reason": "asked", "commune_name": "Xã Thượng Lâm", "turns": [{"q": "quen mat khau"}]})
    return replace(base, **kw)  # type: ignore[arg-type]


def claimed(by: Vol = LAN, **kw: object) -> Ticket:
    return ticket(**{"status": "claimed", "claimed_by": by.id, "created_at": NOW - timedelta(hours=1),
                     "claimed_at": NOW - timedelta(minutes=50), **kw})


# ---- who may claim -----------------------------------------------------------------------------
def test_a_commune_volunteer_claims_an_open_ticket_and_the_citizen_is_told() -> None:
    d = rules.claim(ticket(), LAN, NOW)
    assert (d.ticket.status, d.ticket.claimed_by, d.ticket.claimed_at) == ("claimed", 1, NOW)
    assert [e.name for e in d.events] == ["claimed"] and d.events[0].actor == 1
    (told,) = d.notices
    assert told.to == CITIZEN and "Lan" in told.reply.text and told.reply.buttons[0].action == "tk:cancel"


def test_a_volunteer_of_another_commune_may_not_claim() -> None:
    refused = rules.can_claim(ticket(), MINH)
    assert isinstance(refused, Forbidden) and refused.kind == "forbidden"
    with pytest.raises(Forbidden):
        rules.claim(ticket(), MINH, NOW)


def test_an_already_claimed_ticket_cannot_be_claimed_again() -> None:
    refused = rules.can_claim(claimed(by=LAN), Vol(3, "Hoa"))
    assert isinstance(refused, Conflict) and refused.message == "already claimed by someone else"
    with pytest.raises(Conflict, match="ticket is closed"):
        rules.claim(ticket(status="closed"), LAN, NOW)


def test_pooled_tickets_and_province_level_volunteers_see_every_commune() -> None:
    assert rules.can_claim(ticket(pooled_at=NOW), MINH) is None
    assert rules.can_claim(ticket(), Vol(4, communes=(), province_level=True)) is None
    assert rules.can_claim(ticket(), Vol(5, role="admin", communes=())) is None
    assert not rules.visible(Vol(6, role="editor", province_level=True), ticket())  # not a handler at all
    with pytest.raises(Forbidden):
        rules.check_handler(Vol(6, role="editor"))


# ---- routing: the commune first, then the province pool -----------------------------------------
def test_a_new_ticket_goes_to_its_commune_or_straight_to_the_pool() -> None:
    d = rules.route_new(ticket(), commune_has_volunteers=True, now=NOW)
    assert d.ticket.pooled_at is None and [n.to for n in d.notices] == [COMMUNE]
    assert "Phiếu hỗ trợ #7" in d.notices[0].reply.text and d.notices[0].reply.buttons[0].action == "tk:claim:7"
    d = rules.route_new(ticket(), commune_has_volunteers=False, now=NOW)
    assert d.ticket.pooled_at == NOW and [n.to for n in d.notices] == [POOL]
    assert [e.name for e in d.events] == ["opened", "pooled"]
    d = rules.route_new(ticket(commune="", priority="urgent"), commune_has_volunteers=True, now=NOW)
    assert d.ticket.pooled_at == NOW and d.notices[0].reply.text.startswith("🔴 KHẨN — ")


def test_sla_an_unclaimed_ticket_goes_to_the_pool_after_the_commune_had_its_time() -> None:
    young = ticket(created_at=NOW - timedelta(minutes=9))
    assert rules.next_route(young, NOW, POLICY) is None
    d = rules.next_route(ticket(created_at=NOW - timedelta(minutes=10)), NOW, POLICY)
    assert d is not None and d.ticket.pooled_at == NOW and d.counts == ("pooled",)
    assert d.events[0].detail == "unclaimed after 10 min" and d.notices[0].to == POOL
    assert "chưa có ai nhận" in d.notices[0].reply.text
    assert rules.next_route(replace(young, pooled_at=NOW - timedelta(minutes=1)), NOW, POLICY) is None  # once


def test_sla_urgent_tickets_reach_the_pool_sooner() -> None:
    d = rules.next_route(ticket(priority="urgent", created_at=NOW - timedelta(minutes=2)), NOW, POLICY)
    assert d is not None and d.counts == ("pooled",) and d.notices[0].reply.text.startswith("🔴 KHẨN")
    assert rules.next_route(ticket(priority="urgent", created_at=NOW - timedelta(minutes=1)), NOW, POLICY) is None


def test_a_ticket_nobody_claims_expires_pooled_first_when_both_are_due() -> None:
    d = rules.next_route(ticket(created_at=NOW - timedelta(hours=72)), NOW, POLICY)
    assert d is not None and d.counts == ("pooled", "expired")
    assert (d.ticket.status, d.ticket.close_reason, d.ticket.closed_at) == ("expired", "never_claimed", NOW)
    assert [n.to for n in d.notices] == [POOL, CITIZEN] and d.notices[1].reply.buttons[0].action == "menu"
    assert rules.next_route(claimed(), NOW, POLICY) is None


def test_silence_one_reminder_then_closed_and_the_claimer_is_told() -> None:
    quiet = claimed(last_citizen_at=NOW - timedelta(minutes=30))
    d = rules.silence(quiet, NOW, POLICY)
    assert d is not None and d.counts == ("reminded",) and d.ticket.reminded_at == NOW
    assert rules.silence(d.ticket, NOW + timedelta(minutes=29), POLICY) is None
    d = rules.silence(d.ticket, NOW + timedelta(minutes=30), POLICY)
    assert d is not None and d.counts == ("closed_silent",) and d.ticket.close_reason == "citizen_silent"
    assert [n.to for n in d.notices] == [CITIZEN, CLAIMER] and d.notices[0].reply.kind == "rating"
    assert rules.silence(claimed(last_citizen_at=NOW - timedelta(minutes=29)), NOW, POLICY) is None


def test_the_citizen_writing_restarts_the_silence_clock_and_reaches_the_claimer() -> None:
    d = rules.citizen_wrote(claimed(reminded_at=NOW - timedelta(minutes=1)), "da mo roi", NOW)
    assert d is not None and d.ticket.reminded_at is None and d.ticket.last_citizen_at == NOW
    assert d.notices[0].to == CLAIMER and d.notices[0].reply.text == "Phiếu #7 — công dân:\nda mo roi"
    d = rules.citizen_wrote(ticket(), "alo", NOW)
    assert d is not None and d.notices == ()
    assert rules.citizen_wrote(ticket(status="closed"), "alo", NOW) is None


# ---- the claimer's steps -----------------------------------------------------------------------
def test_only_the_claimer_or_an_admin_acts_on_a_claimed_ticket() -> None:
    with pytest.raises(Forbidden, match="another volunteer"):
        rules.reply(claimed(by=LAN), Vol(3, "Hoa"), "xin chao", NOW)
    rules.reply(claimed(by=LAN), Vol(9, "Admin", role="admin", communes=()), "xin chao", NOW)
    with pytest.raises(Conflict, match="ticket is open"):
        rules.close(ticket(), LAN, NOW)
    with pytest.raises(TicketError, match="empty"):
        rules.check_reply_text("   ")
    with pytest.raises(TicketError, match="too long"):
        rules.check_reply_text("x" * 3001)


def test_reply_sets_the_first_response_once_and_goes_out_raw() -> None:
    d = rules.reply(claimed(), LAN, "Bac mo VNeID nhe", NOW)
    assert d.ticket.first_response_at == NOW and [e.name for e in d.events] == ["first_response"]
    (said,) = d.notices
    assert said.to == CITIZEN and said.raw and said.reply.text == "👤 Lan: Bac mo VNeID nhe"
    again = rules.reply(d.ticket, LAN, "con gi nua khong", NOW + timedelta(minutes=1))
    assert again.ticket.first_response_at == NOW and again.events == ()


def test_release_reopens_in_the_pool_tells_the_citizen_and_everyone_but_the_releaser() -> None:
    d = rules.release(claimed(by=LAN, reminded_at=NOW), LAN, NOW, note="nham phieu")
    t = d.ticket
    assert (t.status, t.claimed_by, t.claimed_at, t.reminded_at, t.pooled_at) == ("open", None, None, None, NOW)
    assert d.events[0].name == "released" and d.events[0].detail == "nham phieu"
    citizen, pool = d.notices
    assert citizen.to == CITIZEN and "Lan phải dừng hỗ trợ" in citizen.reply.text
    assert pool.to == POOL and pool.exclude == LAN.id and "được trả lại" in pool.reply.text
    assert rules.can_claim(t, MINH) is None  # another commune's volunteer may take it now
    earlier = NOW - timedelta(hours=1)
    assert rules.release(claimed(pooled_at=earlier), LAN, NOW).ticket.pooled_at == earlier
    with pytest.raises(Conflict):
        rules.release(ticket(), LAN, NOW)


def test_close_records_the_reason_and_asks_the_citizen_for_a_rating() -> None:
    d = rules.close(claimed(), LAN, NOW, note="x" * 2500)
    assert (d.ticket.status, d.ticket.closed_at, d.ticket.close_reason) == ("closed", NOW, "resolved")
    assert len(d.ticket.close_note) == 2000
    assert d.events[0].name == "closed" and d.events[0].detail == "resolved"
    (prompt,) = d.notices
    assert prompt.reply.kind == "rating" and [b.action for b in prompt.reply.buttons][-1] == "tk:rate:7:5"


def test_cancel_and_rate() -> None:
    d = rules.cancel(claimed(), NOW)
    assert (d.ticket.status, d.ticket.close_reason) == ("cancelled", "cancelled_by_citizen")
    assert d.notices[0].to == CLAIMER
    assert rules.cancel(ticket(), NOW).notices == ()
    closed = rules.close(claimed(), LAN, NOW).ticket
    rated = rules.rate(closed, "zalo", "z1", 5)
    assert rated is not None and rated.ticket.rating == 5
    assert rules.rate(rated.ticket, "zalo", "z1", 4) is None  # once
    assert rules.rate(closed, "zalo", "someone-else", 5) is None
    assert rules.rate(closed, "zalo", "z1", 6) is None
    assert rules.rate(claimed(), "zalo", "z1", 5) is None


def test_an_urgent_request_escalates_a_waiting_ticket_once() -> None:
    d = rules.escalate(ticket(), "urgent")
    assert d is not None and d.ticket.priority == "urgent" and d.events[0].name == "urgent"
    assert rules.escalate(d.ticket, "urgent") is None
    assert rules.escalate(ticket(), "normal") is None


# ---- FAQ proposals and metrics -----------------------------------------------------------------
def test_faq_proposals_are_grouped_by_similar_question() -> None:
    pending = [(1, 1, "quên mật khẩu VNeID thì làm sao"), (2, 1, "quen mat khau vneid")]
    assert group_of("Quen mat khau VNeID thi lam sao", pending) == 1
    assert group_of("cách chuyển tiền bằng mã QR", pending) == 0
    with pytest.raises(TicketError):
        check_proposal("", "answer")
    with pytest.raises(Conflict):
        check_review("approved", approve=True, reason="")
    with pytest.raises(TicketError, match="reason"):
        check_review("pending", approve=False, reason=" ")


def test_metrics_per_commune_and_volunteer_and_the_wait_estimate() -> None:
    made = NOW - timedelta(hours=1)
    figures = [TicketFigures("08100", "closed", made, made, made + timedelta(minutes=6), made + timedelta(minutes=30),
                             5, "lan", "Lan"),
               TicketFigures("", "expired", made, None, None, None, None)]
    out = ticket_metrics(figures, lambda c: {"08100": "Xã Thượng Lâm"}[c])
    assert [(r["key"], r["name"]) for r in out["communes"]] == [("-", "(chưa rõ)"), ("08100", "Xã Thượng Lâm")]
    assert out["volunteers"][0] | {} == {"key": "lan", "name": "Lan", "tickets": 1, "claimed": 1, "closed": 1,
                                          "median_first_response_min": 6.0, "median_close_min": 30.0,
                                          "mean_rating": 5.0, "ratings": 1}
    samples = [("08100", made, made + timedelta(minutes=m)) for m in (4, 6)] + [("08200", made, made + timedelta(minutes=60))]
    assert median_wait(samples, "08100") == 6  # two local samples are too few: the province's median
    assert median_wait([*samples, ("08100", made, made + timedelta(minutes=5))], "08100") == 5
    assert median_wait([], "08100") is None


def test_erasing_the_citizen_cancels_an_active_ticket_and_keeps_only_statistics() -> None:
    erased = rules.erase_citizen(claimed(close_note="goi 0912"), NOW)
    assert (erased.status, erased.close_reason, erased.user_ref, erased.close_note) == (
        "cancelled", "citizen_erased", None, "")
    assert set(erased.summary) == {"reason", "commune_name"}
    done = rules.erase_citizen(ticket(status="closed", close_reason="resolved"), NOW)
    assert (done.status, done.close_reason) == ("closed", "resolved")
