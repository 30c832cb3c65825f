"""Parsing untrusted uploads in a separate, limited process (issue 25, "document bombs").

Every file uploaded in the admin console is read by a child `python -m ingest.parse_child` that sets its
own CPU-time and address-space limits (`resource.setrlimit`), lowers its priority, reads the file from
stdin and writes what it found as JSON on stdout; the parent kills it after `wall_s`. At most
`workers` children run at a time (a semaphore), so six hostile previews at once cannot take the CPU the
web chat needs. Cheap checks run before a child is started (zip directory: members, total size, ratio).
The child's answer is JSON, never pickle: a compromised parser cannot hand the server code to run.

`parse_isolated` returns the parsed value or raises `LimitError` (over a limit; Vietnamese message and
HTTP status) or `SourceError` (a broken file).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from ingest.documents import SourceDocument, SourceError
from ingest.limits import LIMITS, LimitError, ParseLimits, check_zip

log = logging.getLogger(__name__)
MODES = ("front", "plain", "document", "table")
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _slots(n: int) -> threading.BoundedSemaphore:
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(n, threading.BoundedSemaphore(n))


def encode(value: Any) -> Any:
    """JSON-safe form of a parse result (dates tagged, documents as dicts)."""
    if isinstance(value, SourceDocument):
        return {"__doc__": {k: encode(v) for k, v in value.__dict__.items()}}
    if isinstance(value, dt.datetime | dt.date):
        return {"__date__": value.isoformat(), "dt": isinstance(value, dt.datetime)}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__doc__" in value:
            d = {k: decode(v) for k, v in value["__doc__"].items()}
            d["questions"], d["tags"] = tuple(d.get("questions") or ()), tuple(d.get("tags") or ())
            return SourceDocument(**d)
        if "__date__" in value:
            return (dt.datetime if value.get("dt") else dt.date).fromisoformat(value["__date__"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _child_env() -> dict[str, str]:
    root = str(Path(__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "SYSTEMROOT")}
    env["PYTHONPATH"] = os.pathsep.join([root, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _killed(path: str, limits: ParseLimits, why: str) -> LimitError:
    if why == "time":
        return LimitError(path, f"parsing took longer than {limits.wall_s:g} s", status=422,
                          vi=f"Đọc tệp quá lâu (hơn {limits.wall_s:g} giây) nên đã dừng; tệp có thể là tệp độc hại.")
    if why == "memory":
        return LimitError(path, f"parsing needed more than {limits.memory_mb} MB", status=422,
                          vi="Đọc tệp cần quá nhiều bộ nhớ nên đã dừng; tệp có thể là tệp độc hại.")
    return LimitError(path, "the parser stopped unexpectedly", status=422,
                      vi="Không đọc được tệp (trình đọc dừng bất thường).")


def parse_isolated(mode: str, name: str, data: bytes, *, limits: ParseLimits = LIMITS) -> Any:
    """Parse `data` (the file called `name`, whose suffix picks the reader) in a limited child.

    mode: "front" → (front matter dict, body) of a guide; "plain" → SourceDocument of Markdown without
    front matter; "document" → SourceDocument of a DOCX/PDF/HTML file; "table" → (header, [(line, row)]).
    Raises LimitError or SourceError."""
    if mode not in MODES:
        raise ValueError(mode)
    if Path(name).suffix.lower() in (".docx", ".xlsx"):
        check_zip(Path(name), limits, data=data)
    slots = _slots(limits.workers)
    if not slots.acquire(timeout=max(1.0, limits.wall_s)):
        raise LimitError(name, "all parse workers are busy", status=503,
                         vi="Máy đang đọc các tệp khác. Hãy thử lại sau ít phút.")
    try:
        cmd = [sys.executable, "-B", "-m", "ingest.parse_child", mode, name,
               str(limits.cpu_s), str(limits.memory_mb)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=_child_env(), start_new_session=True)
        try:
            out, err = proc.communicate(data, timeout=limits.wall_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            log.warning("upload %r: parser killed after %ss", name[:80], limits.wall_s)
            raise _killed(name, limits, "time") from None
    finally:
        slots.release()
    if proc.returncode != 0 or not out:
        why = "time" if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL) else "crash"
        if b"MemoryError" in err:
            why = "memory"
        log.warning("upload %r: parser exited with %s (%s)", name[:80], proc.returncode, why)
        raise _killed(name, limits, why)
    try:
        answer = json.loads(out)
    except ValueError:
        raise _killed(name, limits, "crash") from None
    if "error" in answer:
        e = answer["error"]
        if e.get("status"):
            raise LimitError(name, str(e["message"]), vi=str(e["vi"]), status=int(e["status"]))
        raise SourceError(name, str(e["message"]), e.get("line"))
    return decode(answer["result"])
