"""The rules of outreach, pure: topics, audiences, quiet hours, schedules, per-recipient status
transitions, announcement validation, class seats and the waiting list, reminder times, CSV safety.

Times crossing this module are timezone-aware; local rules (quiet hours, the CSV's wall-clock times) take
the zone as an argument (Asia/Ho_Chi_Minh in config), never the machine's zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from urllib.parse import urlparse

TOPICS = ("classes", "scam", "services")  # lớp học, cảnh báo lừa đảo, dịch vụ mới
CHANNELS = ("telegram", "zalo")  # the web chat cannot be written to first
BUTTON_KINDS = ("guide", "lesson", "class", "link")
MAX_BUTTONS = 3
MAX_TEXT = 1000
QUIET_START, QUIET_END = time(22, 0), time(6, 0)

# ---- per-recipient status -----------------------------------------------------------------------------
QUEUED, SENT, FAILED, OUT_OF_WINDOW, OPTED_OUT, CANCELLED = (
    "queued", "sent", "failed", "out_of_window", "opted_out", "cancelled")
RECIPIENT_STATUSES = (QUEUED, SENT, FAILED, OUT_OF_WINDOW, OPTED_OUT, CANCELLED)
_RECIPIENT_MOVES = {QUEUED: {SENT, FAILED, OUT_OF_WINDOW, OPTED_OUT, CANCELLED}}


def can_move(current: str, new: str) -> bool:
    """A recipient leaves `queued` once, for one final status; final statuses never change."""
    return new in _RECIPIENT_MOVES.get(current, set())


# ---- campaign status ----------------------------------------------------------------------------------
SCHEDULED, SENDING, PAUSED, DONE = "scheduled", "sending", "paused", "done"
_CAMPAIGN_MOVES = {SCHEDULED: {SENDING, PAUSED, CANCELLED}, SENDING: {PAUSED, DONE, CANCELLED},
                   PAUSED: {SCHEDULED, SENDING, CANCELLED}}


def campaign_can_move(current: str, new: str) -> bool:
    return new in _CAMPAIGN_MOVES.get(current, set())


# ---- quiet hours and schedules --------------------------------------------------------------------------
def in_quiet_hours(at: datetime, tz: tzinfo, start: time = QUIET_START, end: time = QUIET_END) -> bool:
    local = at.astimezone(tz).time()
    return local >= start or local < end if start > end else start <= local < end


def allowed_time(at: datetime, tz: tzinfo, start: time = QUIET_START, end: time = QUIET_END) -> datetime:
    """`at` itself, or — when it falls in the quiet hours — the end of those quiet hours (06:00 local), in UTC."""
    if at.tzinfo is None:
        raise ValueError("a naive datetime: say which zone it is in")
    if not in_quiet_hours(at, tz, start, end):
        return at.astimezone(UTC)
    local = at.astimezone(tz)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz).astimezone(UTC)


def parse_quiet(text: str) -> tuple[time, time]:
    """"22:00-06:00" → (22:00, 06:00); equal ends ("00:00-00:00") switch quiet hours off. Raises ValueError."""
    a, _, b = text.replace(" ", "").partition("-")
    return time.fromisoformat(a), time.fromisoformat(b)


def parse_local(text: str, tz: tzinfo) -> datetime:
    """"2026-12-06 08:00" (or ISO with T, or with an offset) → aware UTC. Raises ValueError."""
    text = text.strip().replace("T", " ")
    d = datetime.fromisoformat(text)
    return (d if d.tzinfo else d.replace(tzinfo=tz)).astimezone(UTC)


# ---- audiences -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subscription:
    channel: str
    user_ref: str
    topics: frozenset[str]
    commune: str = ""
    group: str = ""
    lang: str = "vi"
    active: bool = True


@dataclass(frozen=True)
class Audience:
    """Who an announcement is for: one topic, and any of the listed communes / groups / languages / channels
    (an empty tuple = all)."""

    topic: str
    communes: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def matches(self, sub: Subscription) -> bool:
        return (sub.active and self.topic in sub.topics
                and (not self.communes or sub.commune in self.communes)
                and (not self.groups or sub.group in self.groups)
                and (not self.langs or sub.lang in self.langs)
                and (not self.channels or sub.channel in self.channels))

    def as_dict(self) -> dict[str, object]:
        return {"topic": self.topic, "communes": list(self.communes), "groups": list(self.groups),
                "langs": list(self.langs), "channels": list(self.channels)}

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Audience:
        def tup(k: str) -> tuple[str, ...]:
            v = d.get(k) or ()
            return tuple(str(x) for x in v) if isinstance(v, (list, tuple)) else ()
        return cls(str(d.get("topic", "")), tup("communes"), tup("groups"), tup("langs"), tup("channels"))


# ---- announcements -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnnouncementButton:
    kind: str  # guide | lesson | class | link
    target: str  # a guide id, a lesson/module id, a class id, or an https URL on the official list
    title: str


@dataclass(frozen=True)
class Draft:
    title: str
    text: str
    audience: Audience
    buttons: tuple[AnnouncementButton, ...] = ()
    send_at: datetime | None = None  # None: now


def _official(url: str, domains: Sequence[str]) -> bool:
    p = urlparse(url)
    host = (p.hostname or "").lower().removeprefix("www.")
    return p.scheme == "https" and any(host == d or host.endswith("." + d) for d in domains)


def validate(draft: Draft, *, official_domains: Sequence[str], allowed_communes: Sequence[str] | None = None,
             communes_known: Iterable[str] = ()) -> list[str]:
    """Every problem of a draft, in Vietnamese for the console (empty = fine). `allowed_communes`: a commune
    officer's own communes (None = the whole province)."""
    errors = []
    if not draft.title.strip():
        errors.append("Cần có tên thông báo.")
    if not draft.text.strip():
        errors.append("Cần có nội dung thông báo.")
    if len(draft.text) > MAX_TEXT:
        errors.append(f"Nội dung dài quá {MAX_TEXT} ký tự.")
    a = draft.audience
    if a.topic not in TOPICS:
        errors.append("Chủ đề phải là một trong: " + ", ".join(TOPICS) + ".")
    if any(c not in CHANNELS for c in a.channels):
        errors.append("Kênh phải là telegram hoặc zalo.")
    known = set(communes_known)
    if known and any(c not in known for c in a.communes):
        errors.append("Có mã xã/phường không đúng.")
    if allowed_communes is not None:
        if not a.communes:
            errors.append("Bạn chỉ được gửi cho xã/phường mình phụ trách: hãy chọn xã/phường.")
        elif any(c not in allowed_communes for c in a.communes):
            errors.append("Có xã/phường bạn không phụ trách.")
    if len(draft.buttons) > MAX_BUTTONS:
        errors.append(f"Tối đa {MAX_BUTTONS} nút.")
    for i, b in enumerate(draft.buttons, 1):
        if b.kind not in BUTTON_KINDS:
            errors.append(f"Nút {i}: loại phải là guide, lesson, class hoặc link.")
        elif not b.title.strip() or not b.target.strip():
            errors.append(f"Nút {i}: cần tên nút và đích.")
        elif b.kind == "link" and not _official(b.target, official_domains):
            errors.append(f"Nút {i}: chỉ được dẫn tới trang chính thống (https, tên miền trong danh sách).")
        elif b.kind != "link" and len(b.target) > 50:
            errors.append(f"Nút {i}: mã đích quá dài.")
    if draft.send_at is not None and draft.send_at.tzinfo is None:
        errors.append("Giờ gửi phải có múi giờ.")
    return errors


def button_action(campaign_id: int, index: int) -> str:
    """The button's payload: the click is counted, then the target is opened (ASCII, ≤ 64 bytes)."""
    return f"oc:{campaign_id}:{index}"


# ---- community classes ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClassInfo:
    id: int
    title: str
    commune: str
    place: str
    starts_at: datetime
    ends_at: datetime
    seats: int
    topic: str = ""
    module: str = ""  # a lesson module taught (knowledge/lessons)
    contact: str = ""
    lang: str = "vi"
    serves: tuple[str, ...] = ()  # neighbouring communes the class also takes people from
    status: str = "open"  # open | cancelled
    registered: int = 0
    waiting: int = 0

    def for_commune(self, commune: str) -> bool:
        return commune == self.commune or commune in self.serves


REGISTERED, WAITING, CANCELLED_REG, ATTENDED = "registered", "waiting", "cancelled", "attended"


def seat_for(seats: int, registered: int) -> str:
    """The status of a new registration: a seat while one is free, else the waiting list."""
    return REGISTERED if registered < seats else WAITING


def to_promote(seats: int, registered: int, waiting_in_order: Sequence[int]) -> list[int]:
    """Registration ids to move from the waiting list to a seat (first come first served)."""
    free = max(0, seats - registered)
    return list(waiting_in_order[:free])


REMINDERS = (("day_before", timedelta(days=1)), ("two_hours", timedelta(hours=2)))


def reminder_times(starts_at: datetime, tz: tzinfo, *, created_at: datetime | None = None,
                   quiet: tuple[time, time] = (QUIET_START, QUIET_END)) -> list[tuple[str, datetime]]:
    """(kind, when) of the reminders of a class starting at `starts_at`: the day before and two hours
    before, moved out of the quiet hours; dropped when that would be after the start, or when the class
    was published after the reminder's moment (a class published an hour ahead gets no "day before")."""
    out = []
    for kind, ahead in REMINDERS:
        at = allowed_time(starts_at - ahead, tz, *quiet)
        if at >= starts_at or (created_at is not None and at < created_at - timedelta(minutes=1)):
            continue
        out.append((kind, at))
    return out


CLASS_COLUMNS = ("title", "commune", "place", "starts_at", "ends_at", "seats", "topic", "module", "contact", "lang",
                 "serves")


@dataclass(frozen=True)
class ClassDraft:
    title: str
    commune: str
    place: str
    starts_at: datetime
    ends_at: datetime
    seats: int
    topic: str = ""
    module: str = ""
    contact: str = ""
    lang: str = "vi"
    serves: tuple[str, ...] = field(default_factory=tuple)


def check_class(d: ClassDraft, *, communes_known: Iterable[str] = ()) -> list[str]:
    errors = []
    known = set(communes_known)
    if not d.title.strip():
        errors.append("thiếu tên lớp")
    if known and d.commune not in known:
        errors.append(f"mã xã/phường không đúng: {d.commune}")
    if known and any(c not in known for c in d.serves):
        errors.append("có mã xã/phường lân cận không đúng")
    if not d.place.strip():
        errors.append("thiếu địa điểm")
    if d.ends_at <= d.starts_at:
        errors.append("giờ kết thúc phải sau giờ bắt đầu")
    if not 1 <= d.seats <= 1000:
        errors.append("số chỗ phải từ 1 đến 1000")
    if d.lang not in ("vi", "en"):
        errors.append("ngôn ngữ phải là vi hoặc en")
    return errors


def parse_classes_csv(text: str, tz: tzinfo, *, communes_known: Iterable[str] = ()) -> tuple[list[ClassDraft], list[str]]:
    """Rows of a class CSV (columns CLASS_COLUMNS; times in local wall-clock) → drafts, and every error
    as "dòng N: …". The caller imports nothing when there is any error."""
    known = list(communes_known)
    drafts, errors = [], []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("title", "commune", "place", "starts_at", "ends_at", "seats") if c not in (reader.fieldnames or [])]
    if missing:
        return [], ["thiếu cột: " + ", ".join(missing)]
    for n, row in enumerate(reader, 2):
        def get(k: str, row: dict[str, str | None] = row) -> str:
            return (row.get(k) or "").strip()

        try:
            d = ClassDraft(title=get("title")[:200], commune=get("commune"), place=get("place")[:300],
                           starts_at=parse_local(get("starts_at"), tz), ends_at=parse_local(get("ends_at"), tz),
                           seats=int(get("seats") or "0"), topic=get("topic")[:40], module=get("module")[:80],
                           contact=get("contact")[:200], lang=get("lang") or "vi",
                           serves=tuple(x for x in get("serves").replace(";", " ").split() if x))
        except ValueError as exc:
            errors.append(f"dòng {n}: giá trị không đọc được ({exc})")
            continue
        problems = check_class(d, communes_known=known)
        if problems:
            errors.append(f"dòng {n}: " + "; ".join(problems))
        else:
            drafts.append(d)
    return drafts, errors


# ---- exports -------------------------------------------------------------------------------------------
def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR first get a leading quote)."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for r in rows:
        w.writerow([csv_cell(v) for v in r])
    return buf.getvalue()
