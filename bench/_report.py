"""Shared helpers for the benchmarks: machine description, load average, percentiles, and writing a
dated section into docs/BENCHMARKS.md between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`.

Every benchmark prints its figures and then replaces its own section, so re-running one command
refreshes exactly the figures it produced (the other sections keep their own dates)."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
PART_HEADING = "## Performance and scale-out (issue 9)"


def pct(values: list[float], p: float) -> float:
    """The p-quantile (0..1) with linear interpolation."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def loadavg() -> str:
    """The 1/5/15-minute load averages, e.g. '1.52 / 1.20 / 0.98'."""
    a, b, c = os.getloadavg()
    return f"{a:.2f} / {b:.2f} / {c:.2f}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def command() -> str:
    """The command line that ran this benchmark, relative to the repository."""
    script = Path(sys.argv[0]).resolve()
    with contextlib.suppress(ValueError):
        script = script.relative_to(ROOT)
    return shlex.join(["python", str(script), *sys.argv[1:]])


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc/<pid>/status (VmRSS, VmHWM)."""
    cur = peak = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            cur = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return cur, peak


def write_section(name: str, title: str, body: str, *, path: Path = BENCHMARKS) -> None:
    """Replace (or append) the section NAME of docs/BENCHMARKS.md with a dated, self-describing block."""
    header = (f"### {title}\n\n"
              f"Run {time.strftime('%Y-%m-%d %H:%M %Z')} on {machine()}.\n\n"
              f"```\n{command()}\n```\n\n")
    block = f"<!-- bench:{name} -->\n{header}{body.rstrip()}\n<!-- /bench:{name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        if PART_HEADING not in text:
            text = text.rstrip() + f"\n\n{PART_HEADING}\n\nEach block below is written by the command it shows " \
                                   "(`make bench` runs them all); the load average is the machine's at the time " \
                                   "(1 / 5 / 15 minutes; the machine is shared, 2 cores).\n"
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"(written to {path.relative_to(ROOT)}, section '{name}')")


def write_jsonl_parts(folder: Path, stem: str, lines: list[str], *, max_chars: int = 1_500_000) -> list[Path]:
    """Write JSONL lines as `<stem>-NN.jsonl` files under the ingest's per-file limit (ingest/limits.py,
    max_text_chars 2,000,000): the full portal data is bigger than one file may be, as an admin would split it."""
    parts: list[list[str]] = [[]]
    size = 0
    for line in lines:
        line = line if line.endswith("\n") else line + "\n"
        if parts[-1] and size + len(line) > max_chars:
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += len(line)
    paths = []
    for i, chunk in enumerate(parts, 1):
        p = folder / f"{stem}-{i:02d}.jsonl"
        p.write_text("".join(chunk), encoding="utf-8")
        paths.append(p)
    return paths
