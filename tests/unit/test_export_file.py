"""The /dulieu export as a CSV file for Zalo: one row per field, BOM for phones' spreadsheet apps,
formula-looking cells quoted, and no file for a body that is not an export."""

from __future__ import annotations

import csv
import io
import json

from bot.channels.export_file import export_csv, split_export


def test_an_export_becomes_one_row_per_field_with_formulas_defused() -> None:
    data = {"messages": [{"at": "2026-12-01", "text": "=HYPERLINK(\"http://x\")"}, {"at": "2026-12-02", "text": "chào"}],
            "consent": [{"choice": "given", "meta": {"v": 2}}]}
    raw = export_csv(json.dumps(data, ensure_ascii=False))
    assert raw is not None and raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["phan", "so", "truong", "gia_tri"]
    assert ["messages", "1", "text", "'=HYPERLINK(\"http://x\")"] in rows
    assert ["messages", "2", "text", "chào"] in rows
    assert ["consent", "1", "meta", '{"v": 2}'] in rows


def test_no_file_for_a_body_that_is_not_an_export() -> None:
    assert export_csv("not json") is None and export_csv("[1, 2]") is None
    assert export_csv(json.dumps({"messages": [{"text": "x" * 1000}] * 6000})) is None  # over Zalo's 5 MB
    label = "Toàn bộ dữ liệu của bạn (dạng JSON):"
    assert split_export(label + '\n{"a": 1}') == (label, '{"a": 1}')
