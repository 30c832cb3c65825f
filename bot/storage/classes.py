"""Community classes (issue 21): classes, registrations with seats and a waiting list, reminders, attendance
(an xAPI `attended` statement in the learning store, so it counts in coverage), the class report, and the
personal-data handler. Seat changes take the class row's lock (FOR UPDATE on PostgreSQL, the write lock on
SQLite) so concurrent registrations never overfill a class; a promotion's message is queued in the outbox
in the same transaction as the promotion."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.messages import Button, Reply
from bot.core.outreach import model as m
from bot.core.outreach.chat import promoted_text, reminder_text, when_text
from bot.core.outreach.texts import tx
from bot.storage.outbox import enqueue_in
from bot.storage.personal_data import register
from bot.storage.tables.base import utcnow
from bot.storage.tables.outreach import CampaignRow, ClassReminderRow, ClassRow, RegistrationRow


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def _info(r: ClassRow, counts: dict[str, int] | None = None) -> m.ClassInfo:
    c = counts or {}
    return m.ClassInfo(id=r.id, title=r.title, commune=r.commune, place=r.place, starts_at=_aware(r.starts_at),  # type: ignore[arg-type]
                       ends_at=_aware(r.ends_at), seats=r.seats, topic=r.topic, module=r.module,  # type: ignore[arg-type]
                       contact=r.contact, lang=r.lang, serves=tuple(r.serves or ()), status=r.status,
                       registered=c.get(m.REGISTERED, 0), waiting=c.get(m.WAITING, 0))


class ClassBook:
    def __init__(self, sessions: sessionmaker[Session], *, tz: tzinfo, learning: Any = None,
                 clock: Callable[[], datetime] | None = None, quiet: tuple[time, time] = (m.QUIET_START, m.QUIET_END)) -> None:
        self.sessions, self.tz, self.learning = sessions, tz, learning
        self.quiet = quiet
        self.clock = clock or (lambda: datetime.now(UTC))

    def _allowed(self, at: datetime) -> datetime:
        return m.allowed_time(at, self.tz, *self.quiet)

    def _due(self) -> datetime:
        """When a message caused now may go out: at once, or after the quiet hours (by `clock`, which tests
        move; the outbox's timer runs on the wall clock, so the delay is what carries over)."""
        now = self.clock()
        return utcnow() + (self._allowed(now) - now)

    def _write_lock(self, s: Session) -> None:
        if s.get_bind().dialect.name != "postgresql":
            s.execute(text("BEGIN IMMEDIATE"))

    def _class_locked(self, s: Session, class_id: int) -> ClassRow | None:
        self._write_lock(s)
        return s.get(ClassRow, class_id, with_for_update=True)

    @staticmethod
    def _count(s: Session, class_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        for cid, status, n in s.execute(select(RegistrationRow.class_id, RegistrationRow.status, func.count())
                                        .where(RegistrationRow.class_id.in_(class_ids))
                                        .group_by(RegistrationRow.class_id, RegistrationRow.status)):
            out.setdefault(cid, {})[status] = int(n)
        return out

    # ---- publishing ----------------------------------------------------------------------------------
    def add_classes(self, drafts: Sequence[m.ClassDraft], *, actor: str) -> list[int]:
        """Publish classes (all or none) with their reminders."""
        now = utcnow()
        ids = []
        with self.sessions.begin() as s:
            for d in drafts:
                r = ClassRow(title=d.title, topic=d.topic, module=d.module, commune=d.commune, serves=list(d.serves),
                             place=d.place, starts_at=d.starts_at.astimezone(UTC),
                             ends_at=d.ends_at.astimezone(UTC), seats=d.seats, contact=d.contact,
                             lang=d.lang, status="open", created_by=actor[:80], created_at=now)
                s.add(r)
                s.flush()
                for kind, at in m.reminder_times(d.starts_at, self.tz, created_at=self.clock(), quiet=self.quiet):
                    s.add(ClassReminderRow(class_id=r.id, kind=kind, due_at=at))
                ids.append(int(r.id))
        return ids

    def class_info(self, class_id: int) -> m.ClassInfo | None:
        with self.sessions() as s:
            r = s.get(ClassRow, class_id)
            return _info(r, self._count(s, [r.id]).get(r.id)) if r is not None else None

    def list_classes(self, *, communes: Sequence[str] | None = None, since: datetime | None = None,
                     limit: int = 200) -> list[m.ClassInfo]:
        with self.sessions() as s:
            q = select(ClassRow)
            if communes is not None:
                q = q.where(ClassRow.commune.in_(communes))
            if since is not None:
                q = q.where(ClassRow.ends_at >= since)
            rows = list(s.scalars(q.order_by(ClassRow.starts_at).limit(limit)))
            counts = self._count(s, [r.id for r in rows])
            return [_info(r, counts.get(r.id)) for r in rows]

    def upcoming(self, commune: str, now: datetime, *, limit: int = 5) -> list[m.ClassInfo]:
        """Open classes still to start: the commune's (and those serving it) first; none → the province's next."""
        with self.sessions() as s:
            rows = list(s.scalars(select(ClassRow).where(ClassRow.status == "open", ClassRow.starts_at > now)
                                  .order_by(ClassRow.starts_at).limit(500)))
            near = [r for r in rows if commune and (r.commune == commune or commune in (r.serves or []))]
            chosen = (near or rows)[:limit]
            counts = self._count(s, [r.id for r in chosen])
            return [_info(r, counts.get(r.id)) for r in chosen]

    def cancel_class(self, class_id: int) -> int:
        """Cancel a class: everyone registered or waiting is told (outbox, outside quiet hours)."""
        with self.sessions.begin() as s:
            c = self._class_locked(s, class_id)
            if c is None or c.status != "open":
                return 0
            c.status = "cancelled"
            info = _info(c)
            due = self._due()
            n = 0
            for r in s.scalars(select(RegistrationRow).where(RegistrationRow.class_id == class_id,
                                                              RegistrationRow.status.in_((m.REGISTERED, m.WAITING)))):
                enqueue_in(s, r.channel, r.user_ref, Reply(tx(r.lang, "class_cancelled", title=info.title,
                                                               when=when_text(info, self.tz)), kind="info", lang=r.lang),
                           due=due)
                n += 1
            s.execute(update(ClassReminderRow).where(ClassReminderRow.class_id == class_id,
                                                     ClassReminderRow.campaign_id.is_(None)).values(campaign_id=0))
            return n

    # ---- registrations -------------------------------------------------------------------------------
    def register(self, class_id: int, channel: str, user_ref: str, *, lang: str, commune: str,
                 group: str) -> tuple[str, int, m.ClassInfo] | None:
        ref, now = user_ref[:128], utcnow()
        with self.sessions.begin() as s:
            c = self._class_locked(s, class_id)
            if c is None:
                return None
            if c.status != "open" or _aware(c.starts_at) <= self.clock():  # type: ignore[operator]
                return "closed", 0, _info(c)
            mine = s.scalar(select(RegistrationRow).where(RegistrationRow.class_id == class_id,
                                                          RegistrationRow.channel == channel,
                                                          RegistrationRow.user_ref == ref))
            counts = self._count(s, [class_id]).get(class_id, {})
            if mine is not None and mine.status in (m.REGISTERED, m.WAITING):
                return "already", self._position(s, mine), _info(c, counts)
            status = m.seat_for(c.seats, counts.get(m.REGISTERED, 0))
            if mine is None:
                mine = RegistrationRow(class_id=class_id, channel=channel, user_ref=ref, created_at=now)
                s.add(mine)
            mine.status, mine.lang, mine.commune, mine.learner_group = status, lang, commune[:10], group[:20]
            mine.created_at, mine.updated_at, mine.attended = now, now, False  # a new place in the queue
            s.flush()
            counts[status] = counts.get(status, 0) + 1
            return status, self._position(s, mine), _info(c, counts)

    @staticmethod
    def _position(s: Session, r: RegistrationRow) -> int:
        if r.status != m.WAITING:
            return 0
        return int(s.scalar(select(func.count()).select_from(RegistrationRow).where(
            RegistrationRow.class_id == r.class_id, RegistrationRow.status == m.WAITING,
            RegistrationRow.id <= r.id)) or 0)

    def unregister(self, class_id: int, channel: str, user_ref: str) -> m.ClassInfo | None:
        with self.sessions.begin() as s:
            c = self._class_locked(s, class_id)
            if c is None:
                return None
            mine = s.scalar(select(RegistrationRow).where(
                RegistrationRow.class_id == class_id, RegistrationRow.channel == channel,
                RegistrationRow.user_ref == user_ref[:128], RegistrationRow.status.in_((m.REGISTERED, m.WAITING))))
            if mine is None:
                return None
            mine.status, mine.updated_at = m.CANCELLED_REG, utcnow()
            s.flush()
            self._promote(s, c)
            return _info(c, self._count(s, [class_id]).get(class_id))

    def _promote(self, s: Session, c: ClassRow) -> list[int]:
        counts = self._count(s, [c.id]).get(c.id, {})
        waiting = list(s.scalars(select(RegistrationRow).where(RegistrationRow.class_id == c.id,
                                                                RegistrationRow.status == m.WAITING)
                                 .order_by(RegistrationRow.id)))
        chosen = set(m.to_promote(c.seats, counts.get(m.REGISTERED, 0), [r.id for r in waiting]))
        info = _info(c)
        due = self._due()
        for r in waiting:
            if r.id in chosen:
                r.status, r.updated_at = m.REGISTERED, utcnow()
                enqueue_in(s, r.channel, r.user_ref, Reply(
                    promoted_text(info, r.lang, self.tz), (Button(tx(r.lang, "btn_unregister"), f"cls:unreg:{c.id}"),),
                    kind="info", lang=r.lang), due=due)
        return sorted(chosen)

    def registrations(self, class_id: int) -> list[dict[str, object]]:
        """For the volunteer's attendance list: no chat ids, a row id and what the citizen told us."""
        with self.sessions() as s:
            return [{"id": r.id, "status": r.status, "attended": r.attended, "channel": r.channel, "lang": r.lang,
                     "commune": r.commune, "group": r.learner_group, "since": _aware(r.created_at)}
                    for r in s.scalars(select(RegistrationRow).where(RegistrationRow.class_id == class_id)
                                       .order_by(RegistrationRow.id))]

    # ---- attendance ----------------------------------------------------------------------------------
    def mark_attendance(self, class_id: int, registration_id: int, attended: bool) -> bool:
        """Mark (or unmark) one registrant present. The first mark writes an xAPI `attended` statement for
        the person's learner record (created when needed, with the commune and group they gave)."""
        with self.sessions.begin() as s:
            r = s.get(RegistrationRow, registration_id)
            c = s.get(ClassRow, class_id)
            if r is None or c is None or r.class_id != class_id or r.status == m.CANCELLED_REG:
                return False
            first = attended and not r.attended
            r.attended, r.updated_at = attended, utcnow()
            who = (r.channel, r.user_ref, r.commune, r.learner_group, r.lang)
            info = _info(c)
        if first and self.learning is not None:
            self._statement(info, *who)
        return True

    def _statement(self, c: m.ClassInfo, channel: str, user_ref: str, commune: str, group: str, lang: str) -> None:
        from bot.core.learning.model import Statement

        store = self.learning
        learner = store.find(channel, user_ref) or store.create(channel, user_ref)
        if (not learner.commune and commune) or (not learner.group and group):
            from dataclasses import replace

            store.save(replace(learner, commune=learner.commune or commune, group=learner.group or group))
        sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"binhdan:class:{c.id}:{learner.id}"))
        iri = store.policy.iri_base.rstrip("/") + f"/classes/{c.id}"
        try:
            store.record([Statement(id=sid, learner_id=learner.id, actor=learner.key, verb="attended", kind="meeting",
                                    object_id=iri, object_name=c.title, timestamp=utcnow(), module_id=c.module,
                                    channel=channel, lang=lang, completion=True)])
        except Exception as exc:  # marked twice (unmarked, marked again): the statement already exists
            if "unique" not in str(exc).lower() and "duplicate" not in str(exc).lower():
                raise

    def report(self, class_id: int) -> dict[str, object] | None:
        """Registered, waiting, cancelled, attended — overall and by group."""
        with self.sessions() as s:
            c = s.get(ClassRow, class_id)
            if c is None:
                return None
            regs = list(s.scalars(select(RegistrationRow).where(RegistrationRow.class_id == class_id)))
        by_group: dict[str, Counter[str]] = {}
        for r in regs:
            g = by_group.setdefault(r.learner_group or "", Counter())
            g[r.status] += 1
            if r.attended:
                g["attended"] += 1
        total: Counter[str] = sum(by_group.values(), Counter())
        keys = (m.REGISTERED, m.WAITING, m.CANCELLED_REG, "attended")
        return {"class": _info(c).__dict__, "totals": {k: total.get(k, 0) for k in keys},
                "by_group": [{"group": g, **{k: n.get(k, 0) for k in keys}} for g, n in sorted(by_group.items())]}

    def report_csv(self, class_id: int) -> str | None:
        rep = self.report(class_id)
        if rep is None:
            return None
        rows = rep["by_group"]
        assert isinstance(rows, list)
        return m.csv_text(("group", "registered", "waiting", "cancelled", "attended"),
                          ([r["group"], r["registered"], r["waiting"], r["cancelled"], r["attended"]] for r in rows))

    # ---- reminders -----------------------------------------------------------------------------------
    def queue_reminders(self) -> int:
        """Due class reminders become campaigns to the registrants (kind class_reminder), once each."""
        now = self.clock()
        made = 0
        with self.sessions.begin() as s:
            self._write_lock(s)
            due = list(s.scalars(select(ClassReminderRow).where(ClassReminderRow.due_at <= now,
                                                                 ClassReminderRow.campaign_id.is_(None))
                                 .with_for_update(skip_locked=True).limit(50)))
            for rem in due:
                c = s.get(ClassRow, rem.class_id)
                if c is None or c.status != "open" or _aware(c.starts_at) <= now:  # type: ignore[operator]
                    rem.campaign_id = 0  # too late or cancelled: never sent
                    continue
                info = _info(c)
                row = CampaignRow(kind="class_reminder", title=f"Nhắc lịch: {c.title}"[:200],
                                  text=reminder_text(rem.kind, info, c.lang, self.tz), lang=c.lang,
                                  buttons=[], audience={"topic": "classes"}, status=m.SCHEDULED,
                                  send_at=self._allowed(now), requested_at=rem.due_at,
                                  created_by="system:class-reminders", created_at=utcnow(), class_id=c.id)
                s.add(row)
                s.flush()
                rem.campaign_id = row.id
                made += 1
        return made


# ---- personal data (/dulieu, /xoa) --------------------------------------------------------------------
def _export(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    rows = s.execute(select(RegistrationRow, ClassRow.title, ClassRow.starts_at)
                     .join(ClassRow, ClassRow.id == RegistrationRow.class_id)
                     .where(RegistrationRow.channel == channel, RegistrationRow.user_ref == user_ref)).all()
    return [{"class": title, "starts_at": starts, "status": r.status, "attended": r.attended, "since": r.created_at}
            for r, title, starts in rows]


def _erase(s: Session, channel: str, user_ref: str) -> int:
    """The person's registrations go (the class report then counts without them)."""
    n = int(getattr(s.execute(delete(RegistrationRow).where(RegistrationRow.channel == channel,
                                                            RegistrationRow.user_ref == user_ref)), "rowcount", 0) or 0)
    return n


def _purge(s: Session, before: datetime) -> int:
    """Registrations of classes that ended before the retention limit lose the chat id (figures stay)."""
    old = select(ClassRow.id).where(ClassRow.ends_at < before)
    rows = list(s.scalars(select(RegistrationRow).where(RegistrationRow.class_id.in_(old),
                                                        ~RegistrationRow.user_ref.startswith("erased-"))))
    for r in rows:
        r.user_ref = f"erased-{r.id}"
    return len(rows)


register("classes", export=_export, erase=_erase, purge=_purge)
