"""What answer.mode: llm costs on top of the model itself: the grounding checks, and a whole answer through
LangChain + HTTP against a fake OpenAI-compatible server that answers at once (tests/fakes.py FakeOpenAI),
compared with the extractive answer on the same mini knowledge base (fake embedder, SQLite, no logging).

    python bench/llm_overhead.py [--n 200]

The model's own time (seconds on a CPU, well under one on a GPU) comes on top; it is bounded by
llm.time_budget_s, after which the extractive answer is sent.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

QUESTIONS = ["Quên mật khẩu VNeID phải làm sao?", "quen mat khau vneid", "Đăng ký tài khoản định danh mức 2 ở đâu?",
             "chuyển khoản nhầm thì làm gì"]
REPLY = ("Bạn tự lấy lại mật khẩu VNeID ngay trên ứng dụng, bằng mã OTP gửi về số điện thoại [1].\n"
         "1. Mở ứng dụng VNeID, bấm Quên mật khẩu [1].\n2. Nhập số định danh cá nhân [1].\n"
         "3. Nhập mã OTP rồi đặt mật khẩu mới [1].")


def ms(values: list[float]) -> str:
    v = sorted(values)
    return f"p50 {statistics.median(v) * 1000:.2f} ms, p95 {v[int(0.95 * (len(v) - 1))] * 1000:.2f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    n = ap.parse_args().n

    from bot.bootstrap import build_answer_service, ingest, load_live_index
    from bot.config import load_settings
    from bot.core.answering.generation import passage_block
    from bot.core.answering.grounding import check_answer
    from bot.retrieval.embedders import FakeEmbedder
    from tests.fakes import FakeOpenAI, ServerThread

    tmp = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    try:
        shutil.copytree(ROOT / "tests" / "data" / "mini_kb", tmp / "kb")
        base = {"BINHDAN_DATABASE__URL": f"sqlite:///{tmp / 'b.db'}", "BINHDAN_INDEX__DIR": str(tmp / "idx"),
                "BINHDAN_EMBEDDER__KIND": "fake", "BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]",
                "BINHDAN_ANSWER__THRESHOLD": "0.5", "BINHDAN_APP__LOG_LEVEL": "WARNING"}
        settings = load_settings(ROOT / "config.yaml", env=base)
        ingest(settings, embedder=FakeEmbedder(), paths=[tmp / "kb"])
        embedder = FakeEmbedder()
        index = load_live_index(settings, embedder, tmp / "idx")

        extractive = build_answer_service(settings, embedder=embedder, index=index, log_questions=False)
        ex = []
        for i in range(n):
            t = time.perf_counter()
            extractive.answer(QUESTIONS[i % len(QUESTIONS)])
            ex.append(time.perf_counter() - t)

        p = extractive.retrieve(QUESTIONS[0], limit=4).passages
        blocks = [passage_block(x) for x in p]
        checks = []
        for _ in range(n * 10):
            t = time.perf_counter()
            check_answer(REPLY, blocks, official_domains=["gov.vn"])
            checks.append(time.perf_counter() - t)

        fake = FakeOpenAI(REPLY)
        with ServerThread(fake.app) as srv:
            llm_settings = load_settings(ROOT / "config.yaml", env={
                **base, "BINHDAN_ANSWER__MODE": "llm", "BINHDAN_LLM__BASE_URL": f"{srv.url}/v1",
                "BINHDAN_LLM__MODEL": "fake-model", "BINHDAN_LLM__REWRITE": "false"})
            llm = build_answer_service(llm_settings, embedder=embedder, index=index, log_questions=False)
            lm, used = [], 0
            for _ in range(n):
                t = time.perf_counter()
                a = llm.answer(QUESTIONS[0])
                lm.append(time.perf_counter() - t)
                used += a.mode == "llm"

        print(f"grounding checks of one answer ({len(blocks)} passages): {ms(checks)}")
        print(f"extractive answer: {ms(ex)}  (n={n})")
        print(f"llm answer, instant fake model over HTTP: {ms(lm)}  (n={n}, {used} generated answers used)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
