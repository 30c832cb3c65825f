"""The code's shape (issue 18): no module over 400 lines in bot/ and ingest/ (Alembic migrations aside).
Import cycles and layers are import-linter contracts (pyproject.toml, `make lint`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    files = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "ingest").rglob("*.py")]
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in sorted(files) if "migrations" not in p.parts}
    assert len(sizes) > 100  # the walk found the code
    too_long = {m: n for m, n in sizes.items() if n > MAX_LINES}
    assert too_long == {}, f"split these modules by responsibility (limit {MAX_LINES} lines): {too_long}"
