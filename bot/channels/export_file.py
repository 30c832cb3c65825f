"""A citizen's data export (/dulieu) as a file for the messengers: the JSON as sent, or a CSV for Zalo's
file upload (which takes PDF/DOC/DOCX/CSV only, ≤ 5 MB). The reply's text is `<label line>\\n<JSON>`."""

from __future__ import annotations

import csv
import io
import json

FILE_STEM = "du-lieu-cua-toi"
MAX_FILE_BYTES = 5 * 1024 * 1024


def split_export(text: str) -> tuple[str, str]:
    """(caption, JSON body) of an export reply."""
    head, _, body = text.partition("\n")
    return head.strip(), body


def export_csv(body: str) -> bytes | None:
    """One row per field: section, record number, field, value (nested values as JSON). UTF-8 with a BOM, so
    that spreadsheet apps on phones show Vietnamese correctly. None when the body is not an export."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["phan", "so", "truong", "gia_tri"])
    for section, records in data.items():
        for n, record in enumerate(records if isinstance(records, list) else [records], 1):
            items = record.items() if isinstance(record, dict) else [("", record)]
            for key, value in items:
                shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                w.writerow([section, n, key, _no_formula(shown)])
    raw = ("\ufeff" + out.getvalue()).encode("utf-8")
    return raw if len(raw) <= MAX_FILE_BYTES else None


def _no_formula(cell: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
