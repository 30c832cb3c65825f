"""Announcement throughput (issue 21): one announcement to N Telegram subscribers (default 10,000) through
the real dispatcher (database pacing), the real outbox worker and the per-process throttle, to the
Telegram fake over HTTP. Prints the time and the peak send rate (the most sends the fake received in any
1-second window, and to any one chat in any 1-second window), which must stay within Telegram's limits
(about 30 messages/s in bulk, 1 per chat per second).

    PYTHONPATH=$PWD .venv/bin/python bench/announce_throughput.py [--recipients 10000] [--rate 29] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipients", type=int, default=10_000)
    ap.add_argument("--rate", type=float, default=29.0, help="outreach.telegram_per_s")
    ap.add_argument("--db", default="", help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()

    from sqlalchemy import insert

    from bot.bootstrap import build_outreach, throttled
    from bot.channels.telegram import TelegramSender
    from bot.config import load_settings
    from bot.core.outreach import model as m
    from bot.runtime.workers import OutboxWorker
    from bot.storage.db import make_engine, upgrade
    from bot.storage.messaging import MessageStore
    from bot.storage.tables.outreach import SubscriptionRow
    from tests.fakes import FakeTelegram, ServerThread

    tmp = Path(tempfile.mkdtemp(prefix="bench-announce-"))
    db = args.db or f"sqlite:///{tmp / 'b.db'}"
    tg = FakeTelegram()
    stamps: list[tuple[float, str]] = []

    @tg.app.middleware("http")
    async def stamp(request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        if request.url.path.endswith("/sendMessage") and response.status_code == 200:
            stamps.append((time.monotonic(), ""))
        return response

    with ServerThread(tg.app) as fake:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("BINHDAN_")},
               "BINHDAN_DATABASE__URL": db, "BINHDAN_TELEGRAM__TOKEN": tg.token,
               "BINHDAN_TELEGRAM__API_BASE_URL": fake.url, "BINHDAN_OUTREACH__TELEGRAM_PER_S": str(args.rate),
               "BINHDAN_INDEX__DIR": str(tmp / "index"), "BINHDAN_APP__LOG_LEVEL": "WARNING"}
        s = load_settings(ROOT / "config.yaml", env=env)
        upgrade(make_engine(db))
        outreach = build_outreach(s)
        # a campaign is never sent 22:00–06:00 in Tuyên Quang: the benchmark runs at 10:00 by its clock
        local = datetime.now(ZoneInfo(s.outreach.timezone))
        offset = local.replace(hour=10, minute=0, second=0, microsecond=0) - local
        outreach.clock = lambda: datetime.now(UTC) + offset
        now = datetime.now(UTC)
        with outreach.sessions.begin() as ses:
            ses.execute(insert(SubscriptionRow), [
                {"channel": "telegram", "user_ref": str(10_000_000 + i), "topics": ["scam"], "commune": "02269",
                 "learner_group": "", "lang": "vi", "active": True, "created_at": now, "updated_at": now}
                for i in range(args.recipients)])
        cid = outreach.create(m.Draft(title="bench", text="Cảnh giác: công an không gọi điện đòi chuyển tiền.",
                                      audience=m.Audience(topic="scam")), actor="bench")
        sender = throttled(s, TelegramSender(tg.token, api_base_url=fake.url))
        store = MessageStore(outreach.sessions)
        worker = OutboxWorker(store, [sender])

        async def run() -> float:
            """The dispatcher job and the outbox worker run side by side, as in `binhdan worker`."""
            await sender.start()
            started = time.monotonic()
            done = asyncio.Event()

            async def dispatcher() -> None:
                while not done.is_set():
                    await asyncio.to_thread(outreach.run_once)
                    f = (await asyncio.to_thread(outreach.campaign, cid))["figures"]
                    if f["sent"] + f["failed"] >= args.recipients:
                        done.set()
                        break
                    print(f"  {time.monotonic() - started:6.1f} s  sent {f['sent']:>6} / {args.recipients}", flush=True)
                    await asyncio.sleep(s.outreach.dispatch_every_s)

            async def sending() -> None:
                while not done.is_set():
                    if await worker.run_once() == 0:
                        await asyncio.sleep(0.05)

            await asyncio.gather(dispatcher(), sending())
            await sender.stop()
            return time.monotonic() - started

        elapsed = asyncio.run(run())
    times = sorted(t for t, _ in stamps)
    peak = max((bisect.bisect_right(times, t + 1.0) - i for i, t in enumerate(times)), default=0)
    per_chat: dict[str, int] = {}
    for msg in tg.sent:
        per_chat[str(msg["chat_id"])] = per_chat.get(str(msg["chat_id"]), 0) + 1
    f = outreach.campaign(cid)["figures"]
    print(f"recipients {args.recipients}, sent {f['sent']}, failed {f['failed']}, duplicates "
          f"{sum(n - 1 for n in per_chat.values())}, time {elapsed:.1f} s, mean {f['sent'] / elapsed:.1f} msg/s, "
          f"peak {peak} msg in any 1 s window (rate setting {args.rate}/s; Telegram ≈ 30/s), "
          f"max per chat {max(per_chat.values(), default=0)}")
    assert peak <= 30 and max(per_chat.values(), default=0) == 1 and f["sent"] == args.recipients


if __name__ == "__main__":
    main()
