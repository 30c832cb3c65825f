"""Webhook acknowledgement rate: binhdan's Telegram path (secret check + parse + redact + INSERT into the
inbox + 200) side by side, in the same run, with a bare FastAPI endpoint doing one INSERT.

Both run as one uvicorn process on PostgreSQL (a fresh schema each) and are loaded in turn — bare,
binhdan, bare, binhdan … — by the same closed-loop async httpx driver with unique Telegram updates (a
redelivery would be cheaper: it stops at the unique key). binhdan runs with `--no-run-workers`: only the
acknowledgement is measured; answering is the `binhdan worker`'s job (see bench/http_load.py for it).

    python bench/webhook_ack.py                     # 3 rounds × 10 s each, 16 users
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx
from _load import Process, closed_loop, free_port, pg_schema
from _report import loadavg, pct, write_section
from http_load import WORK, bundled_index

from tests.fakes import FakeTelegram, ServerThread

SECRET = "bench-secret-0123456789"
DOMAIN = ROOT / "tests" / "eval" / "domain.jsonl"


async def drive(url: str, concurrency: int, duration: float, start_id: int, texts: list[str]) -> object:
    async def one(client: httpx.AsyncClient, user: int, n: int) -> bool:
        uid = start_id + user * 1_000_000 + n
        update = {"update_id": uid, "message": {
            "message_id": uid, "date": int(time.time()), "text": texts[uid % len(texts)],
            "chat": {"id": uid, "type": "private", "first_name": "An"},  # every update from another citizen:
            "from": {"id": uid, "is_bot": False, "first_name": "An"}}}  # the per-citizen limit never drops one
        r = await client.post(url, content=json.dumps(update, ensure_ascii=False).encode(),
                              headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                                       "Content-Type": "application/json"})
        return r.status_code == 200

    return await closed_loop(one, concurrency=concurrency, duration_s=duration, warmup_s=1.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--limiter", default="redis://127.0.0.1:6379/15",
                    help="binhdan's rate-limit storage (server.rate_limit_storage): Redis as deployed with several "
                         "processes (default), or memory://")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    index = bundled_index()
    texts = [json.loads(line)["q"] for line in DOMAIN.open(encoding="utf-8") if line.strip()]
    random.Random(3).shuffle(texts)
    tg = FakeTelegram()
    results: dict[str, list[tuple[float, float, float, str]]] = {"bare": [], "binhdan": []}
    with ServerThread(tg.app) as fake, pg_schema("bench_ack") as db_bd, pg_schema("bench_bare") as db_bare:
        bd_port, bare_port = free_port(), free_port()
        bd_env = {"BINHDAN_DATABASE__URL": db_bd, "BINHDAN_INDEX__DIR": str(index), "BINHDAN_APP__LOG_LEVEL": "WARNING",
                  "BINHDAN_SERVER__PORT": str(bd_port), "BINHDAN_SERVER__RUN_WORKERS": "false",
                  "BINHDAN_TELEGRAM__TOKEN": tg.token, "BINHDAN_TELEGRAM__API_BASE_URL": fake.url,
                  "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
                  "BINHDAN_TELEGRAM__WEBHOOK_SECRET": SECRET, "BINHDAN_SERVER__RATE_LIMIT_STORAGE": args.limiter}
        bare_argv = [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(ROOT / "bench"),
                     "--host", "127.0.0.1", "--port", str(bare_port), "--log-level", "warning"]
        bd_argv = [sys.executable, "-m", "bot.cli", "serve", "--workers", "1"]
        with Process(bare_argv, {"BARE_DATABASE_URL": db_bare}, bare_port, WORK / "bare.log"), \
                Process(bd_argv, bd_env, bd_port, WORK / "ack-serve.log"):
            for rnd in range(args.rounds):
                for name, url in (("bare", f"http://127.0.0.1:{bare_port}/hook"),
                                  ("binhdan", f"http://127.0.0.1:{bd_port}/webhooks/telegram")):
                    load = loadavg()
                    res = asyncio.run(drive(url, args.concurrency, args.duration, (rnd + 1) * 10_000_000 + 1, texts))
                    lat = res.latencies_ms  # type: ignore[attr-defined]
                    results[name].append((res.rate, pct(lat, .5), pct(lat, .95), load))  # type: ignore[attr-defined]
                    print(f"round {rnd + 1} {name}: {res.rate:.0f} acks/s, p50 {pct(lat, .5):.1f} ms, "  # type: ignore[attr-defined]
                          f"p95 {pct(lat, .95):.1f} ms, {res.errors} errors; load {load}")  # type: ignore[attr-defined]
    med = {k: statistics.median(r[0] for r in v) for k, v in results.items()}
    ratio = med["binhdan"] / med["bare"] if med["bare"] else 0.0
    lines = [
        f"One uvicorn process each, PostgreSQL, {args.concurrency} users, {args.rounds} alternating rounds of "
        f"{args.duration:.0f} s; unique updates, each from another citizen (binhdan's per-citizen rate limit "
        "drops a flood from one person before the INSERT, which would flatter it); binhdan's rate-limit counters "
        f"in `{args.limiter}`.",
        "",
        "| endpoint | round | acks/s | p50 ms | p95 ms | load avg at start |",
        "|---|---|---|---|---|---|",
    ]
    for i in range(args.rounds):
        for name in ("bare", "binhdan"):
            rate, p50, p95, load = results[name][i]
            label = "bare FastAPI + 1 INSERT" if name == "bare" else "binhdan `/webhooks/telegram`"
            lines.append(f"| {label} | {i + 1} | {rate:.0f} | {p50:.1f} | {p95:.1f} | {load} |")
    lines += ["", f"Median: binhdan **{med['binhdan']:.0f}** acks/s vs bare **{med['bare']:.0f}** acks/s — ratio "
                  f"**{ratio:.2f}** (target ≥ 0.5)."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        memory = args.limiter.startswith("memory")
        write_section("webhook-ack-memory" if memory else "webhook-ack",
                      "Webhook acknowledgement vs a bare endpoint (`bench/webhook_ack.py`"
                      + (", in-process rate-limit counters)" if memory else ")"), body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
