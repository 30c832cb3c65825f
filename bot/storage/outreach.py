"""Announcements over the durable outbox (issue 21): subscriptions with their consent records, campaigns,
one row per recipient, and the dispatcher — a periodic job of every worker process.

How a campaign goes out (docs/OUTREACH.md):
1. At `send_at` (already moved out of the quiet hours) one worker takes the campaign row (FOR UPDATE SKIP
   LOCKED) and writes one recipient row per matching active subscription (unique per campaign and person).
2. Every run, each worker takes the channel's pacing row (FOR UPDATE: one at a time), claims queued
   recipients not yet handed over (FOR UPDATE SKIP LOCKED), checks each again (still subscribed? a Zalo
   recipient inside the 7-day window?) and writes the outbox row with the next free send slot (1/rate
   seconds apart, at least `per_chat_s` after that person's previous message) **in the same transaction**
   that records the outbox id on the recipient: a recipient is handed to the outbox exactly once.
3. The outbox worker sends (retries, retry_after); `sync` copies the outbox outcome back (sent, failed with
   the reason, out_of_window).
Opting out withdraws the person's pending outbox rows at once; pausing or cancelling withdraws a campaign's.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, Protocol

from sqlalchemy import case, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.messages import Button, Reply
from bot.core.outreach import model as m
from bot.storage.outbox import cancel_pending, enqueue_in
from bot.storage.outreach_subscriptions import Subscriptions
from bot.storage.personal_data import register
from bot.storage.tables.base import utcnow
from bot.storage.tables.messaging import InboxRow, OutboxRow
from bot.storage.tables.outreach import (
    CampaignRow,
    PaceRow,
    RecipientRow,
    RegistrationRow,
    SubscriptionConsentRow,
    SubscriptionRow,
)

log = logging.getLogger(__name__)
WINDOW_ERROR = "interaction window"  # in the outbox's error for a Zalo reply outside the window


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


class TemplateSender(Protocol):
    """The seam for Zalo ZBS template messages (outside the 7-day window): True when it queued one."""

    def send_template(self, channel: str, user_ref: str, campaign_id: int, title: str) -> bool: ...


class SqlOutreach(Subscriptions):
    """Campaigns (this module), subscriptions (outreach_subscriptions.py) and classes (ClassBook): the chat's
    `OutreachStore` port."""

    def __init__(self, sessions: sessionmaker[Session], *, tz: tzinfo, rates: dict[str, float],
                 windows: dict[str, float | None], per_chat_s: float = 1.0, horizon_s: float = 10.0,
                 batch: int = 500, templates: TemplateSender | None = None, learning: Any = None,
                 clock: Callable[[], datetime] | None = None,
                 quiet: tuple[time, time] = (m.QUIET_START, m.QUIET_END)) -> None:
        super().__init__(sessions, tz=tz, learning=learning, clock=clock, quiet=quiet)
        self.rates, self.windows = dict(rates), dict(windows)
        self.per_chat_s, self.horizon_s, self.batch = per_chat_s, horizon_s, batch
        self.templates = templates
        self._paced: set[str] = set()

    # ---- campaigns -----------------------------------------------------------------------------------
    def create(self, draft: m.Draft, *, actor: str, kind: str = "announcement", class_id: int | None = None,
               lang: str = "vi") -> int:
        now = self.clock()
        requested = draft.send_at or now
        with self.sessions.begin() as s:
            row = CampaignRow(kind=kind, title=draft.title.strip()[:200], text=draft.text.strip(), lang=lang,
                              buttons=[{"kind": b.kind, "target": b.target.strip(), "title": b.title.strip()[:60]}
                                       for b in draft.buttons],
                              audience=draft.audience.as_dict(), status=m.SCHEDULED,
                              send_at=self._allowed(max(requested, now)), requested_at=requested,
                              created_by=actor[:80], created_at=utcnow(), class_id=class_id)
            s.add(row)
            s.flush()
            return int(row.id)

    def set_status(self, campaign_id: int, new: str) -> str:
        """pause | resume (→ scheduled) | cancel. Returns the new status; raises ValueError when not allowed.
        Pausing and cancelling withdraw the outbox rows not yet taken by a sender."""
        target = m.SCHEDULED if new == "resume" else new
        with self.sessions.begin() as s:
            c = s.get(CampaignRow, campaign_id, with_for_update=True)
            if c is None:
                raise LookupError("no such announcement")
            if new == "resume" and c.status == m.PAUSED:
                target = m.SENDING if c.started_at is not None else m.SCHEDULED
            if not m.campaign_can_move(c.status, target):
                raise ValueError(f"cannot {new} an announcement that is {c.status}")
            c.status = target
            if target in (m.PAUSED, m.CANCELLED):
                rows = list(s.scalars(select(RecipientRow).where(RecipientRow.campaign_id == campaign_id,
                                                                 RecipientRow.status == m.QUEUED).with_for_update()))
                cancel_pending(s, [int(r.outbox_id) for r in rows if r.outbox_id])
                for r in rows:
                    if r.outbox_id and s.scalar(select(OutboxRow.status).where(OutboxRow.id == r.outbox_id)) != "cancelled":
                        continue  # already with a sender: its outcome is synced as usual
                    if target == m.CANCELLED:
                        r.status, r.reason = m.CANCELLED, "announcement cancelled"
                    r.outbox_id, r.updated_at = None, utcnow()
                if target == m.CANCELLED:
                    c.finished_at = utcnow()
            return target

    def reschedule(self, campaign_id: int, at: datetime | None = None) -> datetime:
        """Move a scheduled (or paused, not yet started) announcement to `at` (None: now), out of quiet hours."""
        now = self.clock()
        when = self._allowed(max(at or now, now))
        with self.sessions.begin() as s:
            c = s.get(CampaignRow, campaign_id, with_for_update=True)
            if c is None:
                raise LookupError("no such announcement")
            if c.status not in (m.SCHEDULED, m.PAUSED) or c.started_at is not None:
                raise ValueError(f"the announcement is {c.status}: it cannot be moved")
            c.send_at, c.requested_at, c.status = when, at or now, m.SCHEDULED
        return when

    def campaigns(self, *, limit: int = 100) -> list[dict[str, object]]:
        with self.sessions() as s:
            rows = list(s.scalars(select(CampaignRow).order_by(CampaignRow.id.desc()).limit(limit)))
            counts = self._counts(s, [r.id for r in rows])
            return [self._campaign_dict(r, counts.get(r.id, {})) for r in rows]

    def campaign(self, campaign_id: int) -> dict[str, object] | None:
        with self.sessions() as s:
            r = s.get(CampaignRow, campaign_id)
            return self._campaign_dict(r, self._counts(s, [r.id]).get(r.id, {})) if r is not None else None

    def _counts(self, s: Session, ids: Sequence[int]) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        if not ids:
            return out
        for cid, status, n in s.execute(select(RecipientRow.campaign_id, RecipientRow.status, func.count())
                                        .where(RecipientRow.campaign_id.in_(ids))
                                        .group_by(RecipientRow.campaign_id, RecipientRow.status)):
            out.setdefault(cid, {})[status] = int(n)
        for cid, clicked, clicks in s.execute(
                select(RecipientRow.campaign_id, func.count(RecipientRow.clicked_at), func.sum(RecipientRow.clicks))
                .where(RecipientRow.campaign_id.in_(ids)).group_by(RecipientRow.campaign_id)):
            out.setdefault(cid, {}).update(clicked=int(clicked or 0), clicks=int(clicks or 0))
        return out

    def _campaign_dict(self, r: CampaignRow, counts: dict[str, int]) -> dict[str, object]:
        figures = {k: counts.get(k, 0) for k in (*m.RECIPIENT_STATUSES, "clicked", "clicks")}
        figures["recipients"] = sum(counts.get(k, 0) for k in m.RECIPIENT_STATUSES)
        return {"id": r.id, "kind": r.kind, "title": r.title, "text": r.text, "buttons": r.buttons,
                "audience": r.audience, "status": r.status, "send_at": _aware(r.send_at),
                "requested_at": _aware(r.requested_at), "created_by": r.created_by, "created_at": _aware(r.created_at),
                "started_at": _aware(r.started_at), "finished_at": _aware(r.finished_at), "class_id": r.class_id,
                "figures": figures}

    def recipients_csv(self, campaign_id: int) -> str:
        with self.sessions() as s:
            rows = s.execute(select(RecipientRow.id, RecipientRow.channel, RecipientRow.lang, RecipientRow.status,
                                    RecipientRow.reason, RecipientRow.updated_at, RecipientRow.clicks)
                             .where(RecipientRow.campaign_id == campaign_id).order_by(RecipientRow.id)).all()
        # the platform's chat id is personal data: the export names a recipient by its row number only
        return m.csv_text(("recipient", "channel", "lang", "status", "reason", "updated_at", "clicks"),
                          ([r.id, r.channel, r.lang, r.status, r.reason, _aware(r.updated_at), r.clicks] for r in rows))

    def click(self, campaign_id: int, index: int, channel: str, user_ref: str) -> m.AnnouncementButton | None:
        with self.sessions.begin() as s:
            c = s.get(CampaignRow, campaign_id)
            if c is None or not 0 <= index < len(c.buttons or []):
                return None
            s.execute(update(RecipientRow).where(RecipientRow.campaign_id == campaign_id,
                                                 RecipientRow.channel == channel, RecipientRow.user_ref == user_ref[:128])
                      .values(clicks=RecipientRow.clicks + 1, clicked_at=func.coalesce(RecipientRow.clicked_at, utcnow())))
            b = c.buttons[index]
            return m.AnnouncementButton(str(b["kind"]), str(b["target"]), str(b["title"]))

    # ---- the dispatcher (a periodic job) ------------------------------------------------------------------
    def _lock(self, s: Session) -> None:
        if s.get_bind().dialect.name != "postgresql":
            s.execute(text("BEGIN IMMEDIATE"))

    def run_once(self) -> dict[str, int]:
        """Class reminders due → campaigns; due campaigns → recipients; recipients → outbox; outcomes back."""
        return {"reminders": self.queue_reminders(), "started": self.start_due(), "queued": self.hand_over(),
                "synced": self.sync()}

    def start_due(self) -> int:
        now = self.clock()
        started = 0
        while True:
            with self.sessions.begin() as s:
                self._lock(s)
                q = select(CampaignRow).where(CampaignRow.status == m.SCHEDULED, CampaignRow.send_at <= now)
                c = s.scalar(q.order_by(CampaignRow.send_at).limit(1).with_for_update(skip_locked=True))
                if c is None:
                    return started
                if c.kind == "class_reminder":
                    people = [(r.channel, r.user_ref, r.lang) for r in s.scalars(
                        select(RegistrationRow).where(RegistrationRow.class_id == c.class_id,
                                                      RegistrationRow.status == "registered"))]
                else:
                    people = [(x.channel, x.user_ref, x.lang) for x in self._audience(m.Audience.from_dict(c.audience), s)]
                at = utcnow()
                if people:
                    s.execute(insert(RecipientRow), [
                        {"campaign_id": c.id, "channel": ch, "user_ref": ref, "lang": lang, "status": m.QUEUED,
                         "reason": "", "updated_at": at, "clicks": 0} for ch, ref, lang in people])
                c.status, c.started_at = m.SENDING, at
                started += 1
                log.info("announcement %s started: %s recipients", c.id, len(people))

    def _ensure_pace(self, channel: str) -> None:
        if channel in self._paced:
            return
        try:
            with self.sessions.begin() as s:
                if s.get(PaceRow, channel) is None:
                    s.add(PaceRow(channel=channel, next_slot_at=utcnow()))
        except IntegrityError:  # another worker made it
            pass
        self._paced.add(channel)

    def hand_over(self) -> int:
        total = 0
        for channel, rate in self.rates.items():
            total += self._hand_over(channel, rate)
        return total

    def _hand_over(self, channel: str, rate: float) -> int:
        self._ensure_pace(channel)
        now, wall = self.clock(), utcnow()
        if m.in_quiet_hours(now, self.tz, *self.quiet):  # a long campaign stops at 22:00 and goes on at 06:00
            return 0
        with self.sessions.begin() as s:
            self._lock(s)
            sending = select(CampaignRow.id).where(CampaignRow.status == m.SENDING)
            has_work = s.scalar(select(RecipientRow.id).where(
                RecipientRow.channel == channel, RecipientRow.status == m.QUEUED, RecipientRow.outbox_id.is_(None),
                RecipientRow.campaign_id.in_(sending)).limit(1))
            if has_work is None:
                self._finish(s)
                return 0
            pace = s.get(PaceRow, channel, with_for_update=True, populate_existing=True)
            assert pace is not None
            slot = max(_aware(pace.next_slot_at) or wall, wall)
            room = min(self.batch, math.floor((wall + timedelta(seconds=self.horizon_s) - slot).total_seconds() * rate))
            if room <= 0:
                return 0
            q = (select(RecipientRow).where(RecipientRow.channel == channel, RecipientRow.status == m.QUEUED,
                                            RecipientRow.outbox_id.is_(None), RecipientRow.campaign_id.in_(sending))
                 .order_by(RecipientRow.campaign_id, RecipientRow.id).limit(room).with_for_update(skip_locked=True))
            rows = list(s.scalars(q))
            campaigns = {c.id: c for c in s.scalars(select(CampaignRow).where(
                CampaignRow.id.in_({r.campaign_id for r in rows})))}
            refs = [r.user_ref for r in rows]
            active = set(s.scalars(select(SubscriptionRow.user_ref).where(
                SubscriptionRow.channel == channel, SubscriptionRow.user_ref.in_(refs), SubscriptionRow.active.is_(True))))
            window = self.windows.get(channel)
            seen: dict[str, Any] = dict(s.execute(  # type: ignore[arg-type]
                select(InboxRow.user_ref, func.max(InboxRow.received_at)).where(
                InboxRow.channel == channel, InboxRow.user_ref.in_(refs)).group_by(InboxRow.user_ref)).all()) if window else {}
            last_at = case((OutboxRow.status == "sent", OutboxRow.sent_at), (OutboxRow.status == "sending", wall),
                           else_=OutboxRow.next_attempt_at)  # a "sending" row's next_attempt_at is its lease
            busy: dict[str, Any] = dict(s.execute(  # type: ignore[arg-type]
                select(OutboxRow.user_ref, func.max(last_at)).where(
                OutboxRow.status.in_(("pending", "sending", "sent")),
                OutboxRow.channel == channel, OutboxRow.user_ref.in_(refs),
                OutboxRow.created_at >= wall - timedelta(minutes=5)).group_by(OutboxRow.user_ref)).all())
            step = timedelta(seconds=1.0 / rate)
            queued = 0
            for r in rows:
                c = campaigns[r.campaign_id]
                if c.kind == "announcement" and r.user_ref not in active:
                    r.status, r.reason, r.updated_at = m.OPTED_OUT, "opted out before sending", wall
                    continue
                last = _aware(seen.get(r.user_ref))
                if window and (last is None or (now - last).total_seconds() > window):
                    if self.templates is not None and self.templates.send_template(channel, r.user_ref, c.id, c.title):
                        r.status, r.reason = m.SENT, "template"
                    else:
                        r.status, r.reason = m.OUT_OF_WINDOW, "no message from this person in the last 7 days"
                    r.updated_at = wall
                    continue
                due = slot
                prev = _aware(busy.get(r.user_ref))
                if prev is not None and prev + timedelta(seconds=self.per_chat_s) > due:
                    due = prev + timedelta(seconds=self.per_chat_s)
                r.outbox_id = enqueue_in(s, channel, r.user_ref, self._reply(c, r.lang),
                                         meta={"campaign": c.id, "recipient": r.id}, due=due)
                r.updated_at = wall
                slot += step
                queued += 1
            pace.next_slot_at = slot
            return queued

    def _reply(self, c: CampaignRow, lang: str) -> Reply:
        buttons = tuple(Button(str(b["title"])[:60], m.button_action(c.id, i)) for i, b in enumerate(c.buttons or []))
        return Reply(c.text, buttons, kind="announcement", lang=c.lang or lang)

    def _finish(self, s: Session) -> None:
        left = select(RecipientRow.id).where(RecipientRow.campaign_id == CampaignRow.id, RecipientRow.status == m.QUEUED,
                                             RecipientRow.outbox_id.is_(None))
        s.execute(update(CampaignRow).where(CampaignRow.status == m.SENDING, ~left.exists())
                  .values(status=m.DONE, finished_at=utcnow()))

    def sync(self, limit: int = 5000) -> int:
        """Copy the outbox's outcome to handed-over recipients (sent, failed + reason, out_of_window)."""
        with self.sessions.begin() as s:
            rows = s.execute(select(RecipientRow.id, OutboxRow.status, OutboxRow.error)
                             .join(OutboxRow, OutboxRow.id == RecipientRow.outbox_id)
                             .where(RecipientRow.status == m.QUEUED, OutboxRow.status.in_(("sent", "failed")))
                             .limit(limit)).all()
            now = utcnow()
            for rid, status, error in rows:
                if status == "sent":
                    new, reason = m.SENT, ""
                elif WINDOW_ERROR in (error or ""):
                    new, reason = m.OUT_OF_WINDOW, error or ""
                else:
                    new, reason = m.FAILED, error or "failed"
                s.execute(update(RecipientRow).where(RecipientRow.id == rid, RecipientRow.status == m.QUEUED)
                          .values(status=new, reason=reason[:500], updated_at=now))
            return len(rows)


# ---- personal data (/dulieu, /xoa) --------------------------------------------------------------------
def _export(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    r = s.scalar(select(SubscriptionRow).where(SubscriptionRow.channel == channel, SubscriptionRow.user_ref == user_ref))
    if r is not None:
        out.append({"record": "subscription", "active": r.active, "topics": r.topics, "commune": r.commune,
                    "group": r.learner_group, "lang": r.lang, "since": r.created_at})
    out += [{"record": "consent", "choice": c.choice, "topics": c.topics, "text": c.text, "version": c.version,
             "at": c.at} for c in s.scalars(select(SubscriptionConsentRow).where(
                 SubscriptionConsentRow.channel == channel, SubscriptionConsentRow.user_ref == user_ref)
                 .order_by(SubscriptionConsentRow.id))]
    return out


def _erase(s: Session, channel: str, user_ref: str) -> int:
    from sqlalchemy import delete

    n = 0
    queued = list(s.scalars(select(RecipientRow.outbox_id).where(
        RecipientRow.channel == channel, RecipientRow.user_ref == user_ref, RecipientRow.outbox_id.is_not(None))))
    cancel_pending(s, [int(x) for x in queued if x])
    for stmt in (delete(SubscriptionRow).where(SubscriptionRow.channel == channel, SubscriptionRow.user_ref == user_ref),
                 delete(SubscriptionConsentRow).where(SubscriptionConsentRow.channel == channel,
                                                      SubscriptionConsentRow.user_ref == user_ref)):
        n += int(getattr(s.execute(stmt), "rowcount", 0) or 0)
    # the campaign's figures stay; the person's chat id goes (a unique placeholder per row)
    for r in s.scalars(select(RecipientRow).where(RecipientRow.channel == channel, RecipientRow.user_ref == user_ref)):
        if r.status == m.QUEUED:
            r.status, r.reason = m.OPTED_OUT, "personal data erased"
        r.user_ref = f"erased-{r.id}"
        n += 1
    return n


register("subscriptions", export=_export, erase=_erase)
