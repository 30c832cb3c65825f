"""The rules of a knowledge-base edit, as pure functions: a guide's front matter cleaned and checked, the
conflicts of its id with a draft or an indexed document, a FAQ table row checked, and the editor messages
(Vietnamese, shown in the console) for a reader's or `binhdan kb check`'s English message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection
from pathlib import PurePath
from typing import Any

from bot.core.admin.model import TABLE_COLUMNS, Preview
from bot.core.admin.ports import CatalogueEntry, KnowledgeReader


def as_list(v: Any) -> list[str]:
    """A front-matter list from the console (a list, or one string split at commas and new lines)."""
    if v is None or v == "":
        return []
    if isinstance(v, str):
        return [x.strip() for x in re.split(r"[\n,]", v) if x.strip()]
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if str(x).strip()]
    return [str(v).strip()]


_WARNINGS = (
    (re.compile(r"front matter lacks '(\w+)'"), "Thiếu mục {0}."),
    (re.compile(r"no numbered steps"), "Chưa có các bước đánh số (1. … 2. …)."),
    (re.compile(r"missing the '(.+)' section"), "Thiếu phần '{0}'."),
    (re.compile(r"the first source_url .* is not on an official domain"),
     "Nguồn đầu tiên không phải trang chính thức (ví dụ .gov.vn)."),
    (re.compile(r"the body has (\d+) words \(at most (\d+)\)"), "Bài dài {0} chữ (nên không quá {1})."),
    (re.compile(r"stale, reviewed (\d+) days ago"), "Đã {0} ngày chưa rà soát lại."),
    (re.compile(r"an English guide's id must end in '-en'"), "Bài tiếng Anh nên có mã kết thúc bằng -en."),
    (re.compile(r"text is not NFC-normalised"), ""),
)


def vi_warning(message: str) -> str:
    """A `binhdan kb check` message in plain Vietnamese (unknown ones unchanged)."""
    for pattern, text in _WARNINGS:
        m = pattern.search(message)
        if m:
            return text.format(*m.groups())
    return message


def guide_warnings(messages: list[str]) -> list[str]:
    """The console's warnings for the `binhdan kb check` messages of a guide ("<where>: <message>")."""
    return [w for w in (vi_warning(m.split(": ", 1)[-1]) for m in messages) if w]


def read_error(ext: str, message: str) -> str:
    """A reader's error about an upload, for the console."""
    if "UTF-8" in message:
        return "Tệp CSV phải lưu dạng UTF-8." if ext == ".csv" else "Không đọc được tệp: hãy lưu tệp dạng UTF-8."
    if ext == ".xlsx" and ("zip" in message or "xlsx" in message):
        return "Không mở được tệp Excel (.xlsx)."
    if ext == ".docx" and "zip" in message:
        return "Không đọc được tệp: not a readable .docx document"
    return "Không đọc được tệp: " + message


def body_too_long(body: str, limit: int) -> str | None:
    return f"Bài quá dài ({len(body):,} ký tự, tối đa {limit:,}).".replace(",", ".") if len(body) > limit else None


def clean_front(front: dict[str, Any], body: str, reader: KnowledgeReader, *, today: dt.date,
                editing: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """The front matter an editor sent, cleaned (lists split, defaults, the review date parsed), and the
    problems that block saving it. `editing`: the id of the guide being edited (it cannot change)."""
    errors: list[str] = []
    f: dict[str, Any] = {k: v for k, v in front.items() if v not in (None, "")}
    doc_id = str(f.get("id", "")).strip()
    f["id"] = doc_id
    if not doc_id or not reader.valid_id(doc_id):
        errors.append("Mã bài (id) chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ vneid-doi-mat-khau.")
    if editing is not None and doc_id != editing:
        errors.append("Không đổi được mã bài của một bài đã có.")
    f["title"] = " ".join(str(f.get("title", "")).split())
    if not 3 <= len(f["title"]) <= 200:
        errors.append("Tiêu đề cần từ 3 đến 200 ký tự.")
    vocab: tuple[tuple[str, Collection[str], str], ...] = (
        ("topic", reader.topics, "Chủ đề"), ("audience", reader.audiences, "Đối tượng"),
        ("lang", reader.langs, "Ngôn ngữ"))
    for key, allowed, label in vocab:
        f.setdefault(key, {"audience": "all", "lang": "vi"}.get(key, ""))
        if f[key] not in allowed:
            errors.append(f"{label} phải là một trong: {', '.join(sorted(allowed))}.")
    f["source_url"] = as_list(f.get("source_url"))
    for u in f["source_url"]:
        if not reader.looks_reachable(u):
            errors.append(f"Nguồn {u!r} không phải là địa chỉ web hợp lệ (http/https).")
    f["tags"] = as_list(f.get("tags"))
    f["questions"] = [q[:300] for q in as_list(front.get("questions")) if q] if not isinstance(
        front.get("questions"), str) else [q.strip()[:300] for q in str(front["questions"]).splitlines() if q.strip()]
    if not f["questions"]:
        f.pop("questions")
    f["summary"] = " ".join(str(f.get("summary", "")).split())[:300]
    reviewed = f.get("reviewed_on") or today.isoformat()
    try:
        f["reviewed_on"] = reviewed if isinstance(reviewed, dt.date) else dt.date.fromisoformat(str(reviewed))
        if f["reviewed_on"] > today:
            errors.append("Ngày rà soát không được ở tương lai.")
    except ValueError:
        errors.append("Ngày rà soát phải có dạng NĂM-THÁNG-NGÀY, ví dụ 2026-11-28.")
    if not body.strip():
        errors.append("Bài chưa có nội dung.")
    return f, errors


def draft_conflict(doc_id: str) -> str:
    return f"Đã có bản nháp mã {doc_id!r}: hãy mở bản nháp đó để sửa, hoặc chọn mã khác."


def id_conflict(doc_id: str, found: CatalogueEntry, *, replace: bool) -> tuple[str | None, str | None]:
    """(error, warning) for a new guide whose id an indexed document already has: an upload (`replace`)
    may replace a guide; anything else must choose another id."""
    if replace and found.kind == "guide":
        return None, f"Đã có bài {doc_id!r} ({found.title}): khi đăng, bài mới sẽ thay bài cũ."
    return (f"Mã bài {doc_id!r} đã được dùng ({'bài hướng dẫn' if found.kind == 'guide' else found.kind}: "
            f"{found.title}). Hãy mở bài đó để sửa, hoặc chọn mã khác."), None


def row_error(reader: KnowledgeReader, shown: dict[str, str], doc_id: str, *, seen: dict[str, int],
              known: dict[str, CatalogueEntry], own: str) -> str:
    """Why a FAQ table row cannot be imported ("" when it can). `own`: the file name of this table when
    published — a new version of the same table replaces its rows, so their ids are not conflicts."""
    if not reader.valid_id(doc_id):
        return "mã (id) chỉ gồm chữ, số, dấu gạch ngang"
    if doc_id in seen:
        return f"trùng mã với dòng {seen[doc_id]}"
    if doc_id in known and PurePath(known[doc_id].source_path).name != own:
        return f"mã đã dùng cho bài khác ({known[doc_id].title[:60]})"
    if shown["topic"] and shown["topic"] not in reader.topics:
        return f"chủ đề {shown['topic']!r} không có"
    if shown["lang"] and shown["lang"] not in reader.langs:
        return "ngôn ngữ phải là vi hoặc en"
    return ""


def unreadable_row(message: str) -> str:
    """A reader's error about a FAQ table row, for the console."""
    if "without an 'id'" in message:
        return "thiếu mã (id)"
    if "empty 'answer'" in message:
        return "câu trả lời trống"
    return message.split(": ", 1)[-1]


def table_text(p: Preview) -> str:
    """The CSV a table draft is saved as: the valid rows with their whole answers (the preview shortens them)."""
    good = {str(r["line"]) for r in p.rows if not r["error"]}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(TABLE_COLUMNS)
    w.writerows([[str(row.get(k, "") or "").strip() for k in TABLE_COLUMNS] for n, row in p.records if str(n) in good])
    return buf.getvalue()
