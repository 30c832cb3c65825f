"""`binhdan check-message` starts light (issue 20): no web, storage, SQLAlchemy or retrieval stack is
imported, so that one call costs the interpreter, the settings and the checker only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import atexit, sys
heavy = ("sqlalchemy", "fastapi", "numpy", "faiss", "bm25s", "bot.storage", "bot.retrieval", "bot.web", "bot.bootstrap",
         "httpx", "telegram", "ingest")
atexit.register(lambda: sys.stderr.write("LOADED " + " ".join(m for m in heavy if m in sys.modules) + "\\n"))
sys.argv = ["binhdan", "check-message", "--json"]
from bot.cli import main
main()
"""


def test_check_message_imports_no_web_storage_or_retrieval_stack() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-c", PROBE], input="Tai khoan bi khoa, vao vneid-gov.top", text=True,
                       capture_output=True, env=env, cwd=ROOT, timeout=60)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["verdict"] == "danger"
    loaded = next(line for line in p.stderr.splitlines() if line.startswith("LOADED"))
    assert loaded.split()[1:] == [], loaded
