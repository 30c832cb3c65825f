"""The ticket repository: loads ticket rows, asks the hand-off rules (bot/core/handoff/lifecycle.py) what a
step does, and writes the result — the row's new state, its events and the messages it causes (to the
citizen's channel, to volunteers' Telegram chats, through the outbox) — in ONE transaction, so a crash never
leaves a claimed ticket whose citizen was not told, nor a told citizen whose ticket was not claimed.

Claims and releases are a conditional UPDATE (`… WHERE status = <as loaded>`): of any number of concurrent
claims exactly one changes a row; the others get `Conflict`. Also here: the queries behind the volunteers'
list (scoped to their communes); the figures (metrics, wait) are in `ticket_figures`, FAQ proposals in
`ticket_proposals`. No rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.handoff import lifecycle as rules
from bot.core.handoff.errors import Conflict, NotFound
from bot.core.handoff.lifecycle import Decision, Ticket, TicketPolicy, Volunteer
from bot.core.handoff.rules import OpenedTicket, ServiceHours, TicketSummary
from bot.core.handoff.views import TicketMessage, TicketView
from bot.core.messages import Reply
from bot.core.privacy.redaction import redact
from bot.storage.db import relaxed_commit
from bot.storage.outbox import enqueue_in
from bot.storage.personal_data import register
from bot.storage.tables.accounts import UserCommuneRow, UserRow
from bot.storage.tables.tickets import TicketEventRow, TicketMessageRow, TicketRow
from bot.storage.ticket_figures import TicketFigureQueries
from bot.storage.ticket_proposals import FaqProposals


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def _ticket(r: TicketRow) -> Ticket:
    return Ticket(r.id, r.status, r.priority, r.reason, r.commune, r.channel, r.user_ref, r.lang,
                  _aware(r.created_at) or r.created_at, dict(r.summary or {}), _aware(r.pooled_at), r.claimed_by,
                  _aware(r.claimed_at), _aware(r.first_response_at), _aware(r.last_citizen_at),
                  _aware(r.reminded_at), _aware(r.closed_at), r.close_reason, r.close_note, r.rating)


def _changes(before: Ticket, after: Ticket) -> dict[str, object]:
    return {f: getattr(after, f) for f in rules.LIFECYCLE_FIELDS if getattr(after, f) != getattr(before, f)}


def _apply(r: TicketRow, before: Ticket, after: Ticket) -> None:
    for name, value in _changes(before, after).items():
        setattr(r, name, value)


class SqlTicketDesk(TicketFigureQueries, FaqProposals):
    """Implements the core's `HandoffDesk` and `VolunteerDesk`, and the volunteers' web operations."""

    def __init__(self, sessions: sessionmaker[Session], *, hours: ServiceHours | None = None,
                 pool_after_min: float = 10, urgent_pool_after_min: float = 2, silence_remind_min: float = 30,
                 silence_close_min: float = 60, expire_after_hours: float = 72, wait_window_days: int = 30,
                 volunteer_channels: tuple[str, ...] = (), commune_name: Callable[[str], str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.sessions = sessions
        self.hours = hours or ServiceHours()
        # the routing timings; the admin console changes them on a running desk (core.admin.settings.BotSettingsService)
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

    @property
    def policy(self) -> TicketPolicy:
        return TicketPolicy(self.pool_after, self.urgent_pool_after, self.silence_remind, self.silence_close,
                            self.expire_after)

    # ---- writing a decision ----------------------------------------------------------------------
    def _event(self, s: Session, ticket_id: int, event: str, actor: int | None = None, detail: str = "") -> None:
        s.add(TicketEventRow(ticket_id=ticket_id, event=event, actor_id=actor, at=self.clock(), detail=detail[:500]))

    def _send(self, s: Session, channel: str, user_ref: str, reply: Reply, *, raw: bool = False) -> None:
        """Queue a message. `raw`: it carries a volunteer's own words, kept as typed only until delivered
        (the outbox redacts it when it is marked sent or given up: bot.storage.outbox.REDACT_AFTER_SEND)."""
        enqueue_in(s, channel, user_ref, reply, now=self.clock(), redact_after_send=raw)

    def _volunteers_for(self, s: Session, commune: str, *, pool: bool) -> list[UserRow]:
        """Available, enabled, Telegram-linked volunteers who should hear about a ticket."""
        q = select(UserRow).where(UserRow.disabled.is_(False), UserRow.available.is_(True),
                                  UserRow.telegram_chat_id.is_not(None), UserRow.role.in_(rules.HANDLER_ROLES))
        if not pool:
            q = q.where(UserRow.id.in_(select(UserCommuneRow.user_id).where(UserCommuneRow.commune == commune)))
        return list(s.scalars(q))

    def _deliver(self, s: Session, before: Ticket, d: Decision) -> None:
        after = d.ticket
        telegram = "telegram" in self.volunteer_channels
        for n in d.notices:
            if n.to == rules.CITIZEN:
                if after.user_ref:
                    self._send(s, after.channel, after.user_ref, n.reply, raw=n.raw)
            elif n.to == rules.CLAIMER:
                claimer = after.claimed_by or before.claimed_by
                v = s.get(UserRow, claimer) if telegram and claimer else None
                if v is not None and v.telegram_chat_id:
                    self._send(s, "telegram", v.telegram_chat_id, n.reply, raw=n.raw)
            elif telegram:  # COMMUNE or POOL
                for v in self._volunteers_for(s, after.commune, pool=n.to == rules.POOL):
                    if v.id != n.exclude:
                        self._send(s, "telegram", str(v.telegram_chat_id), n.reply, raw=n.raw)

    def _write(self, s: Session, r: TicketRow, before: Ticket, d: Decision) -> None:
        """Apply a decision to its (loaded) row: the changed fields, the events, the messages."""
        _apply(r, before, d.ticket)
        self._record(s, before, d)

    def _record(self, s: Session, before: Ticket, d: Decision) -> None:
        for e in d.events:
            self._event(s, d.ticket.id, e.name, actor=e.actor, detail=e.detail)
        self._deliver(s, before, d)

    def _write_guarded(self, s: Session, r: TicketRow, before: Ticket, d: Decision) -> bool:
        """Like `_write`, as one conditional UPDATE: False (nothing written) when the row's status or claimer
        changed since it was loaded (a concurrent claim or release)."""
        claimer = TicketRow.claimed_by.is_(None) if before.claimed_by is None \
            else TicketRow.claimed_by == before.claimed_by
        res = s.execute(update(TicketRow).where(TicketRow.id == before.id, TicketRow.status == before.status, claimer)
                        .values(**_changes(before, d.ticket)).execution_options(synchronize_session=False))
        s.refresh(r)
        if res.rowcount != 1:  # type: ignore[attr-defined]
            return False
        self._record(s, before, d)
        return True

    def _load(self, s: Session, ticket_id: int) -> tuple[TicketRow, Ticket]:
        r = s.get(TicketRow, ticket_id)
        if r is None:
            raise NotFound("no such ticket")
        return r, _ticket(r)

    def _active_row(self, s: Session, channel: str, user_ref: str) -> TicketRow | None:
        return s.scalar(select(TicketRow).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref,
                                                TicketRow.status.in_(rules.ACTIVE)).order_by(TicketRow.id.desc()))

    def _has_commune_volunteers(self, s: Session, commune: str) -> bool:
        q = select(func.count()).select_from(UserCommuneRow).join(UserRow, UserRow.id == UserCommuneRow.user_id).where(
            UserCommuneRow.commune == commune, UserRow.disabled.is_(False), UserRow.role.in_(rules.HANDLER_ROLES))
        return bool(s.scalar(q))

    # ---- the citizen's side (HandoffDesk port) ---------------------------------------------------
    def request(self, *, channel: str, user_ref: str, reason: str, summary: TicketSummary, commune: str,
                priority: str = "normal", lang: str = "vi") -> OpenedTicket:
        now = self.clock()
        summary.commune = commune
        summary.commune_name = self.commune_name(commune) if commune else ""
        with self.sessions.begin() as s:
            r = self._active_row(s, channel, user_ref)
            existing = r is not None
            if r is None:
                r = TicketRow(status=rules.OPEN, priority=priority, reason=reason[:40], commune=commune[:20],
                              channel=channel, user_ref=user_ref, lang=lang, summary=summary.as_dict(),
                              created_at=now, close_reason="", close_note="")
                s.add(r)
                s.flush()
                before = _ticket(r)
                served = bool(r.commune) and self._has_commune_volunteers(s, r.commune)
                self._write(s, r, before, rules.route_new(before, commune_has_volunteers=served, now=now))
            else:
                before = _ticket(r)
                if (d := rules.escalate(before, priority)) is not None:
                    self._write(s, r, before, d)
            ticket_id, ticket_priority, ticket_commune = r.id, r.priority, r.commune
        wait = self.median_wait_min(ticket_commune)
        next_open = None if self.hours.is_open(now) else self.hours.next_open(now)
        return OpenedTicket(ticket_id, ticket_priority, ticket_commune, existing, wait, next_open)

    def active(self, channel: str, user_ref: str) -> tuple[int, str] | None:
        with self.sessions() as s:
            row = s.execute(select(TicketRow.id, TicketRow.status).where(
                TicketRow.channel == channel, TicketRow.user_ref == user_ref, TicketRow.status.in_(rules.ACTIVE)
            ).order_by(TicketRow.id.desc()).limit(1)).first()
            return (int(row[0]), str(row[1])) if row else None

    def from_citizen(self, ticket_id: int, text: str, *, source_msg_id: str) -> None:
        now = self.clock()
        try:
            with self.sessions.begin() as s:
                relaxed_commit(s)  # relayed while the message is processed: durable with its completion
                r = s.get(TicketRow, ticket_id)
                if r is None:
                    return
                before = _ticket(r)
                d = rules.citizen_wrote(before, text, now)
                if d is None:
                    return
                s.add(TicketMessageRow(ticket_id=r.id, sender="citizen", author_id=None, text=text[:4000],
                                       source_msg_id=source_msg_id[:160], created_at=now))
                s.flush()
                self._write(s, r, before, d)
        except IntegrityError:
            return  # a redelivered message: relayed already

    def cancel(self, channel: str, user_ref: str) -> bool:
        with self.sessions.begin() as s:
            r = self._active_row(s, channel, user_ref)
            if r is None:
                return False
            before = _ticket(r)
            self._write(s, r, before, rules.cancel(before, self.clock()))
            return True

    def rate(self, ticket_id: int, channel: str, user_ref: str, rating: int) -> bool:
        if not rules.valid_rating(rating):
            return False
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None:
                return False
            before = _ticket(r)
            d = rules.rate(before, channel, user_ref, rating)
            if d is None:
                return False
            self._write(s, r, before, d)
            return True

    # ---- the volunteers' side ----------------------------------------------------------------------
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

    def list_for(self, user: Volunteer, *, status: str | None = None, limit: int = 200) -> list[TicketView]:
        rules.check_handler(user)
        with self.sessions() as s:
            q = select(TicketRow)
            if status:
                q = q.where(TicketRow.status.in_(status.split(",")))
            if not user.sees_all_communes:  # the SQL form of rules.visible
                q = q.where(or_(TicketRow.commune.in_(user.communes or ("-",)), TicketRow.pooled_at.is_not(None),
                                TicketRow.claimed_by == user.id))
            q = q.order_by((TicketRow.priority == "urgent").desc(), TicketRow.id).limit(limit)
            return [self._view(s, r) for r in s.scalars(q)]

    def get_for(self, user: Volunteer, ticket_id: int) -> TicketView:
        with self.sessions() as s:
            r, ticket = self._load(s, ticket_id)
            rules.check_visible(user, ticket)
            return self._view(s, r, full=True)

    def claim(self, user: Volunteer, ticket_id: int) -> TicketView:
        now = self.clock()
        with self.sessions.begin() as s:
            r, before = self._load(s, ticket_id)
            if not self._write_guarded(s, r, before, rules.claim(before, user, now)):
                raise rules.can_claim(_ticket(r), user) or Conflict("the ticket changed meanwhile; reload it")
            view = self._view(s, r)
        for hook in self.after_claim:
            hook()
        return view

    def reply(self, user: Volunteer, ticket_id: int, text: str, *, source_msg_id: str = "") -> None:
        text = rules.check_reply_text(text)
        now = self.clock()
        try:
            with self.sessions.begin() as s:
                r, before = self._load(s, ticket_id)
                d = rules.reply(before, user, text, now)
                # at rest redacted like a citizen's words; the citizen still receives what was typed
                s.add(TicketMessageRow(ticket_id=r.id, sender="volunteer", author_id=user.id, text=redact(text),
                                       source_msg_id=source_msg_id or f"v{user.id}-{now.timestamp()}",
                                       created_at=now))
                s.flush()
                self._write(s, r, before, d)
        except IntegrityError:
            return

    def close(self, user: Volunteer, ticket_id: int, *, note: str = "", faq: tuple[str, str] | None = None,
              reason: str = "resolved") -> TicketView:
        now = self.clock()
        with self.sessions.begin() as s:
            r, before = self._load(s, ticket_id)
            self._write(s, r, before, rules.close(before, user, now, reason=reason, note=redact(note.strip())))
            if faq is not None:
                self._propose(s, faq[0], faq[1], ticket_id=r.id, user_id=user.id)
            return self._view(s, r)

    def release(self, user: Volunteer, ticket_id: int, *, note: str = "") -> TicketView:
        """Give a claimed ticket back (claimed by mistake, or the volunteer must stop): see rules.release.
        The conversation so far stays on the ticket for the next volunteer."""
        now = self.clock()
        with self.sessions.begin() as s:
            r, before = self._load(s, ticket_id)
            if not self._write_guarded(s, r, before, rules.release(before, user, now, note=redact(note.strip()))):
                raise Conflict("the ticket changed meanwhile; reload it")
            return self._view(s, r)

    # ---- the sweep: province pool, silence, expiry -------------------------------------------------
    def sweep(self) -> dict[str, int]:
        now, policy = self.clock(), self.policy
        done = {"pooled": 0, "reminded": 0, "closed_silent": 0, "expired": 0}
        with self.sessions.begin() as s:
            for r in s.scalars(select(TicketRow).where(TicketRow.status.in_(rules.ACTIVE)).order_by(TicketRow.id)).all():
                before = _ticket(r)
                d = rules.sweep(before, now, policy)
                if d is not None:
                    self._write(s, r, before, d)
                    for what in d.counts:
                        done[what] += 1
        return done

    def claimed_by_volunteer(self, user: Volunteer) -> list[int]:
        with self.sessions() as s:
            return [int(i) for i in s.scalars(select(TicketRow.id).where(TicketRow.status == rules.CLAIMED,
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
    now = datetime.now(UTC)
    for r in s.scalars(select(TicketRow).where(TicketRow.id.in_(ids))):
        after = rules.erase_citizen(before := _ticket(r), now)
        _apply(r, before, after)
        r.user_ref, r.summary = after.user_ref, after.summary
    return len(ids)


def _purge_ticket_text(s: Session, before: datetime) -> int:
    n = s.execute(delete(TicketMessageRow).where(TicketMessageRow.created_at < before)).rowcount  # type: ignore[attr-defined]
    return int(n or 0)


register("tickets", export=_export_tickets, erase=_erase_tickets, purge=_purge_ticket_text)
