"""Volunteer tickets in the database: the citizen side (the core's `HandoffDesk` port), the volunteer side
(list, read, claim, reply, close — scoped to the volunteer's communes), the periodic sweep (province pool,
silence reminders, expiry), FAQ proposals and the ticket metrics.

Every state change and the messages it causes (to the citizen's channel, to volunteers' Telegram chats) are
written in ONE transaction through the outbox, so a crash never leaves a claimed ticket whose citizen was
not told, nor a told citizen whose ticket was not claimed. Claims are a conditional UPDATE
(`… WHERE status = 'open'`): of any number of concurrent claims exactly one changes a row.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.handoff import Conflict, Forbidden, NotFound, OpenedTicket, ServiceHours, TicketError, TicketSummary
from bot.core.messages import Button, Reply
from bot.core.privacy import redact
from bot.core.text import fold, tokens
from bot.core.texts import t
from bot.storage.accounts import User
from bot.storage.outbox import enqueue_in
from bot.storage.personal_data import register
from bot.storage.tables import (
    FaqProposalRow,
    TicketEventRow,
    TicketMessageRow,
    TicketRow,
    UserCommuneRow,
    UserRow,
)

ACTIVE = ("open", "claimed")


@dataclass(frozen=True)
class TicketMessage:
    id: int
    sender: str
    author: str
    text: str
    at: datetime


@dataclass(frozen=True)
class TicketView:
    id: int
    status: str
    priority: str
    reason: str
    commune: str
    channel: str
    lang: str
    summary: dict[str, object]
    created_at: datetime
    pooled_at: datetime | None
    claimed_at: datetime | None
    claimed_by: int | None
    claimed_by_name: str
    first_response_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    rating: int | None
    messages: tuple[TicketMessage, ...] = ()
    events: tuple[tuple[str, datetime, str], ...] = ()

    def as_dict(self, *, full: bool = False) -> dict[str, object]:
        def iso(d: datetime | None) -> str | None:
            return d.isoformat() if d else None

        d: dict[str, object] = {
            "id": self.id, "status": self.status, "priority": self.priority, "reason": self.reason,
            "commune": self.commune, "commune_name": self.summary.get("commune_name", ""), "channel": self.channel,
            "lang": self.lang, "created_at": iso(self.created_at), "pooled": self.pooled_at is not None,
            "pooled_at": iso(self.pooled_at), "claimed_at": iso(self.claimed_at), "claimed_by": self.claimed_by,
            "claimed_by_name": self.claimed_by_name, "first_response_at": iso(self.first_response_at),
            "closed_at": iso(self.closed_at), "close_reason": self.close_reason, "rating": self.rating,
        }
        if full:
            d["summary"] = self.summary
            d["messages"] = [{"id": m.id, "sender": m.sender, "author": m.author, "text": m.text, "at": iso(m.at)}
                             for m in self.messages]
            d["events"] = [{"event": e, "at": iso(at), "detail": det} for e, at, det in self.events]
        return d


@dataclass
class MetricsRow:
    key: str  # commune code or volunteer username
    name: str
    tickets: int = 0
    claimed: int = 0
    closed: int = 0
    first_response_min: list[float] = field(default_factory=list)
    close_min: list[float] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        def med(xs: list[float]) -> float | None:
            return round(statistics.median(xs), 1) if xs else None

        return {"key": self.key, "name": self.name, "tickets": self.tickets, "claimed": self.claimed,
                "closed": self.closed, "median_first_response_min": med(self.first_response_min),
                "median_close_min": med(self.close_min),
                "mean_rating": round(statistics.fmean(self.ratings), 2) if self.ratings else None,
                "ratings": len(self.ratings)}


@dataclass(frozen=True)
class Proposal:
    id: int
    ticket_id: int | None
    question: str
    answer: str
    group_id: int
    status: str
    proposed_by: str
    review_reason: str
    doc_id: str
    created_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "ticket_id": self.ticket_id, "question": self.question, "answer": self.answer,
                "group_id": self.group_id, "status": self.status, "proposed_by": self.proposed_by,
                "review_reason": self.review_reason, "doc_id": self.doc_id, "created_at": self.created_at.isoformat()}


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    a, b = _aware(a), _aware(b)
    return (b - a).total_seconds() / 60 if a and b else None


def _similar(a: str, b: str) -> float:
    """Token-set overlap of two questions (tone marks and case ignored)."""
    x, y = set(tokens(fold(a))), set(tokens(fold(b)))
    return len(x & y) / len(x | y) if x and y else 0.0


class SqlTicketDesk:
    """Implements the core's `HandoffDesk` and the volunteers' operations."""

    def __init__(self, sessions: sessionmaker[Session], *, hours: ServiceHours | None = None,
                 pool_after_min: float = 10, urgent_pool_after_min: float = 2, silence_remind_min: float = 30,
                 silence_close_min: float = 60, expire_after_hours: float = 72, wait_window_days: int = 30,
                 volunteer_channels: tuple[str, ...] = (), commune_name: Callable[[str], str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.sessions = sessions
        self.hours = hours or ServiceHours()
        self.pool_after = timedelta(minutes=pool_after_min)
        self.urgent_pool_after = timedelta(minutes=urgent_pool_after_min)
        self.silence_remind = timedelta(minutes=silence_remind_min)
        self.silence_close = timedelta(minutes=silence_close_min)
        self.expire_after = timedelta(hours=expire_after_hours)
        self.wait_window = timedelta(days=wait_window_days)
        self.volunteer_channels = volunteer_channels  # "telegram" when volunteers can be notified there
        self.commune_name = commune_name or (lambda code: code)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.after_claim: list[Callable[[], object]] = []  # e.g. tell waiting citizens their new place (issue 22)

    # ---- helpers ---------------------------------------------------------------------------------
    def _event(self, s: Session, ticket_id: int, event: str, actor: int | None = None, detail: str = "") -> None:
        s.add(TicketEventRow(ticket_id=ticket_id, event=event, actor_id=actor, at=self.clock(), detail=detail[:500]))

    def _send(self, s: Session, channel: str, user_ref: str, reply: Reply, *, raw: bool = False) -> None:
        """Queue a message. `raw`: it carries a volunteer's own words, kept as typed only until delivered
        (the outbox redacts it when it is marked sent or given up: bot.storage.outbox.REDACT_AFTER_SEND)."""
        enqueue_in(s, channel, user_ref, reply, now=self.clock(), redact_after_send=raw)

    def _to_citizen(self, s: Session, r: TicketRow, reply: Reply, *, raw: bool = False) -> None:
        if r.user_ref:
            self._send(s, r.channel, r.user_ref, reply, raw=raw)

    def _volunteers_for(self, s: Session, r: TicketRow, *, pool: bool) -> list[UserRow]:
        """Available, enabled, Telegram-linked volunteers who should hear about the ticket."""
        q = select(UserRow).where(UserRow.disabled.is_(False), UserRow.available.is_(True),
                                  UserRow.telegram_chat_id.is_not(None),
                                  UserRow.role.in_(("volunteer", "admin")))
        if not pool:
            q = q.where(UserRow.id.in_(select(UserCommuneRow.user_id).where(UserCommuneRow.commune == r.commune)))
        return list(s.scalars(q))

    def _notify_volunteers(self, s: Session, r: TicketRow, *, pool: bool, headline: str,
                           exclude: int | None = None) -> int:
        if "telegram" not in self.volunteer_channels:
            return 0
        n = 0
        text = f"{headline}\n{TicketSummary.from_dict(r.summary).as_text()}"
        for v in self._volunteers_for(s, r, pool=pool):
            if v.id == exclude:
                continue
            self._send(s, "telegram", str(v.telegram_chat_id),
                       Reply(text, (Button("Nhận hỗ trợ", f"tk:claim:{r.id}"),), kind="ticket"))
            n += 1
        return n

    def _has_commune_volunteers(self, s: Session, commune: str) -> bool:
        if not commune:
            return False
        q = select(func.count()).select_from(UserCommuneRow).join(UserRow, UserRow.id == UserCommuneRow.user_id).where(
            UserCommuneRow.commune == commune, UserRow.disabled.is_(False), UserRow.role.in_(("volunteer", "admin")))
        return bool(s.scalar(q))

    def median_wait_min(self, commune: str = "") -> float | None:
        """Median minutes to a volunteer's first answer over recent tickets (the commune's when it has
        at least 3, else the province's)."""
        since = self.clock() - self.wait_window
        with self.sessions() as s:
            rows = s.execute(select(TicketRow.commune, TicketRow.created_at, TicketRow.first_response_at).where(
                TicketRow.created_at >= since, TicketRow.first_response_at.is_not(None))).all()
        local = [m for c, a, b in rows if c == commune and (m := _minutes(a, b)) is not None]
        every = [m for _, a, b in rows if (m := _minutes(a, b)) is not None]
        pick = local if len(local) >= 3 else every
        return statistics.median(pick) if pick else None

    # ---- the citizen's side (HandoffDesk port) ---------------------------------------------------
    def request(self, *, channel: str, user_ref: str, reason: str, summary: TicketSummary, commune: str,
                priority: str = "normal", lang: str = "vi") -> OpenedTicket:
        now = self.clock()
        summary.commune = commune
        summary.commune_name = self.commune_name(commune) if commune else ""
        with self.sessions.begin() as s:
            r = s.scalar(select(TicketRow).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref,
                                                 TicketRow.status.in_(ACTIVE)).order_by(TicketRow.id.desc()))
            existing = r is not None
            if r is None:
                r = TicketRow(status="open", priority=priority, reason=reason[:40], commune=commune[:20],
                              channel=channel, user_ref=user_ref, lang=lang, summary=summary.as_dict(),
                              created_at=now, close_reason="", close_note="")
                s.add(r)
                s.flush()
                self._event(s, r.id, "opened", detail=f"{reason}, {priority}")
                to_pool = not self._has_commune_volunteers(s, r.commune)
                if to_pool:
                    r.pooled_at = now
                    self._event(s, r.id, "pooled", detail="no volunteer for the commune")
                head = f"{'🔴 KHẨN — ' if priority == 'urgent' else ''}Phiếu hỗ trợ #{r.id}"
                self._notify_volunteers(s, r, pool=to_pool, headline=head)
            elif priority == "urgent" and r.priority != "urgent":
                r.priority = "urgent"
                self._event(s, r.id, "urgent")
            ticket_id, ticket_priority, ticket_commune = r.id, r.priority, r.commune
        wait = self.median_wait_min(ticket_commune)
        next_open = None if self.hours.is_open(now) else self.hours.next_open(now)
        return OpenedTicket(ticket_id, ticket_priority, ticket_commune, existing, wait, next_open)

    def active(self, channel: str, user_ref: str) -> tuple[int, str] | None:
        with self.sessions() as s:
            row = s.execute(select(TicketRow.id, TicketRow.status).where(
                TicketRow.channel == channel, TicketRow.user_ref == user_ref, TicketRow.status.in_(ACTIVE)
            ).order_by(TicketRow.id.desc()).limit(1)).first()
            return (int(row[0]), str(row[1])) if row else None

    def from_citizen(self, ticket_id: int, text: str, *, source_msg_id: str) -> None:
        now = self.clock()
        try:
            with self.sessions.begin() as s:
                r = s.get(TicketRow, ticket_id)
                if r is None or r.status not in ACTIVE:
                    return
                s.add(TicketMessageRow(ticket_id=r.id, sender="citizen", author_id=None, text=text[:4000],
                                       source_msg_id=source_msg_id[:160], created_at=now))
                s.flush()
                r.last_citizen_at, r.reminded_at = now, None
                if r.status == "claimed" and r.claimed_by and "telegram" in self.volunteer_channels:
                    v = s.get(UserRow, r.claimed_by)
                    if v is not None and v.telegram_chat_id:
                        self._send(s, "telegram", v.telegram_chat_id,
                                   Reply(f"Phiếu #{r.id} — công dân:\n{text}", kind="ticket"))
        except IntegrityError:
            return  # a redelivered message: relayed already

    def cancel(self, channel: str, user_ref: str) -> bool:
        with self.sessions.begin() as s:
            r = s.scalar(select(TicketRow).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref,
                                                 TicketRow.status.in_(ACTIVE)).order_by(TicketRow.id.desc()))
            if r is None:
                return False
            was_claimed = r.claimed_by
            r.status, r.closed_at, r.close_reason = "cancelled", self.clock(), "cancelled_by_citizen"
            self._event(s, r.id, "cancelled")
            if was_claimed and "telegram" in self.volunteer_channels:
                v = s.get(UserRow, was_claimed)
                if v is not None and v.telegram_chat_id:
                    self._send(s, "telegram", v.telegram_chat_id,
                               Reply(f"Phiếu #{r.id}: công dân đã huỷ yêu cầu.", kind="ticket"))
            return True

    def rate(self, ticket_id: int, channel: str, user_ref: str, rating: int) -> bool:
        if not 1 <= rating <= 5:
            return False
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None or r.channel != channel or r.user_ref != user_ref or r.status != "closed" or r.rating:
                return False
            r.rating = rating
            self._event(s, r.id, "rated", detail=str(rating))
            return True

    # ---- the volunteers' side ----------------------------------------------------------------------
    @staticmethod
    def visible(user: User, r: TicketRow) -> bool:
        if user.role not in ("volunteer", "admin"):
            return False
        return (user.sees_all_communes or r.commune in user.communes or r.pooled_at is not None
                or r.claimed_by == user.id)

    def _view(self, s: Session, r: TicketRow, *, full: bool = False) -> TicketView:
        name = ""
        if r.claimed_by:
            v = s.get(UserRow, r.claimed_by)
            name = (v.display_name or v.username) if v else ""
        msgs: tuple[TicketMessage, ...] = ()
        events: tuple[tuple[str, datetime, str], ...] = ()
        if full:
            rows = s.execute(select(TicketMessageRow, UserRow.display_name).outerjoin(
                UserRow, UserRow.id == TicketMessageRow.author_id).where(TicketMessageRow.ticket_id == r.id)
                .order_by(TicketMessageRow.id)).all()
            msgs = tuple(TicketMessage(m.id, m.sender, dn or "", m.text, _aware(m.created_at) or m.created_at)
                         for m, dn in rows)
            events = tuple((e.event, _aware(e.at) or e.at, e.detail) for e in s.scalars(
                select(TicketEventRow).where(TicketEventRow.ticket_id == r.id).order_by(TicketEventRow.id)))
        return TicketView(r.id, r.status, r.priority, r.reason, r.commune, r.channel, r.lang, dict(r.summary or {}),
                          _aware(r.created_at) or r.created_at, _aware(r.pooled_at), _aware(r.claimed_at),
                          r.claimed_by, name, _aware(r.first_response_at), _aware(r.closed_at), r.close_reason,
                          r.rating, msgs, events)

    def list_for(self, user: User, *, status: str | None = None, limit: int = 200) -> list[TicketView]:
        if user.role not in ("volunteer", "admin"):
            raise Forbidden("only volunteers and admins handle tickets")
        with self.sessions() as s:
            q = select(TicketRow)
            if status:
                q = q.where(TicketRow.status.in_(status.split(",")))
            if not user.sees_all_communes:
                q = q.where(or_(TicketRow.commune.in_(user.communes or ("-",)), TicketRow.pooled_at.is_not(None),
                                TicketRow.claimed_by == user.id))
            q = q.order_by((TicketRow.priority == "urgent").desc(), TicketRow.id).limit(limit)
            return [self._view(s, r) for r in s.scalars(q)]

    def get_for(self, user: User, ticket_id: int) -> TicketView:
        with self.sessions() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None:
                raise NotFound("no such ticket")
            if not self.visible(user, r):
                raise Forbidden("this ticket belongs to another commune")
            return self._view(s, r, full=True)

    def claim(self, user: User, ticket_id: int) -> TicketView:
        now = self.clock()
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None:
                raise NotFound("no such ticket")
            if not self.visible(user, r):
                raise Forbidden("this ticket belongs to another commune")
            res = s.execute(update(TicketRow).where(TicketRow.id == ticket_id, TicketRow.status == "open")
                            .values(status="claimed", claimed_by=user.id, claimed_at=now)
                            .execution_options(synchronize_session=False))
            if res.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict("already claimed by someone else" if r.status == "claimed" else f"ticket is {r.status}")
            s.refresh(r)
            self._event(s, r.id, "claimed", actor=user.id)
            self._to_citizen(s, r, Reply(t(r.lang, "tk_claimed", name=user.display_name),
                                         (Button(t(r.lang, "btn_tk_cancel"), "tk:cancel"),), kind="volunteer"))
            view = self._view(s, r)
        for hook in self.after_claim:
            hook()
        return view

    def _own_claimed(self, s: Session, user: User, ticket_id: int) -> TicketRow:
        r = s.get(TicketRow, ticket_id)
        if r is None:
            raise NotFound("no such ticket")
        if not self.visible(user, r):
            raise Forbidden("this ticket belongs to another commune")
        if r.status != "claimed":
            raise Conflict(f"ticket is {r.status}")
        if r.claimed_by != user.id and user.role != "admin":
            raise Forbidden("another volunteer is handling this ticket")
        return r

    def reply(self, user: User, ticket_id: int, text: str, *, source_msg_id: str = "") -> None:
        text = text.strip()
        if not text:
            raise TicketError("text must not be empty")
        if len(text) > 3000:
            raise TicketError("text is too long (at most 3000 characters)")
        now = self.clock()
        try:
            with self.sessions.begin() as s:
                r = self._own_claimed(s, user, ticket_id)
                # at rest redacted like a citizen's words; the citizen still receives what was typed
                s.add(TicketMessageRow(ticket_id=r.id, sender="volunteer", author_id=user.id, text=redact(text),
                                       source_msg_id=source_msg_id or f"v{user.id}-{now.timestamp()}",
                                       created_at=now))
                s.flush()
                if r.first_response_at is None:
                    r.first_response_at = now
                    self._event(s, r.id, "first_response", actor=user.id)
                self._to_citizen(s, r, Reply(f"👤 {user.display_name}: {text}", kind="volunteer", lang=r.lang),
                                 raw=True)
        except IntegrityError:
            return

    def close(self, user: User, ticket_id: int, *, note: str = "", faq: tuple[str, str] | None = None,
              reason: str = "resolved") -> TicketView:
        now = self.clock()
        with self.sessions.begin() as s:
            r = self._own_claimed(s, user, ticket_id)
            r.status, r.closed_at, r.close_reason, r.close_note = "closed", now, reason, redact(note.strip())[:2000]
            self._event(s, r.id, "closed", actor=user.id, detail=reason)
            self._rating_prompt(s, r)
            if faq is not None:
                self._propose(s, faq[0], faq[1], ticket_id=r.id, user_id=user.id)
            return self._view(s, r)

    def release(self, user: User, ticket_id: int, *, note: str = "") -> TicketView:
        """Give a claimed ticket back (claimed by mistake, or the volunteer must stop): it is open again, in
        the province pool at once, every available volunteer hears of it, and the citizen is told another
        volunteer is being found. The conversation so far stays on the ticket for the next volunteer."""
        now = self.clock()
        with self.sessions.begin() as s:
            r = self._own_claimed(s, user, ticket_id)
            res = s.execute(update(TicketRow).where(TicketRow.id == ticket_id, TicketRow.status == "claimed",
                                                    TicketRow.claimed_by == r.claimed_by)
                            .values(status="open", claimed_by=None, claimed_at=None, reminded_at=None,
                                    pooled_at=func.coalesce(TicketRow.pooled_at, now))
                            .execution_options(synchronize_session=False))
            if res.rowcount != 1:  # type: ignore[attr-defined]
                raise Conflict("the ticket changed meanwhile; reload it")
            s.refresh(r)
            self._event(s, r.id, "released", actor=user.id, detail=redact(note.strip()))
            self._to_citizen(s, r, Reply(t(r.lang, "tk_released", name=user.display_name),
                                         (Button(t(r.lang, "btn_tk_cancel"), "tk:cancel"),), kind="volunteer"))
            self._notify_volunteers(s, r, pool=True, headline=f"{'🔴 KHẨN — ' if r.priority == 'urgent' else ''}"
                                                               f"Phiếu #{r.id} được trả lại, cần người nhận:", exclude=user.id)
            return self._view(s, r)

    def _rating_prompt(self, s: Session, r: TicketRow) -> None:
        buttons = tuple(Button(str(n), f"tk:rate:{r.id}:{n}") for n in range(1, 6))
        self._to_citizen(s, r, Reply(t(r.lang, "tk_closed"), buttons, kind="rating", lang=r.lang))

    # ---- FAQ proposals ---------------------------------------------------------------------------
    def _propose(self, s: Session, question: str, answer: str, *, ticket_id: int | None, user_id: int | None) -> int:
        question, answer = redact(question.strip()), redact(answer.strip())
        if not question or not answer:
            raise TicketError("a FAQ proposal needs both a question and an answer")
        if len(question) > 500 or len(answer) > 4000:
            raise TicketError("a FAQ proposal's question is at most 500 and its answer 4000 characters")
        group = 0
        for pid, gid, q in s.execute(select(FaqProposalRow.id, FaqProposalRow.group_id, FaqProposalRow.question)
                                     .where(FaqProposalRow.status == "pending")):
            if _similar(q, question) >= 0.6:
                group = gid or pid
                break
        row = FaqProposalRow(ticket_id=ticket_id, proposed_by=user_id, question=question, answer=answer,
                             group_id=group, status="pending", review_reason="", doc_id="", created_at=self.clock())
        s.add(row)
        s.flush()
        if not group:
            row.group_id = row.id
        return int(row.id)

    def proposals(self, *, status: str | None = "pending", proposal_id: int | None = None) -> list[Proposal]:
        with self.sessions() as s:
            q = select(FaqProposalRow, UserRow.username).outerjoin(UserRow, UserRow.id == FaqProposalRow.proposed_by)
            if status:
                q = q.where(FaqProposalRow.status == status)
            if proposal_id is not None:
                q = q.where(FaqProposalRow.id == proposal_id)
            return [Proposal(p.id, p.ticket_id, p.question, p.answer, p.group_id, p.status, name or "",
                             p.review_reason, p.doc_id, _aware(p.created_at) or p.created_at)
                    for p, name in s.execute(q.order_by(FaqProposalRow.group_id, FaqProposalRow.id))]

    def proposal(self, proposal_id: int) -> Proposal:
        found = self.proposals(status=None, proposal_id=proposal_id)
        if not found:
            raise NotFound("no such proposal")
        return found[0]

    def review(self, proposal_id: int, reviewer: User, *, approve: bool, reason: str = "", doc_id: str = "",
               question: str | None = None, answer: str | None = None) -> Proposal:
        with self.sessions.begin() as s:
            p = s.get(FaqProposalRow, proposal_id)
            if p is None:
                raise NotFound("no such proposal")
            if p.status != "pending":
                raise Conflict(f"proposal is already {p.status}")
            if not approve and not reason.strip():
                raise TicketError("a rejection needs a reason")
            if question is not None:
                p.question = question.strip()[:500]
            if answer is not None:
                p.answer = answer.strip()[:4000]
            p.status = "approved" if approve else "rejected"
            p.review_reason, p.reviewed_by, p.reviewed_at, p.doc_id = reason.strip()[:1000], reviewer.id, self.clock(), doc_id
        return self.proposal(proposal_id)

    # ---- the sweep: province pool, silence, expiry -------------------------------------------------
    def sweep(self) -> dict[str, int]:
        now = self.clock()
        done = {"pooled": 0, "reminded": 0, "closed_silent": 0, "expired": 0}
        with self.sessions.begin() as s:
            for r in s.scalars(select(TicketRow).where(TicketRow.status == "open", TicketRow.pooled_at.is_(None))):
                wait = self.urgent_pool_after if r.priority == "urgent" else self.pool_after
                if (_aware(r.created_at) or now) + wait <= now:
                    r.pooled_at = now
                    self._event(s, r.id, "pooled", detail=f"unclaimed after {wait.total_seconds() / 60:g} min")
                    self._notify_volunteers(s, r, pool=True,
                                            headline=f"{'🔴 KHẨN — ' if r.priority == 'urgent' else ''}Phiếu #{r.id} "
                                                     "chưa có ai nhận, cần hỗ trợ:")
                    done["pooled"] += 1
            for r in s.scalars(select(TicketRow).where(TicketRow.status == "open")):
                if (_aware(r.created_at) or now) + self.expire_after <= now:
                    r.status, r.closed_at, r.close_reason = "expired", now, "never_claimed"
                    self._event(s, r.id, "expired")
                    self._to_citizen(s, r, Reply(t(r.lang, "tk_expired"), (Button(t(r.lang, "btn_menu"), "menu"),)))
                    done["expired"] += 1
            for r in s.scalars(select(TicketRow).where(TicketRow.status == "claimed")):
                last = max(d for d in (_aware(r.last_citizen_at), _aware(r.claimed_at), _aware(r.created_at)) if d)
                if r.reminded_at is None and last + self.silence_remind <= now:
                    r.reminded_at = now
                    self._event(s, r.id, "reminded")
                    self._to_citizen(s, r, Reply(t(r.lang, "tk_still_there"),
                                                 (Button(t(r.lang, "btn_tk_cancel"), "tk:cancel"),)))
                    done["reminded"] += 1
                elif r.reminded_at is not None and last + self.silence_close <= now:
                    r.status, r.closed_at, r.close_reason = "closed", now, "citizen_silent"
                    self._event(s, r.id, "closed", detail="citizen_silent")
                    self._rating_prompt(s, r)
                    if r.claimed_by and "telegram" in self.volunteer_channels:
                        v = s.get(UserRow, r.claimed_by)
                        if v is not None and v.telegram_chat_id:
                            self._send(s, "telegram", v.telegram_chat_id, Reply(
                                f"Phiếu #{r.id} đã tự đóng vì công dân không trả lời.", kind="ticket"))
                    done["closed_silent"] += 1
        return done

    # ---- metrics -----------------------------------------------------------------------------------
    def metrics(self, *, since: datetime | None = None, until: datetime | None = None,
                communes: tuple[str, ...] | None = None) -> dict[str, list[dict[str, object]]]:
        with self.sessions() as s:
            q = select(TicketRow, UserRow.username, UserRow.display_name).outerjoin(
                UserRow, UserRow.id == TicketRow.claimed_by)
            if since is not None:
                q = q.where(TicketRow.created_at >= since)
            if until is not None:
                q = q.where(TicketRow.created_at < until)
            if communes is not None:
                q = q.where(TicketRow.commune.in_(communes))
            rows = s.execute(q).all()
        by_commune: dict[str, MetricsRow] = {}
        by_volunteer: dict[str, MetricsRow] = {}
        for r, username, display in rows:
            keys = [(by_commune, r.commune or "-", self.commune_name(r.commune) if r.commune else "(chưa rõ)")]
            if username:
                keys.append((by_volunteer, username, display or username))
            for table, key, name in keys:
                m = table.setdefault(key, MetricsRow(key, name))
                m.tickets += 1
                m.claimed += r.claimed_at is not None
                m.closed += r.status == "closed"
                if (fr := _minutes(r.created_at, r.first_response_at)) is not None:
                    m.first_response_min.append(fr)
                if r.status == "closed" and (cm := _minutes(r.created_at, r.closed_at)) is not None:
                    m.close_min.append(cm)
                if r.rating:
                    m.ratings.append(r.rating)
        return {"communes": [m.as_dict() for _, m in sorted(by_commune.items())],
                "volunteers": [m.as_dict() for _, m in sorted(by_volunteer.items())]}

    def open_count(self) -> int:
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(TicketRow).where(TicketRow.status.in_(ACTIVE))) or 0)

    def claimed_by_volunteer(self, user: User) -> list[int]:
        with self.sessions() as s:
            return [int(i) for i in s.scalars(select(TicketRow.id).where(TicketRow.status == "claimed",
                                                                          TicketRow.claimed_by == user.id))]



# ---- personal data (/dulieu, /xoa, retention): tickets are kept anonymised for statistics ---------------
def _export_tickets(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for r in s.scalars(select(TicketRow).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref)):
        msgs = [{"from": m.sender, "text": m.text, "at": m.created_at} for m in s.scalars(
            select(TicketMessageRow).where(TicketMessageRow.ticket_id == r.id).order_by(TicketMessageRow.id))]
        out.append({"ticket": r.id, "status": r.status, "commune": r.commune, "created_at": r.created_at,
                    "closed_at": r.closed_at, "rating": r.rating, "summary": r.summary, "messages": msgs})
    return out


def _erase_tickets(s: Session, channel: str, user_ref: str) -> int:
    """Messages and the summary's questions go; the ticket stays, without anyone's identity, for statistics."""
    ids = list(s.scalars(select(TicketRow.id).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref)))
    if not ids:
        return 0
    s.execute(delete(TicketMessageRow).where(TicketMessageRow.ticket_id.in_(ids)))
    for r in s.scalars(select(TicketRow).where(TicketRow.id.in_(ids))):
        if r.status in ACTIVE:
            r.status, r.closed_at, r.close_reason = "cancelled", datetime.now(UTC), "citizen_erased"
        r.user_ref, r.close_note = None, ""
        r.summary = {k: v for k, v in (r.summary or {}).items() if k in ("reason", "commune", "commune_name", "lang")}
    return len(ids)


def _purge_ticket_text(s: Session, before: datetime) -> int:
    n = s.execute(delete(TicketMessageRow).where(TicketMessageRow.created_at < before)).rowcount  # type: ignore[attr-defined]
    return int(n or 0)


register("tickets", export=_export_tickets, erase=_erase_tickets, purge=_purge_ticket_text)
