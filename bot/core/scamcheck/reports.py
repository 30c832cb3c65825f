"""Reported scam items (issue 20): the rules for a reported domain or phone number, the CSV import and a
formula-safe CSV export. Pure standard library; the table lives in bot/storage/scamreports.py.

CSV columns (a header line is required, UTF-8, `,` or `;`): `kind,value,source,reported_on,note`.
`kind` is `domain` or `phone` (also `tên miền`/`ten_mien`, `số điện thoại`/`sdt`); `value` a domain, a link
(its host is kept) or a phone number; `reported_on` `YYYY-MM-DD` or `DD/MM/YYYY` (optional, not in the
future). Every problem is reported with its line number; an import with a problem writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.scamcheck.extract import deobfuscate, find_links, normalise_phone

DOMAIN, PHONE = "domain", "phone"
KINDS = {"domain": DOMAIN, "ten_mien": DOMAIN, "tên miền": DOMAIN, "ten mien": DOMAIN, "link": DOMAIN,
         "phone": PHONE, "sdt": PHONE, "sđt": PHONE, "số điện thoại": PHONE, "so dien thoai": PHONE}
COLUMNS = ("kind", "value", "source", "reported_on", "note")
MAX_SOURCE, MAX_NOTE = 500, 1000
CONFIRMED_SOURCE = "xác nhận bởi tình nguyện viên"
_PHONE_OK = re.compile(r"\+?\d{3,15}")


class ReportError(ValueError):
    """A reported item that cannot be accepted; `str(exc)` is a Vietnamese sentence for the admin."""


@dataclass(frozen=True)
class ReportItem:
    kind: str
    value: str  # normalised
    source: str = ""
    reported_on: date | None = None
    note: str = ""


def normalise(kind: str, value: str) -> tuple[str, str]:
    """(kind, normalised value). Raises ReportError with the reason."""
    k = KINDS.get(kind.strip().lower())
    if k is None:
        raise ReportError(f"Loại “{kind[:30]}” không hợp lệ: dùng domain (tên miền) hoặc phone (số điện thoại).")
    v = value.strip()
    if not v:
        raise ReportError("Thiếu giá trị (tên miền hoặc số điện thoại).")
    if k == PHONE:
        if re.search(r"[^\d\s().+-]", v):
            raise ReportError(f"“{v[:40]}” không phải số điện thoại.")
        p = normalise_phone(v)
        if not _PHONE_OK.fullmatch(p):
            raise ReportError(f"“{v[:40]}” không phải số điện thoại (3 đến 15 chữ số).")
        return k, p
    if len(v) > 2000:
        raise ReportError("Tên miền quá dài.")
    links = find_links(deobfuscate(v if "://" in v else v.replace(" ", "")))
    if len(links) != 1:
        raise ReportError(f"“{v[:60]}” không phải một tên miền (ví dụ: vneid-capnhat.com).")
    host = links[0].host.removeprefix("www.")
    if len(host) > 253 or ("." not in host and not links[0].is_ip):
        raise ReportError(f"“{v[:60]}” không phải một tên miền (ví dụ: vneid-capnhat.com).")
    return k, host


def parse_day(raw: str, *, today: date) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            d = datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
        if d > today:
            raise ReportError(f"Ngày báo cáo {raw} ở tương lai.")
        return d
    raise ReportError(f"Ngày “{raw[:20]}” không đúng dạng (YYYY-MM-DD hoặc DD/MM/YYYY).")


def make_item(kind: str, value: str, *, source: str = "", reported_on: str | date | None = None, note: str = "",
              today: date) -> ReportItem:
    k, v = normalise(kind, value)
    if len(source) > MAX_SOURCE:
        raise ReportError(f"Nguồn dài quá {MAX_SOURCE} ký tự.")
    if len(note) > MAX_NOTE:
        raise ReportError(f"Ghi chú dài quá {MAX_NOTE} ký tự.")
    day = reported_on if isinstance(reported_on, date) or reported_on is None else parse_day(reported_on, today=today)
    if isinstance(day, date) and day > today:
        raise ReportError("Ngày báo cáo ở tương lai.")
    return ReportItem(k, v, source.strip(), day, note.strip())


def parse_csv(text: str, *, today: date, max_rows: int) -> tuple[list[ReportItem], list[str]]:
    """(items, errors): errors name the line ("Dòng 4: …"). Repeats inside the file are kept once."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], ["Tệp trống."]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in ("kind", "value") if c not in header]
    if missing:
        return [], [f"Dòng 1: thiếu cột {', '.join(missing)} (cần: {','.join(COLUMNS)})."]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        return [], [f"Dòng 1: cột không biết: {', '.join(unknown[:5])} (cần: {','.join(COLUMNS)})."]
    items: dict[tuple[str, str], ReportItem] = {}
    errors: list[str] = []
    rows = 0
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        rows += 1
        if rows > max_rows:
            errors.append(f"Tệp có quá {max_rows} dòng: hãy chia nhỏ.")
            break
        if len(row) > len(header):
            errors.append(f"Dòng {line}: có {len(row)} cột, tiêu đề có {len(header)}.")
            continue
        cells = dict(zip(header, [c.strip() for c in row], strict=False))
        try:
            item = make_item(cells.get("kind", ""), cells.get("value", ""), source=cells.get("source", ""),
                             reported_on=cells.get("reported_on", ""), note=cells.get("note", ""), today=today)
        except ReportError as exc:
            errors.append(f"Dòng {line}: {exc}")
            continue
        items.setdefault((item.kind, item.value), item)
        if len(errors) >= 100:
            errors.append("Dừng ở 100 lỗi.")
            break
    if not rows and not errors:
        errors.append("Tệp chỉ có dòng tiêu đề.")
    return list(items.values()), errors


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR start a formula)."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def to_csv(items: list[ReportItem], added_by: list[str] | None = None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*COLUMNS, "added_by"])
    for i, it in enumerate(items):
        w.writerow([safe_cell(x) for x in (it.kind, it.value, it.source,
                                           it.reported_on.isoformat() if it.reported_on else "", it.note,
                                           (added_by or [""] * len(items))[i])])
    return buf.getvalue()
