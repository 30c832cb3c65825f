"""Learning records: learners and their channel links, append-only xAPI statements, review items,
certificates, population denominators; the coverage report (plain dataclasses from
bot.core.learning.coverage, for the CLI and the admin dashboard); reminder candidates; the personal-data
handler for /dulieu and /xoa.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.communes import CommuneDirectory
from bot.core.learning.codes import new_learner_code, normalize_certificate_code
from bot.core.learning.coverage import CellCounts, DenominatorRowIn, ProgressReport, Target, build_report
from bot.core.learning.model import COURSE, Certificate, Learner, Position, Progress, Statement
from bot.core.learning.policy import LearningPolicy
from bot.storage.personal_data import register
from bot.storage.tables.base import utcnow
from bot.storage.tables.learning import CertificateRow, DenominatorRow, LearnerLinkRow, LearnerRow, ReviewRow, StatementRow
from bot.storage.tables.messaging import InboxRow


def _aware(d: datetime | None) -> datetime | None:
    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def _statement_row(st: Statement, home: str) -> StatementRow:
    return StatementRow(statement_id=st.id, learner_id=st.learner_id, verb=st.verb, object_kind=st.kind,
                        object_id=st.object_id[:300], module_id=st.module_id, lesson_id=st.lesson_id,
                        item_id=st.item_id, success=st.success, score_scaled=st.score_scaled,
                        channel=st.channel, timestamp=st.timestamp, statement=st.xapi(home))


def _learner(r: LearnerRow) -> Learner:
    return Learner(id=r.id, key=r.key, code=r.code, name=r.name, name_choice=r.name_choice, commune=r.commune,
                   group=r.learner_group, age_band=r.age_band, lang=r.lang, profile_asked=r.profile_asked,
                   reminders=r.reminders, position=Position.from_dict(r.position),
                   last_active_at=_aware(r.last_active_at), reminded_at=_aware(r.reminded_at))


def _certificate(r: CertificateRow) -> Certificate:
    return Certificate(r.code, r.learner_id, r.scope, r.title, r.name, _aware(r.issued_at) or utcnow())


class SqlLearningStore:
    """Implements the core's `LearningStore` port."""

    def __init__(self, sessions: sessionmaker[Session], *, policy: LearningPolicy | None = None) -> None:
        self.sessions = sessions
        self.policy = policy or LearningPolicy()

    # ---- learners --------------------------------------------------------------------------------
    def find(self, channel: str, user_ref: str) -> Learner | None:
        with self.sessions() as s:
            r = s.scalar(select(LearnerRow).join(LearnerLinkRow, LearnerLinkRow.learner_id == LearnerRow.id)
                         .where(LearnerLinkRow.channel == channel, LearnerLinkRow.user_ref == user_ref[:128]))
            return _learner(r) if r is not None else None

    def create(self, channel: str, user_ref: str) -> Learner:
        for _ in range(5):
            try:
                with self.sessions.begin() as s:
                    r = LearnerRow(key=uuid.uuid4().hex, code=new_learner_code(), created_at=utcnow(), name="",
                                   name_choice="", commune="", learner_group="", age_band="", lang="vi",
                                   profile_asked=False, reminders=True)
                    s.add(r)
                    s.flush()
                    s.add(LearnerLinkRow(learner_id=r.id, channel=channel, user_ref=user_ref[:128], linked_at=utcnow()))
                    s.flush()
                    return _learner(r)
            except IntegrityError:  # a code collision, or a concurrent create for the same account
                existing = self.find(channel, user_ref)
                if existing is not None:
                    return existing
        raise RuntimeError("could not create a learner")

    def by_code(self, code: str) -> Learner | None:
        with self.sessions() as s:
            r = s.scalar(select(LearnerRow).where(LearnerRow.code == code))
            return _learner(r) if r is not None else None

    def link(self, learner_id: int, channel: str, user_ref: str) -> None:
        with self.sessions.begin() as s:
            row = s.scalar(select(LearnerLinkRow).where(LearnerLinkRow.channel == channel,
                                                        LearnerLinkRow.user_ref == user_ref[:128]))
            old = row.learner_id if row is not None else None
            if row is None:
                s.add(LearnerLinkRow(learner_id=learner_id, channel=channel, user_ref=user_ref[:128], linked_at=utcnow()))
            else:
                row.learner_id, row.linked_at = learner_id, utcnow()
            s.flush()
            if old is not None and old != learner_id:
                links = s.scalar(select(func.count()).select_from(LearnerLinkRow).where(LearnerLinkRow.learner_id == old))
                used = s.scalar(select(func.count()).select_from(StatementRow).where(StatementRow.learner_id == old))
                if not links and not used:  # a learner made a minute ago, before the code was typed
                    s.execute(delete(ReviewRow).where(ReviewRow.learner_id == old))
                    s.execute(delete(LearnerRow).where(LearnerRow.id == old))

    def links(self, learner_id: int) -> list[tuple[str, str]]:
        with self.sessions() as s:
            return [(r.channel, r.user_ref) for r in s.scalars(
                select(LearnerLinkRow).where(LearnerLinkRow.learner_id == learner_id).order_by(LearnerLinkRow.id))]

    def save(self, learner: Learner) -> None:
        with self.sessions.begin() as s:
            self._save(s, learner)

    @staticmethod
    def _save(s: Session, learner: Learner) -> None:
        r = s.get(LearnerRow, learner.id)
        if r is not None:
            r.name, r.name_choice = learner.name[:120], learner.name_choice
            r.commune, r.learner_group, r.age_band = learner.commune, learner.group, learner.age_band
            r.lang, r.profile_asked, r.reminders = learner.lang, learner.profile_asked, learner.reminders
            r.position = learner.position.as_dict() if learner.position is not None else None
            r.last_active_at, r.reminded_at = learner.last_active_at, learner.reminded_at

    # ---- statements and progress -------------------------------------------------------------------
    def record(self, statements: Sequence[Statement]) -> None:
        home = self.policy.iri_base
        with self.sessions.begin() as s:
            for st in statements:
                s.add(_statement_row(st, home))

    def commit(self, learner: Learner, statements: Sequence[Statement]) -> None:
        home = self.policy.iri_base
        with self.sessions.begin() as s:
            known = set(s.scalars(select(StatementRow.statement_id).where(
                StatementRow.statement_id.in_([st.id for st in statements])))) if statements else set()
            for st in statements:
                if st.id not in known:
                    s.add(_statement_row(st, home))
            self._save(s, learner)

    def progress(self, learner_id: int) -> Progress:
        with self.sessions() as s:
            rows = s.execute(select(StatementRow.verb, StatementRow.object_kind, StatementRow.object_id,
                                    StatementRow.module_id, StatementRow.lesson_id)
                             .where(StatementRow.learner_id == learner_id, StatementRow.verb != "answered")).all()
            certs = s.scalars(select(CertificateRow.scope).where(CertificateRow.learner_id == learner_id)).all()
            started = bool(rows) or bool(s.scalar(select(StatementRow.id).where(StatementRow.learner_id == learner_id)
                                                  .limit(1)))
        return Progress(
            started=started,
            seen_cards=frozenset(o for v, k, o, _, _ in rows if v == "experienced" and k == "card"),
            completed_lessons=frozenset(le for v, k, _, _, le in rows if v == "completed" and k == "lesson"),
            passed_quizzes=frozenset(le for v, k, _, _, le in rows if v == "passed" and k == "quiz"),
            completed_modules=frozenset(m for v, k, _, m, _ in rows if v == "completed" and k == "module"),
            course_completed=any(v == "completed" and k == "course" for v, k, _, _, _ in rows),
            certificates=frozenset(certs))

    # ---- review ------------------------------------------------------------------------------------
    def reviews_due(self, learner_id: int, now: datetime) -> list[tuple[str, int]]:
        with self.sessions() as s:
            return [(r.item_id, r.stage) for r in s.scalars(
                select(ReviewRow).where(ReviewRow.learner_id == learner_id, ReviewRow.due_at <= now)
                .order_by(ReviewRow.due_at, ReviewRow.item_id))]

    def set_review(self, learner_id: int, item_id: str, stage: int, due_at: datetime | None) -> None:
        with self.sessions.begin() as s:
            r = s.get(ReviewRow, (learner_id, item_id))
            if due_at is None:
                if r is not None:
                    s.delete(r)
                return
            if r is None:
                s.add(ReviewRow(learner_id=learner_id, item_id=item_id, stage=stage, due_at=due_at))
            else:
                r.stage, r.due_at = stage, due_at

    # ---- certificates ------------------------------------------------------------------------------
    def issue_certificate(self, cert: Certificate) -> Certificate:
        try:
            with self.sessions.begin() as s:
                s.add(CertificateRow(code=cert.code, learner_id=cert.learner_id, scope=cert.scope, title=cert.title,
                                     name=cert.name[:120], issued_at=cert.issued_at))
            return cert
        except IntegrityError:
            with self.sessions() as s:
                r = s.scalar(select(CertificateRow).where(CertificateRow.learner_id == cert.learner_id,
                                                          CertificateRow.scope == cert.scope))
                if r is None:
                    raise
                return _certificate(r)

    def certificate(self, code: str) -> Certificate | None:
        """The certificate with this code, or None (forged, altered or mistyped)."""
        norm = normalize_certificate_code(code)
        if norm is None:
            return None
        with self.sessions() as s:
            r = s.get(CertificateRow, norm)
            return _certificate(r) if r is not None else None

    # ---- reminders ---------------------------------------------------------------------------------
    def reminder_candidates(self, idle_since: datetime, *, limit: int = 500) -> list[Learner]:
        """Learners mid-module, reminders on, idle since before `idle_since`, not reminded since then."""
        with self.sessions() as s:
            rows = s.scalars(select(LearnerRow).where(
                LearnerRow.reminders.is_(True), LearnerRow.position.is_not(None),
                LearnerRow.last_active_at.is_not(None), LearnerRow.last_active_at <= idle_since,
                or_(LearnerRow.reminded_at.is_(None), LearnerRow.reminded_at < LearnerRow.last_active_at),
            ).order_by(LearnerRow.last_active_at).limit(limit))
            return [x for x in (_learner(r) for r in rows) if x.position is not None]

    def mark_reminded(self, learner_id: int, at: datetime) -> bool:
        """Claim the reminder (True once per pause, even with several workers)."""
        with self.sessions.begin() as s:
            r = s.get(LearnerRow, learner_id, with_for_update=s.get_bind().dialect.name == "postgresql")
            if r is None or (r.reminded_at is not None and r.last_active_at is not None
                             and _aware(r.reminded_at) >= _aware(r.last_active_at)):  # type: ignore[operator]
                return False
            r.reminded_at = at
            return True

    def last_seen(self, channel: str, user_ref: str) -> datetime | None:
        with self.sessions() as s:
            return _aware(s.scalar(select(func.max(InboxRow.received_at)).where(
                InboxRow.channel == channel, InboxRow.user_ref == user_ref)))


# ---- reports -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportResult:
    inserted: int
    updated: int


class LearningReports:
    """Coverage, statement export and denominators, for the CLI and the admin dashboard."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def import_denominators(self, rows: Sequence[DenominatorRowIn], *, replace: bool = False) -> ImportResult:
        """Upsert all rows in one transaction (`replace`: the table is emptied first)."""
        inserted = updated = 0
        now = utcnow()
        with self.sessions.begin() as s:
            if replace:
                s.execute(delete(DenominatorRow))
            for r in rows:
                row = s.get(DenominatorRow, (r.commune, r.group))
                if row is None:
                    s.add(DenominatorRow(commune=r.commune, learner_group=r.group, population=r.population,
                                         imported_at=now))
                    inserted += 1
                else:
                    row.population, row.imported_at = r.population, now
                    updated += 1
        return ImportResult(inserted, updated)

    def populations(self) -> dict[tuple[str, str], int]:
        with self.sessions() as s:
            return {(r.commune, r.learner_group): r.population for r in s.scalars(select(DenominatorRow))}

    def cells(self, *, modules: Sequence[str], basic_modules: Sequence[str]) -> dict[tuple[str, str], CellCounts]:
        """Learners per (commune, group): started, completions per module, meeting the counting rule."""
        with self.sessions() as s:
            profile = {lid: (c, g) for lid, c, g in s.execute(
                select(LearnerRow.id, LearnerRow.commune, LearnerRow.learner_group))}
            started = set(s.scalars(select(StatementRow.learner_id).distinct()))
            done: dict[int, set[str]] = defaultdict(set)
            for lid, mid in s.execute(select(StatementRow.learner_id, StatementRow.module_id).where(
                    StatementRow.verb == "completed", StatementRow.object_kind == "module").distinct()):
                done[lid].add(mid)
        cells: dict[tuple[str, str], CellCounts] = {}
        basic = set(basic_modules)
        for lid in started:
            key = profile.get(lid, ("", ""))
            c = cells.setdefault(key, CellCounts(completed=dict.fromkeys(modules, 0)))
            c.learners += 1
            for m in done.get(lid, ()):
                if m in c.completed:
                    c.completed[m] += 1
            if basic and basic <= done.get(lid, set()):
                c.skilled += 1
        return cells

    def progress(self, *, modules: Sequence[str], basic_modules: Sequence[str], targets: Sequence[Target],
                 by: Sequence[str] = ("commune", "group"), communes: CommuneDirectory | None = None) -> ProgressReport:
        return build_report(self.cells(modules=modules, basic_modules=basic_modules), self.populations(),
                            modules=modules, basic_modules=basic_modules, targets=targets, by=by, communes=communes)

    def statements(self, *, since: datetime | None = None, batch: int = 1000) -> Iterator[dict[str, object]]:
        """Every statement as xAPI JSON, oldest first (streamed in batches)."""
        last = 0
        while True:
            with self.sessions() as s:
                q = select(StatementRow.id, StatementRow.statement).where(StatementRow.id > last)
                if since is not None:
                    q = q.where(StatementRow.timestamp >= since)
                rows = s.execute(q.order_by(StatementRow.id).limit(batch)).all()
            if not rows:
                return
            for rid, st in rows:
                last = rid
                yield dict(st)


# ---- personal data (/dulieu, /xoa) --------------------------------------------------------------------
def _learner_id(s: Session, channel: str, user_ref: str) -> int | None:
    return s.scalar(select(LearnerLinkRow.learner_id).where(LearnerLinkRow.channel == channel,
                                                            LearnerLinkRow.user_ref == user_ref))


def _export(s: Session, channel: str, user_ref: str) -> list[dict[str, object]]:
    lid = _learner_id(s, channel, user_ref)
    r = s.get(LearnerRow, lid) if lid is not None else None
    if r is None:
        return []
    out: list[dict[str, object]] = [{
        "record": "profile", "learner_code": r.code, "name": r.name, "commune": r.commune, "group": r.learner_group,
        "age_band": r.age_band, "reminders": r.reminders, "created_at": r.created_at,
        "linked_accounts": [f"{x.channel}" for x in s.scalars(select(LearnerLinkRow).where(
            LearnerLinkRow.learner_id == r.id))]}]
    out += [{"record": "certificate", "code": c.code, "title": c.title, "name": c.name, "issued_at": c.issued_at}
            for c in s.scalars(select(CertificateRow).where(CertificateRow.learner_id == r.id))]
    out += [{"record": "statement", **dict(x)} for x in s.scalars(
        select(StatementRow.statement).where(StatementRow.learner_id == r.id).order_by(StatementRow.id))]
    return out


def _erase(s: Session, channel: str, user_ref: str) -> int:
    """The learner behind this account goes entirely: profile, links on every channel, statements,
    reviews and certificates (a certificate then no longer verifies)."""
    lid = _learner_id(s, channel, user_ref)
    if lid is None:
        return 0
    n = 0
    for stmt in (delete(StatementRow).where(StatementRow.learner_id == lid),
                 delete(ReviewRow).where(ReviewRow.learner_id == lid),
                 delete(CertificateRow).where(CertificateRow.learner_id == lid),
                 delete(LearnerLinkRow).where(LearnerLinkRow.learner_id == lid),
                 delete(LearnerRow).where(LearnerRow.id == lid)):
        n += int(getattr(s.execute(stmt), "rowcount", 0) or 0)
    return n


register("learning", export=_export, erase=_erase)

__all__ = ["COURSE", "ImportResult", "LearningReports", "SqlLearningStore"]
