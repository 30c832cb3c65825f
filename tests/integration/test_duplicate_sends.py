"""Issue 25, finding 9: duplicate sends after kill -9. A real `binhdan worker` process sends 200 queued
replies to the Telegram fake (real HTTP on 127.0.0.1) and is killed with SIGKILL mid-way, twice (two runs);
a new worker finishes the queue. Telegram has no idempotency key for sendMessage, so the one request that
was on its way when the worker died (the row marked `inflight`) is the only one that may arrive twice: it is
resent (at-least-once). Every other claimed row is `sending` and is resent without risk.

Printed: per run, messages, duplicates, losses, rows in flight at the kill, the recovery time, and the
in-flight window (share of the sending time during which a kill cannot tell whether the platform has the
message). Asserted: no loss, duplicates <= rows in flight at the kill <= 1 per killed worker, and the queue
is taken over within the short lease (not the old 60 s)."""

from __future__ import annotations

import time
from collections import Counter
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import ingest
from bot.core.messages import Reply
from bot.retrieval.embedders import FakeEmbedder
from bot.storage.db import make_engine, session_factory, upgrade
from bot.storage.messaging import MessageStore
from bot.storage.tables.messaging import OutboxRow
from tests.conftest import make_settings
from tests.fakes import FakeTelegram, ServerThread, wait_for
from tests.serve_process import WorkerProcess

N, RUNS, CHATS, LEASE_S, ACK_DELAY_S = 200, 2, 20, 4.0, 0.03


def _statuses(db_url: str) -> dict[str, int]:
    engine = make_engine(db_url)
    with engine.connect() as c:
        rows = c.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status)).all()
    engine.dispose()
    return {str(k): int(v) for k, v in rows}


def _at_least(sent: list[Any], n: int) -> bool:
    return len(sent) >= n


def _all_sent(db_url: str, n: int) -> bool:
    return _statuses(db_url).get("sent", 0) == n


def test_kill_9_during_sends_two_runs_of_200_no_loss_and_at_most_the_in_flight_duplicate(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    tg = FakeTelegram()
    tg.ack_delay_s = ACK_DELAY_S
    with ServerThread(tg.app) as fake:
        env = {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
               "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_TELEGRAM__TOKEN": tg.token,
               "BINHDAN_TELEGRAM__API_BASE_URL": fake.url,
               "BINHDAN_TELEGRAM__WEBHOOK_URL": "https://bot.example.gov.vn/webhooks/telegram",
               "BINHDAN_TELEGRAM__WEBHOOK_SECRET": "dup-secret", "BINHDAN_SERVER__OUTBOX_LEASE_S": str(LEASE_S),
               "BINHDAN_APP__LOG_LEVEL": "INFO"}
        ingest(make_settings(tmp_path, db_url=db_url), embedder=FakeEmbedder(), paths=[mini_kb])
        engine = make_engine(db_url)
        upgrade(engine)
        store = MessageStore(session_factory(engine))
        totals = Counter[str]()
        for run in range(RUNS):
            texts = [f"run{run}-reply{i:03d}" for i in range(N)]
            for i, text in enumerate(texts):
                store.enqueue("telegram", str(700_000 + i % CHATS), Reply(text, kind="answer"))
            first = len(tg.sent)
            log = tmp_path / f"worker-{run}.log"
            worker = WorkerProcess(env, log).start()
            try:
                wait_for(partial(_at_least, tg.sent, first + N // 2 + 7), timeout=120, interval=0.002)  # mid-batch
                worker.kill()  # SIGKILL while sending: most likely with a request awaiting its answer
            finally:
                worker.kill()
            killed_at = time.monotonic()
            at_kill = _statuses(db_url)
            in_flight = at_kill.get("inflight", 0)
            worker = WorkerProcess(env, log).start()
            try:
                wait_for(partial(_all_sent, db_url, N * (run + 1)), timeout=120, interval=0.1)
                recovered_s = time.monotonic() - killed_at
                time.sleep(1.0)  # nothing more arrives
            finally:
                worker.stop()
            got = Counter(str(m["text"]) for m in tg.sent[first:])
            duplicates = sum(n - 1 for n in got.values() if n > 1)
            losses = sum(1 for t in texts if got[t] == 0)
            stamps = tg.sent_at[first:]
            gaps = [b - a for a, b in pairwise(stamps) if b - a < 1.0]
            cycle = sum(gaps) / len(gaps)
            print(f"\nduplicate sends run {run + 1}: messages={N} duplicates={duplicates} losses={losses} "
                  f"in_flight_at_kill={in_flight} sending_at_kill={at_kill.get('sending', 0)} "
                  f"recovered_in={recovered_s:.1f}s per_message={cycle * 1000:.1f}ms "
                  f"in_flight_window={ACK_DELAY_S / cycle:.0%} of the sending time")
            totals.update(messages=N, duplicates=duplicates, losses=losses, in_flight=in_flight)
            assert losses == 0
            assert in_flight <= 1  # one worker, one request at a time
            assert duplicates <= in_flight  # only the request whose answer was lost can arrive twice
            assert at_kill.get("sending", 0) > 0  # claimed, never started: resent with no risk
            assert recovered_s < 60  # the lease is short: a dead worker's rows are back in seconds
        engine.dispose()
    print(f"duplicate sends total: {dict(totals)}")
    assert totals["messages"] == N * RUNS and totals["losses"] == 0
    assert totals["duplicates"] <= RUNS
