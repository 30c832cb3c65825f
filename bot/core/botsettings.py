"""The citizen-facing settings an admin may change in the console without a restart (pure validation):
volunteers' service hours and days, the hand-off times (SLA), and the greeting text.

Values come as JSON from the browser; `validate` returns the clean values and, per key, a message in
plain Vietnamese for the form. `None` for a key means "back to the value in config.yaml".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.text import clean

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Number:
    label: str
    low: float
    high: float


NUMBERS: dict[str, Number] = {
    "pool_after_min": Number("Phút chờ trước khi chuyển cho cả tỉnh", 1, 1440),
    "urgent_pool_after_min": Number("Phút chờ với phiếu khẩn", 0.5, 240),
    "silence_remind_min": Number("Phút công dân im lặng trước khi nhắc", 5, 1440),
    "silence_close_min": Number("Phút im lặng trước khi tự đóng phiếu", 5, 2880),
    "expire_after_hours": Number("Giờ trước khi phiếu không ai nhận hết hạn", 1, 720),
}
TEXTS = {"greeting_vi": "Lời chào (tiếng Việt)", "greeting_en": "Lời chào (tiếng Anh)"}
KEYS = ("hours", "days", *NUMBERS, *TEXTS)
GREETING_MAX = 1500


def parse_hours(spec: str) -> tuple[int, int, int, int] | None:
    m = _HOURS.match(spec)
    if not m:
        return None
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 24 and 0 <= m1 <= 59 and 0 <= m2 <= 59) or (h2 == 24 and m2):
        return None
    return h1, m1, h2, m2


def _one(key: str, value: object) -> tuple[object, str]:
    """(clean value, "" ) or (None, error message)."""
    if key == "hours":
        p = parse_hours(str(value)) if isinstance(value, str) else None
        if p is None:
            return None, "Giờ làm việc phải có dạng 07:00-21:00."
        if (p[2], p[3]) <= (p[0], p[1]):
            return None, "Giờ kết thúc phải sau giờ bắt đầu."
        h2, m2 = (23, 59) if p[2] == 24 else (p[2], p[3])
        return f"{p[0]:02d}:{p[1]:02d}-{h2:02d}:{m2:02d}", ""
    if key == "days":
        if not isinstance(value, list) or not value or any(
                isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in value):
            return None, "Chọn ít nhất một ngày trong tuần."
        return sorted(set(value)), ""
    if key in NUMBERS:
        n = NUMBERS[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, f"{n.label}: hãy nhập một số."
        try:
            x = float(str(value).replace(",", "."))
        except ValueError:
            return None, f"{n.label}: hãy nhập một số."
        if not n.low <= x <= n.high:
            return None, f"{n.label}: từ {n.low:g} đến {n.high:g}."
        return (int(x) if x.is_integer() else x), ""
    if key in TEXTS:
        text = "\n".join(clean(line) for line in str(value).replace("\r\n", "\n").split("\n")).strip() \
            if isinstance(value, str) else ""
        if len(text) < 10:
            return None, f"{TEXTS[key]}: ít nhất 10 ký tự."
        if len(text) > GREETING_MAX:
            return None, f"{TEXTS[key]}: nhiều nhất {GREETING_MAX} ký tự."
        return text, ""
    return None, "Không có mục cài đặt này."


def validate(changes: Mapping[str, object], current: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """Check `changes` (key -> new value, None = reset) against the `current` effective values.
    Returns (clean changes, errors by key); nothing may be saved when there is any error."""
    clean_values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for key, value in changes.items():
        if key not in KEYS:
            errors[key] = "Không có mục cài đặt này."
            continue
        if value is None:
            clean_values[key] = None
            continue
        v, err = _one(key, value)
        if err:
            errors[key] = err
        else:
            clean_values[key] = v
    merged = {**current, **{k: v for k, v in clean_values.items() if v is not None}}
    remind, close = merged.get("silence_remind_min"), merged.get("silence_close_min")
    if isinstance(remind, (int, float)) and isinstance(close, (int, float)) and close <= remind \
            and not ({"silence_remind_min", "silence_close_min"} & set(errors)) \
            and {"silence_remind_min", "silence_close_min"} & set(clean_values):
        errors["silence_close_min"] = "Thời gian tự đóng phiếu phải dài hơn thời gian nhắc."
    pool, urgent = merged.get("pool_after_min"), merged.get("urgent_pool_after_min")
    if isinstance(pool, (int, float)) and isinstance(urgent, (int, float)) and urgent > pool \
            and not ({"pool_after_min", "urgent_pool_after_min"} & set(errors)) \
            and {"pool_after_min", "urgent_pool_after_min"} & set(clean_values):
        errors["urgent_pool_after_min"] = "Phiếu khẩn phải được chuyển cho cả tỉnh sớm hơn phiếu thường."
    return (clean_values if not errors else {}), errors
