"""Shared pieces of the HTTP benchmarks: a closed-loop async httpx load generator bounded in time, server
processes (`binhdan serve`, the bare FastAPI app) started and stopped by process id, their RSS, and a
fresh PostgreSQL schema per run."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG_BASE = os.environ.get("BINHDAN_BENCH_POSTGRES_URL",
                         os.environ.get("BINHDAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


BENCH_DB = "binhdan_bench"  # a database of its own: its transaction counters are the benchmark's alone


def bench_database() -> str:
    """The URL of the benchmark database on the PostgreSQL server of PG_BASE (created when missing)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG_BASE)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DB}).scalar():
            c.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    admin.dispose()
    return url.set(database=BENCH_DB).render_as_string(hide_password=False)


def commits(url: str) -> int:
    """Transactions committed in the database of `url` so far (pg_stat_database; flushed within ~1 s)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as c:
        n = int(c.execute(text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")).scalar()
                or 0)
    engine.dispose()
    return n


@contextlib.contextmanager
def pg_schema(prefix: str = "bench") -> Iterator[str]:
    """A database URL (the benchmark database) whose search_path is a fresh schema, dropped afterwards."""
    from sqlalchemy import create_engine, text

    base = bench_database()
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def children(pid: int) -> list[int]:
    """Every descendant process id (from /proc)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            kids = [int(x) for x in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def rss_tree(pid: int) -> dict[int, tuple[float, float]]:
    """{pid: (RSS MB, peak RSS MB)} for a process and its descendants."""
    out: dict[int, tuple[float, float]] = {}
    for p in [pid, *children(pid)]:
        cur = peak = 0.0
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    cur = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
        except OSError:
            continue
        out[p] = (cur, peak)
    return out


def worker_pids(pid: int) -> list[int]:
    """The serving processes of a `binhdan serve`: itself with one worker, else its uvicorn workers
    (not multiprocessing's resource tracker)."""
    kids = [p for p in children(pid) if "resource_tracker" not in _cmdline(p)]
    return kids or [pid]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Process:
    """A server process started with `argv`, ready when GET `ready_path` answers 200."""

    def __init__(self, argv: list[str], env: dict[str, str], port: int, log: Path, ready_path: str = "/readyz",
                 cwd: Path = ROOT) -> None:
        self.argv, self.env, self.port, self.log, self.ready_path, self.cwd = argv, env, port, log, ready_path, cwd
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Process:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        fh = self.log.open("ab")
        self.proc = subprocess.Popen(self.argv, env={**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}, cwd=self.cwd,
                                     stdout=fh, stderr=subprocess.STDOUT)
        deadline = time.time() + 600
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.argv} exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(self.url + self.ready_path, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.argv} did not become ready")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid


def serve_argv(workers: int) -> list[str]:
    return [sys.executable, "-m", "bot.cli", "serve", "--workers", str(workers)]


@dataclass
class LoadResult:
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    ok: int = 0
    errors: int = 0
    requests: int = 0  # every request answered, warm-up and the last ones included

    @property
    def rate(self) -> float:
        return self.ok / self.duration_s if self.duration_s else 0.0


async def closed_loop(request: Callable[[httpx.AsyncClient, int, int], Awaitable[bool]], *, concurrency: int,
                      duration_s: float, warmup_s: float = 2.0) -> LoadResult:
    """`concurrency` virtual users, each sending its next request when the previous one is answered, for
    `duration_s` seconds after `warmup_s` of warm-up (not counted). `request(client, user, n)` returns True
    when the answer was right. Requests still running at the end are awaited but not counted."""
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        loop = asyncio.get_running_loop()
        t_start = loop.time() + warmup_s
        t_end = t_start + duration_s
        result = LoadResult(duration_s=duration_s)

        async def user(u: int) -> None:
            n = 0
            while loop.time() < t_end:
                t0 = loop.time()
                try:
                    good = await request(client, u, n)
                except httpx.HTTPError:
                    good = False
                t1 = loop.time()
                n += 1
                result.requests += 1
                if t0 >= t_start and t1 <= t_end:
                    if good:
                        result.ok += 1
                        result.latencies_ms.append((t1 - t0) * 1000)
                    else:
                        result.errors += 1

        await asyncio.gather(*(user(u) for u in range(concurrency)))
        return result
