"""Tables: FAQ rows (.jsonl/.csv/.xlsx) and portal procedure records (.jsonl with `ma_thu_tuc`)."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.documents import SourceDocument, SourceError
from ingest.limits import LIMITS, check_zip, too_many_cells, too_many_rows
from ingest.readers.common import _text, _web_url


def _faq_row(path: Path, line: int | None, row: dict[str, Any]) -> SourceDocument:
    row = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    doc_id = str(row.get("id") or "").strip()
    answer = str(row.get("answer") or "").strip()
    if not doc_id:
        raise SourceError(str(path), "row without an 'id'", line)
    if not answer:
        raise SourceError(str(path), f"row {doc_id!r} has an empty 'answer'", line)
    question = str(row.get("question") or "").strip()
    title = question or (answer[:100].rsplit(" ", 1)[0] + "…" if len(answer) > 100 else answer)
    return SourceDocument(
        doc_id=doc_id, kind="faq", title=title, body=answer, url=_web_url(path, str(row.get("url") or ""), "url", line),
        topic=str(row.get("topic") or "").strip(), lang=str(row.get("lang") or "vi").strip() or "vi",
        lead="", questions=(question,) if question else (),
        source_path=str(path),
    )


_METHOD = re.compile(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)")
_DURATION = re.compile(r"^(\d+(?:[.,]\d+)?\s*(?:Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần|Phút))")


def _methods(raw: str) -> str:
    raw = raw.replace("Hình thức nộpThời gianPhí, lệ phíMô tả", "").strip()
    parts = _METHOD.split(raw)
    lines = []
    for i in range(1, len(parts) - 1, 2):
        rest = parts[i + 1].strip()
        m = _DURATION.match(rest)
        dur = m.group(1) if m else ""
        rest = rest[len(dur):].strip()
        rest = rest.replace("Không có thông tin", "").strip()
        lines.append(f"- {parts[i]}: {dur}{'; ' if dur and rest else ''}{rest}".rstrip())
    return "\n".join(lines) if lines else raw


def _documents(raw: str) -> str:
    raw = re.sub(r"^-*Tên giấy tờMẫu đơn, tờ khaiSố lượng", "", raw.strip())
    items = re.split(r"(?<=\d bản chính)|(?<=\d bản sao)|(?<=\d Bản chính)|(?<=\d Bản sao)", raw)
    return "\n".join(f"- {i.strip()}" for i in items if i.strip())


def procedure_document(path: Path, line: int | None, rec: dict[str, Any]) -> SourceDocument:
    code = str(rec.get("ma_thu_tuc") or "").strip()
    name = str(rec.get("ten_thu_tuc") or "").strip()
    if not code or not name:
        raise SourceError(str(path), "procedure record without 'ma_thu_tuc' or 'ten_thu_tuc'", line)
    sections = [
        ("Trình tự thực hiện", str(rec.get("trinh_tu_thuc_hien") or "")),
        ("Cách thức thực hiện, thời hạn và phí", _methods(str(rec.get("cach_thuc_thuc_hien") or ""))),
        ("Thành phần hồ sơ", _documents(str(rec.get("thanh_phan_ho_so") or ""))),
        ("Yêu cầu, điều kiện", str(rec.get("yeu_cau_dieu_kien") or "")),
        ("Cơ quan thực hiện", str(rec.get("co_quan_thuc_hien") or "")),
        ("Đối tượng thực hiện", str(rec.get("doi_tuong_thuc_hien") or "")),
        ("Kết quả", str(rec.get("ket_qua_xu_ly") or "").split("Từ khóa")[0].replace("Mã: ", " (mã ") ),
        ("Căn cứ pháp lý", str(rec.get("can_cu_phap_ly") or "").replace("Tên văn bản pháp lýMã văn bản", "")),
    ]
    body = f"Thủ tục {name} (mã {code}), lĩnh vực {rec.get('linh_vuc') or ''}, {rec.get('cap_thuc_hien') or ''}.\n\n"
    body += "\n\n".join(f"## {h}\n{t.strip()}" for h, t in sections
                        if t.strip() and t.strip() != "Không có thông tin")
    return SourceDocument(
        doc_id=code, kind="procedure", title=name, body=body,
        url=_web_url(path, str(rec.get("detail_url") or ""), "detail_url", line),
        topic="dichvucong", lead="", source_path=str(path),
        meta={"linh_vuc": str(rec.get("linh_vuc") or ""), "cap": str(rec.get("cap_thuc_hien") or "")},
    )


def read_jsonl(path: Path) -> Iterator[SourceDocument]:
    text = _text(path)
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceError(str(path), f"invalid JSON: {exc.msg}", n) from exc
        if not isinstance(rec, dict):
            raise SourceError(str(path), "each line must be a JSON object", n)
        if "ma_thu_tuc" in rec:
            yield procedure_document(path, n, rec)
        else:
            if "id" not in rec and "faq_id" in rec:
                rec = {**rec, "id": rec["faq_id"]}
            yield _faq_row(path, n, rec)


def read_csv(path: Path) -> Iterator[SourceDocument]:
    text = _text(path)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "answer" not in [f.strip().lower() for f in reader.fieldnames]:
        raise SourceError(str(path), "a FAQ table needs the columns id, question, answer, url", 1)
    for n, row in enumerate(reader, 2):
        if n - 1 > LIMITS.max_rows:
            raise too_many_rows(path)
        yield _faq_row(path, n, row)


def read_xlsx(path: Path) -> Iterator[SourceDocument]:
    header, rows = xlsx_rows(path)
    if "answer" not in header:
        raise SourceError(str(path), "a FAQ table needs the columns id, question, answer, url", 1)
    for n, values in rows:
        if not any(v not in (None, "") for v in values):
            continue
        yield _faq_row(path, n, {h: ("" if v is None else unicodedata.normalize("NFC", str(v)))
                                 for h, v in zip(header, values, strict=False)})


def xlsx_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, tuple[Any, ...]]]]:
    """(lower-cased header, numbered rows) of the first sheet, within the row and cell limits."""
    from openpyxl import load_workbook

    check_zip(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        first = next(it, ())
    except (SourceError, MemoryError):
        raise
    except Exception as exc:
        raise SourceError(str(path), f"not a readable .xlsx workbook ({exc.__class__.__name__})") from exc
    if len(first) > LIMITS.max_cells // 10:
        raise too_many_cells(path)
    header = [str(h or "").strip().lower() for h in first]

    def numbered() -> Iterator[tuple[int, tuple[Any, ...]]]:
        cells = len(first)
        for n, values in enumerate(it, 2):
            cells += len(values)
            if n - 1 > LIMITS.max_rows:
                raise too_many_rows(path)
            if cells > LIMITS.max_cells:
                raise too_many_cells(path)
            yield n, values

    return header, numbered()


def table_records(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """(lower-cased header, [(line, row)]) of a FAQ table (.csv or .xlsx), blank rows skipped, within the
    limits. Raises SourceError."""
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(_text(path)))
        header = [str(h or "").strip().lower() for h in reader.fieldnames or []]
        rows = []
        for n, r in enumerate(reader, 2):
            if n - 1 > LIMITS.max_rows:
                raise too_many_rows(path)
            if any(str(v or "").strip() for v in r.values()):
                rows.append((n, {str(k).strip().lower(): v for k, v in r.items() if k is not None}))
        return header, rows
    head, it = xlsx_rows(path)
    out = []
    for n, values in it:
        if any(v not in (None, "") for v in values):
            out.append((n, {h: ("" if v is None else unicodedata.normalize("NFC", str(v)))
                            for h, v in zip(head, values, strict=False)}))
    return head, out
