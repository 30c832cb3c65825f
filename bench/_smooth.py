"""SmoothQuant-style channel smoothing of e5-small-onnx's float32 graph before dynamic int8: a probe of
bench/int8_probe.py (recipes `sq…`), not shipped: it did not help (docs/BENCHMARKS.md, 2026-12-04).

onnxruntime's dynamic int8 quantises a matmul's input with one scale for the whole tensor, so a few channels
with large values (GELU's long tail before the FFN output projections, the embedding LayerNorm's outliers in
layer 0) leave the other channels with a handful of levels. For y = x W, dividing input channel j by s_j and
multiplying row j of W by s_j changes nothing in exact arithmetic, and with s_j = sqrt(max|x_j| / max|W_j|)
(α = 0.5) both the activations and the weights have flatter ranges. The division is an explicit `Mul` node
before the matmul (cheap: one multiply per activation); the per-channel maxima come from running the float32
graph over a fixed set of calibration texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ALPHA = 0.5


def targets(layers: int, which: str) -> list[tuple[str, str]]:
    """(matmul node, its weight initializer) pairs to smooth: `fo` = every FFN output projection,
    `l0` = layer 0's attention input, attention output and FFN input projections, `all` = every matmul."""
    out: list[tuple[str, str]] = []
    for i in range(layers):
        pairs = [(f"l{i}.att", f"l{i}.qkv.w"), (f"l{i}.ao.mm", f"l{i}.ao.mm.w"), (f"l{i}.fi", f"l{i}.fi.w"),
                 (f"l{i}.fo.mm", f"l{i}.fo.mm.w")]
        for node, w in pairs:
            if which == "all" or ("fo" in which.split("+") and node.endswith(".fo.mm")) or \
                    ("l0" in which.split("+") and i == 0):
                out.append((node, w))
    return out


def activation_maxima(model: Any, pairs: Sequence[tuple[str, str]],
                      run: Callable[[Any, list[str]], list[np.ndarray]]) -> dict[str, np.ndarray]:
    """Per input channel, the largest |activation| entering each node of `pairs` (max over calibration
    tokens). `run(model_with_outputs, output_names)` runs the float32 model over the calibration batches and
    returns, per output name, an array (tokens, channels) of the unpadded tokens."""
    from onnx import TensorProto, helper

    nodes = {n.name: n for n in model.graph.node}
    names = [nodes[node].input[0] for node, _ in pairs]
    probe = type(model)()
    probe.CopyFrom(model)
    for name in dict.fromkeys(names):
        probe.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    values = run(probe, list(dict.fromkeys(names)))
    maxima = dict(zip(dict.fromkeys(names), (np.abs(v).max(axis=0) for v in values), strict=True))
    return {node: maxima[nodes[node].input[0]] for node, _ in pairs}


def smooth(model: Any, pairs: Sequence[tuple[str, str]], maxima: dict[str, np.ndarray],
           alpha: float = ALPHA) -> Any:
    """`model` with each pair's input divided by s (a `Mul` node) and its weight rows multiplied by s."""
    from onnx import helper, numpy_helper

    inits = {t.name: i for i, t in enumerate(model.graph.initializer)}
    nodes = {n.name: n for n in model.graph.node}
    muls: dict[str, Any] = {}
    for node, wname in pairs:
        t = model.graph.initializer[inits[wname]]
        w = numpy_helper.to_array(t)  # (K, N): y = x W
        wmax = np.maximum(np.abs(w).max(axis=1), 1e-8)
        amax = np.maximum(maxima[node].astype(np.float64), 1e-8)
        s = (amax ** alpha / wmax ** (1 - alpha)).astype(np.float32)
        s = np.maximum(s, 1e-4)
        t.CopyFrom(numpy_helper.from_array((w * s[:, None]).astype(np.float32), wname))
        inv = node + ".smooth"
        model.graph.initializer.append(numpy_helper.from_array((1.0 / s).astype(np.float32), inv))
        n = nodes[node]
        src = n.input[0]
        n.input[0] = inv + ".x"
        muls[node] = helper.make_node("Mul", [src, inv], [inv + ".x"], name=inv + ".mul")
    # keep a topological order: each Mul right before the node it feeds
    order = [type(n)() for n in model.graph.node]
    for copy, n in zip(order, model.graph.node, strict=True):
        copy.CopyFrom(n)
    del model.graph.node[:]
    for n in order:
        if n.name in muls:
            model.graph.node.append(muls[n.name])
        model.graph.node.append(n)
    return model


def calibration_texts(knowledge: Path, limit: int = 160) -> list[str]:
    """Paragraphs of the bundled guides (sorted files, the first paragraphs of each, ≤ 900 characters): real
    Vietnamese passages shipped with the code, so the conversion needs no other data."""
    out: list[str] = []
    files = sorted((knowledge / "guides").rglob("*.md"))
    for md in files:
        body = md.read_text(encoding="utf-8").split("---", 2)[-1]
        out += [p.strip()[:900] for p in body.split("\n\n") if len(p.strip()) > 80][:3]
    return out[:limit]
