"""Documents converted to Markdown-ish text: HTML, DOCX, PDF."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from ingest.documents import SourceDocument, SourceError
from ingest.limits import check_text, check_zip, count_docx_paragraphs
from ingest.readers.common import _slug, _text, lead_paragraph


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
