"""Hand-off extras in the database (issue 22): the queue as the citizen sees it (place, estimate, team
hours), team schedules, volunteer presence, satisfaction answers with review items, and the dashboard's
satisfaction report. Implements `bot.core.helpdesk.ports.HelpdeskStore` together with
`bot.storage.helpdesk_files.TicketFiles` (attachments).

Every message to a citizen goes through the outbox in the transaction that decides it, like the desk's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import Forbidden, Invalid, NotFound
from bot.core.helpdesk import csat as csat_rules
from bot.core.helpdesk.ports import QueueStatus
from bot.core.helpdesk.presence import PresenceError, check_status
from bot.core.helpdesk.queue import QueueEntry, WaitSample, estimate, position, positions, worth_telling
from bot.core.helpdesk.schedule import PROVINCE, ScheduleError, TeamSchedule
from bot.core.messages import Reply
from bot.core.texts import t
from bot.storage.accounts import User
from bot.storage.outbox import enqueue_in
from bot.storage.personal_data import register
from bot.storage.tables.accounts import UserRow
from bot.storage.tables.helpdesk import CsatRow, QueueNoteRow, ReviewItemRow, TeamScheduleRow, VolunteerProfileRow
from bot.storage.tables.knowledge import DocumentRow
from bot.storage.tables.tickets import TicketEventRow, TicketRow


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


@dataclass(frozen=True)
class ReviewItem:
    id: int
    ticket_id: int
    commune: str
    score: int
    comment: str
    status: str
    note: str
    created_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "ticket_id": self.ticket_id, "commune": self.commune, "score": self.score,
                "comment": self.comment, "status": self.status, "note": self.note,
                "created_at": self.created_at.isoformat()}


class SqlHelpdesk:
    def __init__(self, sessions: sessionmaker[Session], *, tz: tzinfo,
                 default_schedule: Callable[[], TeamSchedule], wait_window_days: int = 30,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.sessions = sessions
        self.tz = tz
        self.default_schedule = default_schedule  # the configured (or console-overridden) hours
        self.wait_window = timedelta(days=wait_window_days)
        self.clock = clock or (lambda: datetime.now(UTC))

    # ---- helpers ---------------------------------------------------------------------------------
    def _send(self, s: Session, channel: str, user_ref: str, reply: Reply) -> None:
        enqueue_in(s, channel, user_ref, reply, now=self.clock())

    def _note(self, s: Session, ticket_id: int) -> QueueNoteRow:
        note = s.get(QueueNoteRow, ticket_id)
        if note is None:
            note = QueueNoteRow(ticket_id=ticket_id, told_position=0)
            s.add(note)
        return note

    @staticmethod
    def _entries(s: Session) -> list[QueueEntry]:
        return [QueueEntry(r.id, r.priority, r.commune, r.pooled_at is not None, _aware(r.created_at) or r.created_at)
                for r in s.scalars(select(TicketRow).where(TicketRow.status == "open"))]

    # ---- schedules -------------------------------------------------------------------------------
    def _schedule(self, s: Session, team: str) -> TeamSchedule | None:
        row = s.get(TeamScheduleRow, team)
        if row is None:
            return None
        return TeamSchedule.build(row.team, row.hours, list(row.days or []), list(row.days_off or []))

    def schedule_for(self, s: Session, commune: str, pooled: bool) -> TeamSchedule:
        """The commune team's schedule (unless the ticket went to the pool), else the province's, else the
        configured hours."""
        if commune and not pooled and (own := self._schedule(s, commune)) is not None:
            return own
        return self._schedule(s, PROVINCE) or self.default_schedule()

    def schedules(self) -> list[dict[str, object]]:
        with self.sessions() as s:
            rows = [self._schedule(s, r.team) for r in s.scalars(select(TeamScheduleRow).order_by(TeamScheduleRow.team))]
            default = self.default_schedule()
        return [{"team": "default", **{k: v for k, v in default.as_dict().items() if k != "team"}},
                *[x.as_dict() for x in rows if x is not None]]

    def set_schedule(self, user: User, team: str, *, hours: str, days: list[int], days_off: list[str]) -> dict[str, object]:
        """Admins set any team's hours; a team lead their own commune's. Raises Invalid or Forbidden."""
        if not (user.role == "admin" or (self.is_lead(user.id) and (team in user.communes or user.sees_all_communes))):
            raise Forbidden("only an admin or the team's lead sets its hours")
        if team != PROVINCE and not (team.isdigit() and len(team) <= 6):
            raise Invalid("team must be a commune code or 'province'")
        try:
            sched = TeamSchedule.build(team, hours, days, days_off)
        except ScheduleError as exc:
            raise Invalid(str(exc)) from None
        with self.sessions.begin() as s:
            row = s.get(TeamScheduleRow, team) or TeamScheduleRow(team=team)
            row.hours, row.days = sched.hours, list(sched.days)
            row.days_off = sorted(d.isoformat() for d in sched.days_off)
            row.updated_by, row.updated_at = user.id, self.clock()
            s.add(row)
        return sched.as_dict()

    # ---- presence --------------------------------------------------------------------------------
    def presence(self, user_id: int) -> str:
        with self.sessions() as s:
            row = s.get(VolunteerProfileRow, user_id)
            u = s.get(UserRow, user_id)
            if u is not None and not u.available:  # the on/off switch (console, Telegram /vang) wins
                return "away"
            return row.presence if row is not None and row.presence != "away" else "available"

    def set_presence(self, user_id: int, status: str) -> str:
        """available | busy | away; users.available follows (away = False) so the router skips away ones."""
        try:
            check_status(status)
        except PresenceError as exc:
            raise Invalid(str(exc)) from None
        with self.sessions.begin() as s:
            row = s.get(VolunteerProfileRow, user_id) or VolunteerProfileRow(user_id=user_id, team_lead=False)
            row.presence, row.updated_at = status, self.clock()
            s.add(row)
            s.execute(update(UserRow).where(UserRow.id == user_id).values(available=status != "away"))
        return status

    def is_lead(self, user_id: int) -> bool:
        with self.sessions() as s:
            row = s.get(VolunteerProfileRow, user_id)
            return bool(row and row.team_lead)

    def set_lead(self, user_id: int, lead: bool) -> None:
        with self.sessions.begin() as s:
            row = s.get(VolunteerProfileRow, user_id) or VolunteerProfileRow(user_id=user_id, presence="available")
            row.team_lead, row.updated_at = lead, self.clock()
            s.add(row)

    # ---- the queue -------------------------------------------------------------------------------
    def wait_samples(self, s: Session) -> list[WaitSample]:
        since = self.clock() - self.wait_window
        out = []
        for commune, created, first in s.execute(select(TicketRow.commune, TicketRow.created_at,
                                                        TicketRow.first_response_at).where(
                TicketRow.created_at >= since, TicketRow.first_response_at.is_not(None))):
            a, b = _aware(created), _aware(first)
            if a and b and b >= a:
                out.append(WaitSample(commune or "", a.astimezone(self.tz).hour, (b - a).total_seconds() / 60))
        return out

    def queue_status(self, channel: str, user_ref: str) -> QueueStatus | None:
        now = self.clock()
        with self.sessions() as s:
            r = s.scalar(select(TicketRow).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref,
                                                 TicketRow.status.in_(("open", "claimed"))).order_by(TicketRow.id.desc()))
            if r is None:
                return None
            sched = self.schedule_for(s, r.commune, r.pooled_at is not None)
            open_now = sched.is_open(now, self.tz)
            nxt = None if open_now else sched.next_open(now, self.tz)
            est = estimate(self.wait_samples(s), commune=r.commune, hour=now.astimezone(self.tz).hour)
            if r.status == "claimed":
                v = s.get(UserRow, r.claimed_by) if r.claimed_by else None
                return QueueStatus(r.id, "claimed", 0, est, open_now, nxt, (v.display_name or v.username) if v else "")
            return QueueStatus(r.id, "open", position(self._entries(s), r.id), est, open_now, nxt)

    def told(self, ticket_id: int, position_now: int) -> None:
        with self.sessions.begin() as s:
            note = self._note(s, ticket_id)
            note.told_position, note.told_at = position_now, self.clock()

    def leave_question(self, ticket_id: int) -> None:
        with self.sessions.begin() as s:
            self._note(s, ticket_id).left_question_at = self.clock()
            s.add(TicketEventRow(ticket_id=ticket_id, event="question_left", actor_id=None, at=self.clock(), detail=""))

    def tell_moves(self) -> int:
        """Send "you are now number N" to waiting citizens whose place moved meaningfully (after a claim,
        a cancel, an expiry). Returns how many were told. Runs after every claim and with the sweep."""
        n = 0
        with self.sessions.begin() as s:
            entries = self._entries(s)
            if not entries:
                return 0
            now_pos = positions(entries)
            notes = {x.ticket_id: x for x in s.scalars(select(QueueNoteRow).where(QueueNoteRow.ticket_id.in_(list(now_pos))))}
            for r in s.scalars(select(TicketRow).where(TicketRow.id.in_(list(now_pos)))):
                note = notes.get(r.id)
                if note is None or not r.user_ref or not worth_telling(note.told_position, now_pos[r.id]):
                    continue
                self._send(s, r.channel, r.user_ref, Reply(t(r.lang, "hx_moved", n=now_pos[r.id]), kind="ticket",
                                                           lang=r.lang))
                note.told_position, note.told_at = now_pos[r.id], self.clock()
                n += 1
        return n

    def citizen_of(self, ticket_id: int) -> str | None:
        """The platform chat id of a ticket's citizen (for the typing indicator), None once anonymised."""
        with self.sessions() as s:
            r = s.get(TicketRow, ticket_id)
            return r.user_ref if r is not None else None

    # ---- read state --------------------------------------------------------------------------------
    def seen(self, channel: str, user_ref: str, at: datetime | None = None) -> bool:
        """The citizen's channel reports the latest replies were shown (web chat page, Zalo seen event)."""
        with self.sessions.begin() as s:
            r = s.scalar(select(TicketRow).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref,
                                                 TicketRow.status.in_(("open", "claimed"))).order_by(TicketRow.id.desc()))
            if r is None:
                return False
            self._note(s, r.id).seen_at = at or self.clock()
            return True

    def seen_at(self, ticket_id: int) -> datetime | None:
        with self.sessions() as s:
            note = s.get(QueueNoteRow, ticket_id)
            return _aware(note.seen_at) if note else None

    # ---- satisfaction ------------------------------------------------------------------------------
    def record_score(self, ticket_id: int, channel: str, user_ref: str, score: int) -> str:
        if csat_rules.parse_score(str(score)) is None:
            return "refused"
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            if r is None or r.channel != channel or r.user_ref != user_ref or r.status != "closed":
                return "refused"
            if r.rating or s.get(CsatRow, ticket_id) is not None:
                return "already"
            turns = (r.summary or {}).get("turns")
            titles = [str(x.get("source") or "") for x in (turns if isinstance(turns, list) else []) if isinstance(x, dict)]
            topics = {title: tp for title, tp in s.execute(select(DocumentRow.title, DocumentRow.topic).where(
                DocumentRow.title.in_([x for x in titles if x])))} if any(titles) else {}
            r.rating = score
            s.add(CsatRow(ticket_id=r.id, score=score, comment="", commune=r.commune or "", volunteer_id=r.claimed_by,
                          topic=csat_rules.topic_of([topics.get(x, "") for x in titles], r.reason), created_at=self.clock()))
            s.add(TicketEventRow(ticket_id=r.id, event="rated", actor_id=None, at=self.clock(), detail=str(score)))
            if csat_rules.is_low(score):
                s.add(ReviewItemRow(ticket_id=r.id, commune=r.commune or "", score=score, status="open", note="",
                                    created_at=self.clock()))
            return "ok"

    def record_comment(self, ticket_id: int, channel: str, user_ref: str, comment: str) -> bool:
        with self.sessions.begin() as s:
            r = s.get(TicketRow, ticket_id)
            row = s.get(CsatRow, ticket_id)
            if r is None or row is None or r.channel != channel or r.user_ref != user_ref or row.comment:
                return False
            row.comment = comment.strip()[:csat_rules.MAX_COMMENT]
            return True

    def _records(self, s: Session, since: datetime, communes: tuple[str, ...] | None) -> list[tuple[CsatRow, str]]:
        q = select(CsatRow, UserRow.display_name, UserRow.username).outerjoin(
            UserRow, UserRow.id == CsatRow.volunteer_id).where(CsatRow.created_at >= since)
        if communes is not None:
            q = q.where(CsatRow.commune.in_(communes))
        return [(c, dn or un or "") for c, dn, un in s.execute(q)]

    def report(self, *, weeks: int = 8, communes: tuple[str, ...] | None = None,
               commune_name: Callable[[str], str] | None = None) -> dict[str, object]:
        """Satisfaction per team, per volunteer and per topic over `weeks` weeks, with the weekly trend."""
        now = self.clock()
        since = now - timedelta(weeks=weeks)
        name = commune_name or (lambda c: c)
        with self.sessions() as s:
            rows = self._records(s, since, communes)
            open_reviews = len(self.reviews(s, communes=communes, status="open"))
        province = t("vi", "hx_report_province")
        recs = [csat_rules.CsatRecord(c.ticket_id, c.score, _aware(c.created_at) or now,
                                      name(c.commune) if c.commune else province, v or "-", c.topic) for c, v in rows]
        return {"weeks": weeks, "responses": len(recs), "open_reviews": open_reviews,
                "by_team": [g.as_dict() for g in csat_rules.by_group(recs, "team")],
                "by_volunteer": [g.as_dict() for g in csat_rules.by_group(recs, "volunteer")],
                "by_topic": [g.as_dict() for g in csat_rules.by_group(recs, "topic")],
                "trend": csat_rules.weekly_trend(recs, self.tz, weeks=weeks, now=now)}

    # ---- review items (low scores) -------------------------------------------------------------------
    def reviews(self, s: Session, *, communes: tuple[str, ...] | None, status: str | None = "open") -> list[ReviewItem]:
        q = select(ReviewItemRow, CsatRow.comment).outerjoin(CsatRow, CsatRow.ticket_id == ReviewItemRow.ticket_id)
        if status:
            q = q.where(ReviewItemRow.status == status)
        if communes is not None:
            q = q.where(ReviewItemRow.commune.in_(communes))
        return [ReviewItem(r.id, r.ticket_id, r.commune, r.score, c or "", r.status, r.note,
                           _aware(r.created_at) or r.created_at) for r, c in s.execute(q.order_by(ReviewItemRow.id))]

    def _review_scope(self, user: User) -> tuple[str, ...] | None:
        if user.role == "admin" or (user.sees_all_communes and self.is_lead(user.id)):
            return None
        if user.role == "volunteer" and self.is_lead(user.id):
            return tuple(user.communes)
        raise Forbidden("review items are for admins and team leads")

    def reviews_for(self, user: User, *, status: str | None = "open") -> list[ReviewItem]:
        scope = self._review_scope(user)
        with self.sessions() as s:
            return self.reviews(s, communes=scope, status=status)

    def resolve_review(self, user: User, review_id: int, note: str) -> ReviewItem:
        scope = self._review_scope(user)
        with self.sessions.begin() as s:
            row = s.get(ReviewItemRow, review_id)
            if row is None or (scope is not None and row.commune not in scope):
                raise NotFound("no such review item")
            row.status, row.note = "done", note.strip()[:2000]
            row.resolved_by, row.resolved_at = user.id, self.clock()
        return next(x for x in self.reviews_for(user, status=None) if x.id == review_id)


# ---- personal data: the comment is the citizen's words; scores stay for statistics ----------------------
def _export_csat(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    ids = select(TicketRow.id).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref)
    return [{"ticket": c.ticket_id, "score": c.score, "comment": c.comment, "at": c.created_at}
            for c in s.scalars(select(CsatRow).where(CsatRow.ticket_id.in_(ids)))]


def _erase_csat(s: Session, channel: str, user_ref: str) -> int:
    ids = select(TicketRow.id).where(TicketRow.channel == channel, TicketRow.user_ref == user_ref)
    n = s.execute(update(CsatRow).where(CsatRow.ticket_id.in_(ids), CsatRow.comment != "").values(comment="")).rowcount  # type: ignore[attr-defined]
    s.execute(delete(QueueNoteRow).where(QueueNoteRow.ticket_id.in_(ids)))
    return int(n or 0)


def _purge_csat(s: Session, before: datetime) -> int:
    n = s.execute(update(CsatRow).where(CsatRow.created_at < before, CsatRow.comment != "").values(comment="")).rowcount  # type: ignore[attr-defined]
    return int(n or 0)


register("satisfaction", export=_export_csat, erase=_erase_csat, purge=_purge_csat)
