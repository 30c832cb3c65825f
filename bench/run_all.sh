#!/usr/bin/env bash
# Every benchmark of docs/BENCHMARKS.md "Performance and scale-out", one after the other; each prints its
# figures and rewrites its own dated section (with the load average next to every figure).
#   bash bench/run_all.sh            # or: make bench
#   BENCH_RETRIEVAL=1 bash bench/run_all.sh   # also the retrieval-quality benchmark (bench/faq_retrieval.py)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${BENCH_PYTHON:-.venv/bin/python}
echo "== answer latency (real data + synthetic x10) and ingest"; $PY bench/answer_latency.py
echo "== where the answer time goes";                           $PY bench/answer_breakdown.py
echo "== HTTP web chat, 1/2/4 workers";                         $PY bench/http_load.py
echo "== webhook acknowledgement vs a bare endpoint";           $PY bench/webhook_ack.py
echo "== the same with in-process rate-limit counters";         $PY bench/webhook_ack.py --limiter memory://
echo "== server memory";                                         $PY bench/server_rss.py
if [ "${BENCH_RETRIEVAL:-0}" = "1" ]; then
  echo "== retrieval quality on portal data";                    $PY bench/faq_retrieval.py --json var/bench/faq-full.json
fi
