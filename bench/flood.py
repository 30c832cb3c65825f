"""Flood benchmark (issue 8): does a burst of 500 messages from one person delay the answers to another?

The real runtime in one process: messages go through `MessageProcessor.accept` (as a webhook does), the
inbox worker loop answers them (woken like a webhook wakes it). Twenty other people (B) send 60
questions, one every 50 ms; their answer time is from `accept` to the inbox row marked done. Three runs:

  baseline          B alone
  flood             A sends 500 messages in a burst just before B starts (default limits: 20/min per person)
  flood, no limit   the same with the per-person limit switched off: fair claiming alone

Acceptance: the flood raises B's p95 by at most 20 %.

    python bench/flood.py                    # fake embedder on the test knowledge base (seconds)
    python bench/flood.py --embedder e5-small-q4 --kb knowledge/guides   # the real model (slower answers)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from bot.bootstrap import build_embedder, build_services, ingest
from bot.config import load_settings
from bot.core.messages import InboundMessage
from bot.runtime.workers import InboxWorker
from bot.storage.tables.messaging import InboxRow

QUESTIONS = ["quen mat khau vneid", "cach dang ky vneid muc 2", "chuyen khoan nham thi lam gi",
             "nop ho so dich vu cong", "bi lua qua dien thoai"]


def msg(user: str, n: int, text: str) -> InboundMessage:
    return InboundMessage(channel="telegram", user_ref=user, platform_msg_id=f"{user}-{n}",
                          received_at=datetime.now(UTC), kind="text", text=text)


async def run(svc: object, *, flood: int, b_messages: int = 60, gap_s: float = 0.05) -> list[float]:
    processor = svc.processor  # type: ignore[attr-defined]
    worker = InboxWorker(processor, idle_s=1.0)
    task = asyncio.create_task(worker.run())
    sent: dict[str, float] = {}
    for i in range(flood):  # the burst arrives first
        await asyncio.to_thread(processor.accept, msg("A", i, f"{QUESTIONS[i % 5]} lan {i}"))
        worker.wake.set()
    for i in range(b_messages):  # 20 other people, 3 questions each (within their own limits)
        t0 = time.time()
        await asyncio.to_thread(processor.accept, msg(f"B{i % 20}", i, QUESTIONS[i % 5]))
        sent[f"B{i % 20}-{i}"] = t0
        worker.wake.set()
        await asyncio.sleep(gap_s)

    def b_done() -> dict[str, float]:
        with svc.sessions() as s:  # type: ignore[attr-defined]
            rows = s.execute(select(InboxRow.platform_msg_id, InboxRow.processed_at)
                             .where(InboxRow.user_ref.like("B%"), InboxRow.status == "done"))
            return {pid: at.replace(tzinfo=at.tzinfo or UTC).timestamp() for pid, at in rows}

    deadline = time.time() + 600
    done = await asyncio.to_thread(b_done)
    while len(done) < b_messages and time.time() < deadline:
        await asyncio.sleep(0.2)
        done = await asyncio.to_thread(b_done)
    worker.stop()
    await task
    return sorted(done[k] - sent[k] for k in sent if k in done)


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) >= 2 else xs[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="fake")
    ap.add_argument("--kb", default=str(ROOT / "tests" / "data" / "mini_kb"))
    ap.add_argument("--flood", type=int, default=500)
    args = ap.parse_args()
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base_env = {"BINHDAN_INDEX__DIR": f"{tmp}/index", "BINHDAN_EMBEDDER__KIND": args.embedder,
                    "BINHDAN_APP__LOG_LEVEL": "WARNING"}
        if args.embedder == "fake":
            base_env |= {"BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5"}
        s0 = load_settings(ROOT / "config.yaml", env=base_env | {"BINHDAN_DATABASE__URL": f"sqlite:///{tmp}/ix.db"})
        embedder = build_embedder(s0)
        ingest(s0, embedder=embedder, paths=[Path(args.kb)])
        for name, flood, limit in (("baseline", 0, "20"), ("flood", args.flood, "20"),
                                   ("flood, no limit", args.flood, "0")):
            env = base_env | {"BINHDAN_DATABASE__URL": f"sqlite:///{tmp}/{name.replace(' ', '_')}.db",
                              "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": limit}
            svc = build_services(load_settings(ROOT / "config.yaml", env=env), embedder=embedder)
            results[name] = asyncio.run(run(svc, flood=flood))
            with svc.sessions() as s:
                stored_a = len(list(s.scalars(select(InboxRow.id).where(InboxRow.user_ref == "A"))))
            lat = results[name]
            print(f"{name:16s} B answers {len(lat):3d}/60  p50 {statistics.median(lat) * 1000:7.1f} ms  "
                  f"p95 {p95(lat) * 1000:7.1f} ms   (A's messages stored: {stored_a})")
    base, flood_p95, fair_p95 = p95(results["baseline"]), p95(results["flood"]), p95(results["flood, no limit"])
    print(f"\np95 increase under a {args.flood}-message flood: {100 * (flood_p95 / base - 1):+.1f} % with the "
          f"default limits (acceptance: <= +20 %), {100 * (fair_p95 / base - 1):+.1f} % with fair claiming alone")


if __name__ == "__main__":
    main()
