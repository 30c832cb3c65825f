"""The numbers of the admin dashboard (issue 7), straight from the database, as plain tables.

A period is a range of local days (`since` … `until`, both included, in the province's time zone). Each
table is a list of plain dicts with the columns it declares, so the JSON, the charts and the CSV export
show the same numbers:

- `messages`  messages received per day and channel (the inbox; kept `privacy.retention_days`)
- `answers`   questions per day: answered (and not marked wrong), marked wrong, not covered, helpful / not helpful.
              An answer marked wrong — "Chưa đúng" from the citizen (`not_helpful`) or a volunteer's or
              admin's verdict (`wrong`) — is not counted as answered (issue 26), and is shown on its own
- `summary`   the period's totals and shares
- `topics`    questions per topic; `guides` the guides most often given as the answer
- `tickets`   per commune: open now, tickets, claimed, closed, median minutes to first response and to close,
              mean rating (SqlTicketDesk.metrics)
- `learning`  learners and coverage vs. the nearest target per commune × group (the learning report)
- `scam_weeks` messages checked by the scam checker per week, by verdict; `scam_hosts` the look-alike or
              reported hosts met most often (issue 20; the weeks that touch the period)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.tables.knowledge import DocumentRow, QuestionRow
from bot.storage.tables.messaging import InboxRow
from bot.storage.tables.tickets import TicketRow

ACTIVE = ("open", "claimed")
WRONG = frozenset({"not_helpful", "wrong"})  # feedback values that mean "this answer was not right"
ANSWER_KEYS = ("questions", "answered", "marked_wrong", "not_covered", "helpful", "not_helpful")


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, Vietnamese label)
    rows: list[dict[str, object]]

    def as_dict(self) -> dict[str, object]:
        return {"title": self.title, "columns": [list(c) for c in self.columns], "rows": self.rows}


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


class Dashboard:
    def __init__(self, sessions: sessionmaker[Session], *, tz: tzinfo, desk: Any = None,
                 learning: Callable[[], list[dict[str, object]]] | None = None,
                 commune_name: Callable[[str], str] | None = None) -> None:
        self.sessions = sessions
        self.tz = tz
        self.desk = desk  # SqlTicketDesk: its metrics() are the ticket numbers
        self.learning = learning  # rows of the learning report (wiring.learning.learning_rows)
        self.commune_name = commune_name or (lambda code: code)

    # ---- the period --------------------------------------------------------------------------------
    def bounds(self, since: date, until: date) -> tuple[datetime, datetime]:
        """UTC instants of the start of `since` and of the day after `until`, local time."""
        start = datetime.combine(since, time(0), tzinfo=self.tz).astimezone(UTC)
        end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=self.tz).astimezone(UTC)
        return start, end

    def _day(self, d: datetime) -> date:
        return (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(self.tz).date()

    # ---- tables ------------------------------------------------------------------------------------
    def messages(self, since: date, until: date) -> Table:
        start, end = self.bounds(since, until)
        counts: Counter[tuple[date, str]] = Counter()
        with self.sessions() as s:
            q = select(InboxRow.received_at, InboxRow.channel).where(InboxRow.received_at >= start,
                                                                     InboxRow.received_at < end)
            for at, channel in s.execute(q.execution_options(yield_per=5000)):
                counts[(self._day(at), channel)] += 1
        rows: list[dict[str, object]] = [{"day": d.isoformat(), "channel": c, "messages": n}
                                         for (d, c), n in sorted(counts.items())]
        return Table("messages", "Tin nhắn theo ngày và kênh",
                     (("day", "Ngày"), ("channel", "Kênh"), ("messages", "Tin nhắn")), rows)

    def _questions(self, since: date, until: date) -> list[tuple[datetime, bool, str | None, str, list[str]]]:
        start, end = self.bounds(since, until)
        with self.sessions() as s:
            q = select(QuestionRow.asked_at, QuestionRow.covered, QuestionRow.feedback, QuestionRow.topic,
                       QuestionRow.source_ids).where(QuestionRow.asked_at >= start, QuestionRow.asked_at < end)
            return [(a, bool(c), f, t or "", list(src or [])) for a, c, f, t, src in
                    s.execute(q.execution_options(yield_per=5000))]

    def answers(self, since: date, until: date, questions: list[Any] | None = None) -> Table:
        qs = self._questions(since, until) if questions is None else questions
        per: dict[date, Counter[str]] = defaultdict(Counter)
        for at, covered, feedback, _, _ in qs:
            c = per[self._day(at)]
            c["questions"] += 1
            c[("marked_wrong" if feedback in WRONG else "answered") if covered else "not_covered"] += 1
            if feedback in ("helpful", "not_helpful"):
                c[feedback] += 1
        rows: list[dict[str, object]] = [{"day": d.isoformat(), **{k: per[d][k] for k in ANSWER_KEYS}}
                                         for d in sorted(per)]
        return Table("answers", "Câu hỏi theo ngày", (
            ("day", "Ngày"), ("questions", "Câu hỏi"), ("answered", "Trả lời được"),
            ("marked_wrong", "Trả lời nhưng bị báo “Chưa đúng”"), ("not_covered", "Chưa có câu trả lời"),
            ("helpful", "Bấm “Hữu ích”"), ("not_helpful", "Bấm “Chưa đúng”")), rows)

    def topics(self, since: date, until: date, questions: list[Any] | None = None, *, limit: int = 10) -> tuple[Table, Table]:
        qs = self._questions(since, until) if questions is None else questions
        topics: dict[str, Counter[str]] = defaultdict(Counter)
        guides: Counter[str] = Counter()
        for _, covered, _, topic, sources in qs:
            c = topics[topic if covered else ""]
            c["questions"] += 1
            if covered and sources:
                guides[sources[0]] += 1
        trows: list[dict[str, object]] = [{"topic": t or "(chưa có câu trả lời)", "questions": c["questions"]}
                                          for t, c in sorted(topics.items(), key=lambda kv: (-kv[1]["questions"], kv[0]))]
        top = guides.most_common(limit)
        with self.sessions() as s:
            titles = {i: t for i, t in s.execute(select(DocumentRow.id, DocumentRow.title).where(
                DocumentRow.id.in_([g for g, _ in top])))} if top else {}
        grows: list[dict[str, object]] = [{"doc_id": g, "title": titles.get(g, ""), "questions": n} for g, n in top]
        return (Table("topics", "Chủ đề được hỏi nhiều", (("topic", "Chủ đề"), ("questions", "Câu hỏi")), trows),
                Table("guides", "Bài hướng dẫn được dùng nhiều",
                      (("doc_id", "Mã bài"), ("title", "Tên bài"), ("questions", "Lần trả lời")), grows))

    def summary(self, messages: Table, answers: Table) -> Table:
        total = {k: sum(int(r[k]) for r in answers.rows)  # type: ignore[call-overload]
                 for k in ANSWER_KEYS}
        msgs = sum(int(r["messages"]) for r in messages.rows)  # type: ignore[call-overload]
        row: dict[str, object] = {"messages": msgs, **total,
                                  "answered_pct": _pct(total["answered"], total["questions"]),
                                  "helpful_pct": _pct(total["helpful"], total["helpful"] + total["not_helpful"])}
        return Table("summary", "Tổng quan", (
            ("messages", "Tin nhắn"), ("questions", "Câu hỏi"), ("answered", "Trả lời được"),
            ("marked_wrong", "Bị báo “Chưa đúng”"), ("not_covered", "Chưa có câu trả lời"),
            ("answered_pct", "% trả lời được (trừ câu bị báo sai)"), ("helpful", "Hữu ích"),
            ("not_helpful", "Chưa đúng"), ("helpful_pct", "% hữu ích")), [row])

    def open_tickets(self, communes: tuple[str, ...] | None = None) -> dict[str, int]:
        with self.sessions() as s:
            q = select(TicketRow.commune, func.count()).where(TicketRow.status.in_(ACTIVE)).group_by(TicketRow.commune)
            if communes is not None:
                q = q.where(TicketRow.commune.in_(communes))
            return {(c or "-"): int(n) for c, n in s.execute(q)}

    def tickets(self, since: date, until: date, communes: tuple[str, ...] | None = None) -> Table:
        start, end = self.bounds(since, until)
        data = self.desk.metrics(since=start, until=end, communes=communes)["communes"] if self.desk else []
        open_now = self.open_tickets(communes)
        rows: list[dict[str, object]] = []
        seen = set()
        for m in data:
            key = str(m["key"])
            seen.add(key)
            rows.append({"commune": key, "name": m["name"], "open": open_now.get(key, 0), "tickets": m["tickets"],
                         "claimed": m["claimed"], "closed": m["closed"],
                         "median_first_response_min": m["median_first_response_min"],
                         "median_close_min": m["median_close_min"], "mean_rating": m["mean_rating"],
                         "ratings": m["ratings"]})
        for key, n in sorted(open_now.items()):  # open now, though opened before the period
            if key not in seen:
                rows.append({"commune": key, "name": self.commune_name(key) if key != "-" else "(chưa rõ)", "open": n,
                             "tickets": 0, "claimed": 0, "closed": 0, "median_first_response_min": None,
                             "median_close_min": None, "mean_rating": None, "ratings": 0})
        rows.sort(key=lambda r: str(r["commune"]))
        return Table("tickets", "Phiếu hỗ trợ theo xã", (
            ("commune", "Mã xã"), ("name", "Xã"), ("open", "Đang mở"), ("tickets", "Phiếu mới"),
            ("claimed", "Đã nhận"), ("closed", "Đã đóng"), ("median_first_response_min", "Phút đến lúc trả lời (trung vị)"),
            ("median_close_min", "Phút đến lúc đóng (trung vị)"), ("mean_rating", "Điểm đánh giá TB"),
            ("ratings", "Lượt đánh giá")), rows)

    def learning_table(self, communes: tuple[str, ...] | None = None) -> Table:
        rows = self.learning() if self.learning is not None else []
        if communes is not None:
            rows = [r for r in rows if r.get("commune") in communes]
        return Table("learning", "Học viên và độ phủ so với chỉ tiêu", (
            ("commune", "Mã xã"), ("commune_name", "Xã"), ("group", "Nhóm"), ("population", "Dân số nhóm"),
            ("learners", "Học viên"), ("skilled", "Đạt kỹ năng số cơ bản"), ("coverage_pct", "% độ phủ"),
            ("target_by", "Hạn chỉ tiêu"), ("target_pct", "% chỉ tiêu"), ("gap", "Còn thiếu (người)")), rows)

    def scam(self, since: date, until: date) -> tuple[Table, Table]:
        from bot.storage.scamreports import SqlScamCheckLog

        data = SqlScamCheckLog(self.sessions, tz=self.tz).report(since, until)
        return (Table("scam_weeks", "Kiểm tra tin nhắn lạ theo tuần", (
                    ("week", "Tuần (thứ Hai)"), ("checks", "Lượt kiểm tra"), ("danger", "Nguy hiểm"),
                    ("suspicious", "Đáng ngờ"), ("no_signs", "Chưa thấy dấu hiệu"), ("official", "Chính thức")),
                    data["weeks"]),
                Table("scam_hosts", "Tên miền giả mạo gặp nhiều", (("host", "Tên miền"), ("checks", "Lượt")),
                      data["hosts"]))

    def report(self, since: date, until: date, *, communes: tuple[str, ...] | None = None) -> dict[str, Table]:
        questions = self._questions(since, until)
        messages = self.messages(since, until)
        answers = self.answers(since, until, questions)
        topics, guides = self.topics(since, until, questions)
        tables = [self.summary(messages, answers), messages, answers, topics, guides,
                  self.tickets(since, until, communes), self.learning_table(communes), *self.scam(since, until)]
        return {t.name: t for t in tables}
