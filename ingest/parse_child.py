"""The child process of ingest/sandbox.py: `python -m ingest.parse_child MODE NAME CPU_S MEMORY_MB`.

Sets its own limits first (CPU seconds, address space, low priority), reads the file from stdin, parses it
with the ordinary readers (which check the structural limits of ingest/limits.py) and prints one JSON
object: {"result": …} or {"error": {"message", "line", "vi", "status"}}."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any


def _limit(cpu_s: int, memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    mem = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024 * 1024, 64 * 1024 * 1024))
    with contextlib.suppress(OSError):
        os.nice(15)  # the web chat of the parent process comes first


def _near_memory_limit(memory_mb: int) -> bool:
    """True when this process's peak address space came within 10% of its limit (Linux /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmPeak:"):
                return int(line.split()[1]) >= memory_mb * 1024 * 0.9
    except (OSError, ValueError, IndexError):
        pass
    return False


def parse(mode: str, path: Path) -> Any:
    from ingest.readers import read_file, read_plain_markdown, split_front_matter, table_records

    if mode == "table":
        return table_records(path)
    if mode == "plain":
        return read_plain_markdown(path)
    docs = read_file(path)  # all the reader's checks (front matter keys, id, body)
    if mode == "front":
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        import unicodedata

        meta, body, _ = split_front_matter(path, unicodedata.normalize("NFC", text))
        return [meta, body]
    return docs[0]


def main(argv: list[str]) -> int:
    mode, name, cpu_s, memory_mb = argv[1], argv[2], int(argv[3]), int(argv[4])
    _limit(cpu_s, memory_mb)
    data = sys.stdin.buffer.read()
    from ingest.documents import SourceError
    from ingest.limits import LimitError
    from ingest.sandbox import encode

    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(name).name
            path.write_bytes(data)
            answer: dict[str, Any] = {"result": encode(parse(mode, path))}
    except LimitError as exc:
        answer = {"error": {"message": str(exc).split(": ", 1)[-1], "vi": exc.vi, "status": exc.status}}
    except SourceError as exc:
        if _near_memory_limit(memory_mb):  # e.g. lxml reports a failed allocation as "unknown error"
            sys.stderr.write("MemoryError\n")
            return 3
        answer = {"error": {"message": str(exc).split(": ", 1)[-1], "line": exc.line}}
    except MemoryError:
        sys.stderr.write("MemoryError\n")
        return 3
    except RecursionError:
        answer = {"error": {"message": "nested too deeply", "vi": "Tệp lồng quá sâu, không đọc được.", "status": 422}}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
