"""Readers by file type: Markdown guides with front matter, FAQ tables (.jsonl/.csv/.xlsx), portal
procedure records (.jsonl with `ma_thu_tuc`), and HTML, DOCX, PDF documents."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ingest.documents import SourceDocument, SourceError
from ingest.limits import (
    LIMITS,
    check_text,
    check_zip,
    count_docx_paragraphs,
    load_yaml,
    too_many_cells,
    too_many_rows,
)

SUPPORTED = {".md", ".markdown", ".jsonl", ".csv", ".xlsx", ".html", ".htm", ".docx", ".pdf"}
GUIDE_REQUIRED = ("id", "title", "topic", "audience", "lang", "source_url", "reviewed_on", "tags", "summary")
_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,190}$")


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise SourceError(str(path), "binary data, not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(str(path), f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", line) from exc
    check_text(path, text)
    return unicodedata.normalize("NFC", text)


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line where the body starts). Raises SourceError."""
    if not text.startswith("---"):
        raise SourceError(str(path), "missing YAML front matter (the file must start with '---')", 1)
    end = text.find("\n---", 3)
    if end < 0:
        raise SourceError(str(path), "front matter is not closed with '---'", 1)
    try:
        meta = load_yaml(path, text[3:end])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise SourceError(str(path), f"broken front matter: {getattr(exc, 'problem', exc)}", line) from exc
    if not isinstance(meta, dict):
        raise SourceError(str(path), "front matter must be a mapping of keys", 1)
    body_start = text.find("\n", end + 4)
    body = text[body_start + 1:] if body_start >= 0 else ""
    return meta, body, text[: end + 4].count("\n") + 2


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list | tuple):
        return [str(x).strip() for x in v if str(x).strip()]
    return [str(v).strip()] if str(v).strip() else []


def _web_url(path: Path, value: str, field: str, line: int | None = None) -> str:
    """`value` when it is empty or an http(s) URL with a host; anything else (`javascript:`, `data:`,
    `file:`, a bare word) is refused, because the chat shows it as a link a citizen taps (issue 25)."""
    from urllib.parse import urlsplit

    v = value.strip()
    if not v:
        return v
    parts = urlsplit(v)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in v):
        raise SourceError(str(path), f"{field} {v[:80]!r} is not a web address: only http:// or https:// links "
                                     "are allowed", line)
    return v


def lead_paragraph(body: str) -> str:
    for para in re.split(r"\n\s*\n", body.strip()):
        p = para.strip()
        if p and not p.startswith("#"):
            return p
    return ""


def read_guide(path: Path) -> SourceDocument:
    text = _text(path)
    meta, body, _ = split_front_matter(path, text)
    missing = [k for k in ("id", "title") if not meta.get(k)]
    if missing:
        raise SourceError(str(path), f"front matter lacks {', '.join(missing)}", 1)
    doc_id = str(meta["id"]).strip()
    if not _ID_OK.match(doc_id):
        raise SourceError(str(path), f"id {doc_id!r} must be a slug (letters, digits, '-', '_', '.')", 1)
    urls = [_web_url(path, u, "source_url", 1) for u in _as_list(meta.get("source_url"))]
    if not body.strip():
        raise SourceError(str(path), "the guide has no body text")
    return SourceDocument(
        doc_id=doc_id, kind="guide", title=str(meta["title"]).strip(), body=body.strip(),
        url=urls[0] if urls else "", lang=str(meta.get("lang") or "vi"), topic=str(meta.get("topic") or ""),
        lead=lead_paragraph(body), questions=tuple(_as_list(meta.get("questions"))),
        tags=tuple(_as_list(meta.get("tags"))), source_path=str(path),
        meta={"audience": str(meta.get("audience", "")), "reviewed_on": str(meta.get("reviewed_on", "")),
              "summary": str(meta.get("summary", "")), "sources": urls, "facts": guide_facts(meta.get("facts"))},
    )


def guide_facts(raw: object) -> list[dict[str, str]]:
    """The `facts:` entries of a guide, as plain strings for the document's stored metadata (the stale
    report lists those whose check_by has passed). Malformed entries are left to `binhdan kb check`."""
    if not isinstance(raw, list):
        return []
    return [{k: str(f.get(k) or "") for k in ("text", "kind", "source", "checked_on", "check_by")}
            for f in raw if isinstance(f, dict) and f.get("text")]


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


def _slug(path: Path) -> str:
    s = unicodedata.normalize("NFD", path.stem.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "document"


def read_html(path: Path) -> SourceDocument:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_text(path), "html.parser")
    for tag in soup(["script", "style", "nav", "footer", "header", "noscript"]):
        tag.decompose()
    title = (soup.title.string or "").strip() if soup.title and soup.title.string else ""
    lines: list[str] = []
    counter = 0
    for el in soup.find_all(["h1", "h2", "h3", "h4", "p", "li", "td"]):
        t = " ".join(el.get_text(" ").split())
        if not t:
            continue
        if el.name in ("h1", "h2", "h3", "h4"):
            lines.append(f"\n{'#' * int(el.name[1])} {t}")
            title = title or t
            counter = 0
        elif el.name == "li" and el.parent is not None and el.parent.name == "ol":
            counter += 1
            lines.append(f"{counter}. {t}")
        elif el.name == "li":
            lines.append(f"- {t}")
        else:
            lines.append(t)
    body = "\n".join(lines).strip()
    if not body:
        raise SourceError(str(path), "no readable text in the HTML document")
    return SourceDocument(doc_id=_slug(path), kind="document", title=title or path.stem, body=body,
                          source_path=str(path), lead=lead_paragraph(body))


def read_docx(path: Path) -> SourceDocument:
    import docx

    check_zip(path)
    count_docx_paragraphs(path)
    try:
        d = docx.Document(str(path))
    except MemoryError:
        raise
    except Exception as exc:
        if "memory" in str(exc).lower():  # lxml reports a failed allocation as a syntax error
            raise MemoryError(str(exc)[:100]) from None
        raise SourceError(str(path), f"not a readable .docx document ({exc.__class__.__name__})") from exc
    lines: list[str] = []
    title = ""
    for p in d.paragraphs:
        t = p.text.strip()
        if not t:
            continue
        style = (p.style.name or "").lower() if p.style is not None else ""
        if style.startswith("heading") or style == "title":
            level = int(style[-1]) if style[-1:].isdigit() else 1
            lines.append(f"\n{'#' * min(level, 4)} {t}")
            title = title or t
        else:
            lines.append(t)
    body = unicodedata.normalize("NFC", "\n".join(lines).strip())
    check_text(path, body)
    if not body:
        raise SourceError(str(path), "the document has no text")
    return SourceDocument(doc_id=_slug(path), kind="document", title=title or path.stem, body=body,
                          source_path=str(path), lead=lead_paragraph(body))


def read_pdf(path: Path) -> SourceDocument:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [p.extract_text() or "" for p in reader.pages]
    except (PdfReadError, ValueError, OSError) as exc:
        raise SourceError(str(path), f"not a readable PDF ({exc})") from exc
    body = unicodedata.normalize("NFC", "\n\n".join(p.strip() for p in pages if p.strip()))
    if not body:
        raise SourceError(str(path), "no extractable text in the PDF (a scanned image?)")
    title = body.strip().splitlines()[0][:120]
    return SourceDocument(doc_id=_slug(path), kind="document", title=title, body=body,
                          source_path=str(path), lead="")


def read_plain_markdown(path: Path) -> SourceDocument:
    """A Markdown file without front matter (an upload): the first heading is the title."""
    text = _text(path).replace("\r\n", "\n")
    m = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    title = m.group(1).strip() if m else path.stem.replace("-", " ")
    body = text.replace(m.group(0), "", 1).strip() if m else text.strip()
    if not body:
        raise SourceError(str(path), "the file has no text")
    return SourceDocument(doc_id=_slug(path), kind="document", title=title, body=body, source_path=str(path),
                          lead=lead_paragraph(body))


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


def read_file(path: Path) -> list[SourceDocument]:
    """Read every document in one file. Raises SourceError for a broken or unsupported file."""
    ext = path.suffix.lower()
    try:
        if ext in (".md", ".markdown"):
            if path.name.lower() == "readme.md":
                return []
            return [read_guide(path)]
        if ext == ".jsonl":
            return list(read_jsonl(path))
        if ext == ".csv":
            return list(read_csv(path))
        if ext == ".xlsx":
            return list(read_xlsx(path))
        if ext in (".html", ".htm"):
            return [read_html(path)]
        if ext == ".docx":
            return [read_docx(path)]
        if ext == ".pdf":
            return [read_pdf(path)]
    except OSError as exc:
        raise SourceError(str(path), f"cannot read: {exc.strerror}") from exc
    raise SourceError(str(path), f"unsupported file type {ext!r}")


def discover(paths: list[Path]) -> list[Path]:
    """Files to ingest under the given files or folders, in a stable order (hidden files skipped)."""
    found: list[Path] = []
    for p in paths:
        if p.is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(
                f for f in sorted(p.rglob("*"))
                if f.is_file() and f.suffix.lower() in SUPPORTED
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            raise SourceError(str(p), "no such file or folder")
    return found
