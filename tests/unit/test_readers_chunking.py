import json
from pathlib import Path

import pytest

from ingest.chunking import Chunker
from ingest.documents import SourceError
from ingest.readers import read_file

MINI = Path(__file__).resolve().parents[1] / "data" / "mini_kb"


def test_guide_front_matter_and_lead() -> None:
    (doc,) = read_file(MINI / "guides" / "vneid" / "quen-mat-khau.md")
    assert doc.doc_id == "test-vneid-quen-mat-khau" and doc.kind == "guide" and doc.url == "https://vneid.gov.vn"
    assert doc.lead.startswith("Bạn tự lấy lại mật khẩu")
    assert doc.questions == ("Quên mật khẩu VNeID phải làm sao?",)


def test_faq_csv_with_and_without_question() -> None:
    docs = read_file(MINI / "faq" / "faq.csv")
    assert [d.doc_id for d in docs] == ["faq-bhyt-1", "faq-gplx-1"]
    assert docs[1].title.startswith("Đổi giấy phép lái xe")  # no question: title from the answer


def test_procedure_flattened_tables_become_readable() -> None:
    (doc,) = read_file(MINI / "procedures.jsonl")
    assert doc.doc_id == "1.004222" and doc.kind == "procedure"
    assert "- Trực tuyến: 7 Ngày làm việc; Lệ phí : 10.000 Đồng" in doc.body
    assert "- Tờ khai thay đổi thông tin cư trúCT01.docx1 bản chính" in doc.body


def test_xlsx_html_docx_pdf(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "question", "answer", "url"])
    ws.append(["x1", "Hỏi gì?", "Trả lời đây.", "https://a.gov.vn"])
    wb.save(tmp_path / "f.xlsx")
    assert read_file(tmp_path / "f.xlsx")[0].body == "Trả lời đây."

    (tmp_path / "p.html").write_text("<html><title>Trang</title><body><h2>Các bước</h2><ol><li>Mở</li>"
                                     "<li>Bấm</li></ol><script>x()</script></body></html>", encoding="utf-8")
    (h,) = read_file(tmp_path / "p.html")
    assert "1. Mở\n2. Bấm" in h.body and "x()" not in h.body

    import docx

    d = docx.Document()
    d.add_heading("Hướng dẫn", level=1)
    d.add_paragraph("Nội dung chính.")
    d.save(str(tmp_path / "g.docx"))
    (g,) = read_file(tmp_path / "g.docx")
    assert g.title == "Hướng dẫn" and "Nội dung chính." in g.body

    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(SourceError, match="broken.pdf"):
        read_file(tmp_path / "broken.pdf")


def test_bad_files_are_named_with_their_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\nid: x\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"bad.md:\d+: broken front matter"):
        read_file(bad)
    latin = tmp_path / "latin.md"
    latin.write_bytes("---\nid: x\ntitle: Quên\n---\nthân chào\n".encode("latin-1"))  # a Windows-1252 export
    with pytest.raises(SourceError, match="not valid UTF-8"):
        read_file(latin)
    jl = tmp_path / "f.jsonl"
    jl.write_text(json.dumps({"id": "a", "answer": "ok"}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"f.jsonl:2: invalid JSON"):
        read_file(jl)


def test_numbered_steps_are_never_split() -> None:
    from ingest.documents import SourceDocument

    steps = "\n".join(f"{i}. Bước {i}: " + "mở ứng dụng và làm theo hướng dẫn " * 3 for i in range(1, 30))
    body = f"Trả lời ngắn.\n\n## Các bước\n{steps}\n\n## Lưu ý\n- Cẩn thận."
    doc = SourceDocument(doc_id="d", kind="guide", title="T", body=body, questions=("Hỏi?",))
    chunks = Chunker(chunk_size=600, overlap=50).split(doc)
    assert len(chunks) > 1
    step_lines = [ln for c in chunks for ln in c.text.splitlines() if ln[:1].isdigit()]
    assert len(step_lines) >= 29 and all(ln.rstrip().endswith("dẫn") for ln in step_lines)
    assert "Hỏi?" in chunks[0].search_text and "Hỏi?" not in chunks[1].search_text
    assert all(c.search_text.startswith("T\n") for c in chunks)
