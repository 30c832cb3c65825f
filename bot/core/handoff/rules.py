"""Hand-off to human volunteers: what the core decides before a ticket exists (pure).

- `urgency(text)`: a citizen who has just been scammed, lost money, sent money to the wrong account, been
  hacked or given away an OTP is *urgent*: the safety guide goes out in the first reply and the ticket gets
  urgent priority.
- `ServiceHours`: when volunteers answer (local time), and the next opening time when they do not.
- `wait_phrase`: "usually about 15 minutes", from recent first-response times.
- `TicketSummary`: what a volunteer sees when a ticket arrives — the last questions, what the bot answered
  and its sources, commune and group; never a phone or ID number (everything passes the redactor).
- `OpenedTicket`: what the citizen is told after asking for a volunteer.

The ticket's life after that (claim, relay, release, close, the sweep) is in `lifecycle`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, tzinfo

from bot.core.text import fold, tokens
from bot.core.texts import TEXTS, t

# Folded (no tone marks), token-joined patterns. Each maps to the guide that helps at once.
_URGENT: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(chuyen|ck|chuyen khoan|gui)\s+(nham|lon|sai)\b|\bnham (tai khoan|tk|stk)\b"), "wrong_transfer"),
    (re.compile(r"\bbi (lua|lua dao|lua dao chuyen tien|gat|dao)\b|\blua mat\b|\bscam(med)?\b|\bdefrauded\b"), "scam"),
    (re.compile(r"\bmat (het )?(tien|tien trong tai khoan|tien tai khoan)\b|\bbi (tru|rut|lay) (mat )?tien\b"
                r"|\btai khoan (bi )?(mat|tru) tien\b|\blost (my )?money\b|\bmoney (was )?(stolen|taken)\b"), "lost_money"),
    (re.compile(r"\b(bi )?(hack|hach|chiem|chiem doat|danh cap)\b.{0,20}\b(tai khoan|tk|facebook|zalo|vneid|nick)\b"
                r"|\b(tai khoan|tk|facebook|fb|zalo|vneid|nick)\b.{0,20}\bbi (hack|hach|chiem|chiem doat)\b"
                r"|\bbi hack\b|\b(was |been |got )hacked\b"), "hacked"),
    (re.compile(r"\b(lo|da dua|da doc|da gui|doc|dua|gui|cho)\s+(ma )?(otp|ma xac thuc|ma xac nhan)\b"
                r"|\b(otp|ma xac thuc)\b.{0,25}\b(cho nguoi la|cho nguoi ta|cho ho|cho no|roi)\b"
                r"|\b(gave|told|shared) (them |him |her |someone )?(my |the )?(otp|code)\b"), "otp_leaked"),
)

# "how not to be scammed", "if I get hacked": advice questions, not emergencies
_HYPOTHETICAL = re.compile(r"\b(khong|tranh|phong|chong|neu|khi|de khong|lam sao de khong|how to avoid|avoid|if)\s+"
                           r"(bi\s+|de\s+bi\s+|getting\s+|being\s+)?(lua|lua dao|hack|mat tien|scammed|hacked)\b")

URGENT_GUIDES = {
    "wrong_transfer": "tt-chuyen-nham",
    "scam": "at-khi-bi-lua",
    "lost_money": "at-khi-bi-lua",
    "hacked": "at-khi-bi-lua",
    "otp_leaked": "at-khi-bi-lua",
}


def urgency(text: str) -> str:
    """The kind of emergency a message describes ("scam", "lost_money" …), or "" when none."""
    f = _HYPOTHETICAL.sub(" ", " ".join(tokens(fold(text))))
    for pattern, kind in _URGENT:
        if pattern.search(f):
            return kind
    return ""


@dataclass(frozen=True)
class ServiceHours:
    """Volunteers answer on `days` (0 = Monday) between `start` and `end`, local time."""

    start: time = time(7, 0)
    end: time = time(21, 0)
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    tz: tzinfo | None = None

    @classmethod
    def parse(cls, spec: str, days: tuple[int, ...], tz: tzinfo | None) -> ServiceHours:
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", spec)
        if not m:
            raise ValueError(f"hours must look like 07:00-21:00, not {spec!r}")
        h1, m1, h2, m2 = (int(x) for x in m.groups())
        return cls(time(h1, m1), time(h2, m2), tuple(sorted(set(days))), tz)

    def _local(self, now: datetime) -> datetime:
        return now.astimezone(self.tz) if self.tz is not None else now

    def is_open(self, now: datetime) -> bool:
        local = self._local(now)
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_open(self, now: datetime) -> datetime:
        """The next moment volunteers answer (now, when open)."""
        if self.is_open(now):
            return now
        local = self._local(now)
        for d in range(0, 8):
            day = (local + timedelta(days=d)).date()
            candidate = datetime.combine(day, self.start, tzinfo=local.tzinfo)
            if candidate > local and candidate.weekday() in self.days:
                return candidate
        return local


def wait_phrase(lang: str, median_minutes: float | None) -> str:
    """A rough, honest estimate of how long it usually takes before a volunteer answers."""
    if median_minutes is None:
        return ""
    m = max(1, round(median_minutes))
    return t(lang, "tk_wait_min", m=m) if m < 60 else t(lang, "tk_wait_hours", h=round(m / 60))


def opening_phrase(lang: str, when: datetime) -> str:
    return t(lang, "tk_off_duty", hhmm=when.strftime("%H:%M"), day=when.strftime("%d/%m"))


@dataclass
class TicketSummary:
    """The context a volunteer gets with a ticket. Everything in it is already redacted."""

    reason: str
    commune: str = ""
    commune_name: str = ""
    group: str = ""
    lang: str = "vi"
    turns: list[dict[str, str]] = field(default_factory=list)  # {"q", "answer", "source", "covered"}
    context: str = ""  # e.g. the lesson the citizen needs help with

    def as_dict(self) -> dict[str, object]:
        return {"reason": self.reason, "commune": self.commune, "commune_name": self.commune_name,
                "group": self.group, "lang": self.lang, "turns": list(self.turns), "context": self.context}

    @classmethod
    def from_dict(cls, d: dict[str, object] | None) -> TicketSummary:
        d = d or {}
        turns = d.get("turns")
        return cls(reason=str(d.get("reason", "")), commune=str(d.get("commune", "")),
                   commune_name=str(d.get("commune_name", "")), group=str(d.get("group", "")),
                   lang=str(d.get("lang", "vi")), context=str(d.get("context", "")),
                   turns=[{str(k): str(v) for k, v in x.items()} for x in turns if isinstance(x, dict)]
                   if isinstance(turns, list) else [])

    def as_text(self) -> str:
        """The summary as volunteers read it on Telegram (Vietnamese)."""
        reason = TEXTS["vi"].get(f"tk_reason_{self.reason}", self.reason)
        lines = [t("vi", "tk_sum_reason", reason=reason)]
        if self.commune_name or self.commune:
            lines.append(t("vi", "tk_sum_commune", name=self.commune_name or self.commune))
        if self.group:
            lines.append(t("vi", "tk_sum_group", group=self.group))
        if self.context:
            lines.append(t("vi", "tk_sum_context", context=self.context))
        for i, turn in enumerate(self.turns[-3:], 1):
            lines.append(t("vi", "tk_sum_question", i=i, q=turn.get("q", "")))
            if turn.get("source"):
                state = t("vi", "tk_sum_answered" if turn.get("covered") == "1" else "tk_sum_unsure")
                lines.append(t("vi", "tk_sum_answer", state=state, source=turn["source"]))
        return "\n".join(lines)


@dataclass(frozen=True)
class OpenedTicket:
    """What the citizen is told after asking for a volunteer."""

    id: int
    priority: str  # normal | urgent
    commune: str
    existing: bool  # the citizen already had an open ticket: no new one was made
    median_wait_min: float | None
    next_open: datetime | None  # set when outside service hours
