"""Voice benchmark (issue 23): how well faster-whisper (Whisper base, int8, CPU) hears citizens' questions,
and whether the answer path still finds the right guide from what it heard.

Questions, each with its gold guides, split into a dev part (to choose the recogniser's settings) and a test
part (reported), fixed before any run:
- short: tests/eval/voice_short.jsonl — 40 questions of 3–8 words, the way people speak to a phone
  ("quên mật khẩu VNeID", "cách nộp phạt nguội"), 20 dev / 20 test;
- long: every 14th "accented" question of tests/eval/domain.jsonl (real citizens' phrasings, 10–25 words),
  12 in all, alternately dev / test.
Each is spoken by espeak-ng's three Vietnamese voices (vi, vi-vn-x-central, vi-vn-x-south), clean and
"degraded" (white noise at ~15 dB SNR and a ±10 % speed change). Reported per recogniser setting: word error
rate on accent-folded and on accented text, hit@3 (a gold guide among the first three the answer path ranks)
and "answered right" (covered, first guide gold) on the transcripts against the same on the typed text, the
real-time factor and seconds per utterance, and memory. Retrieval is the real answer path with the default
embedder (config.yaml: e5-small-onnx) over the bundled knowledge base, built once into var/bench/voice
(or copied from a bundled test build with --reuse DIR, which holds d.db and idx/).

    python bench/voice.py --split dev --configs default,beam1,noprompt,vad,kbprompt
    python bench/voice.py --split test --configs default,vad
No real recordings with a clear licence were found in the package lists, so the voices are synthetic:
espeak-ng is robotic, and real speech (accents, background noise, elderly voices) will differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.text import fold
from bot.voice.recognizer import DEFAULT_PROMPT

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")
# Domain words taken from the knowledge base's guide titles (not from the questions): a longer prompt.
KB_PROMPT = ("Hỏi đáp về VNeID, tài khoản định danh điện tử mức 2, căn cước, mật khẩu, passcode, mã OTP, "
             "Cổng Dịch vụ công, hộ chiếu, tạm trú, thường trú, khai sinh, kết hôn, bảo hiểm y tế, BHXH, VssID, "
             "phạt nguội, giấy phép lái xe, chuyển khoản, ngân hàng, mã QR, thẻ ATM, Zalo, lừa đảo.")
CONFIGS: dict[str, dict[str, Any]] = {
    "default": {"beam": 5, "prompt": DEFAULT_PROMPT, "vad": False},  # what voice: in config.yaml does
    "beam1": {"beam": 1, "prompt": DEFAULT_PROMPT, "vad": False},
    "noprompt": {"beam": 5, "prompt": "", "vad": False},
    "vad": {"beam": 5, "prompt": DEFAULT_PROMPT, "vad": True},
    "kbprompt": {"beam": 5, "prompt": KB_PROMPT, "vad": False},
    "kbprompt-vad": {"beam": 5, "prompt": KB_PROMPT, "vad": True},
}


def words(s: str) -> list[str]:
    return re.findall(r"\w+", s.lower())


def wer(ref: list[str], hyp: list[str]) -> tuple[int, int]:
    """(edit distance in words, reference length)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def degrade(samples, rng):  # type: ignore[no-untyped-def]
    import numpy as np

    speed = rng.choice([0.9, 1.1])
    idx = np.arange(0, len(samples) - 1, speed)
    out = np.interp(idx, np.arange(len(samples)), samples).astype(np.float32)
    power = float(np.mean(out ** 2)) or 1e-6
    noise = rng.normal(0, (power / 10 ** 1.5) ** 0.5, len(out)).astype(np.float32)  # ~15 dB SNR
    return out + noise


def load_items() -> list[dict[str, Any]]:
    short = [json.loads(x) | {"set": "short"} for x in (ROOT / "tests/eval/voice_short.jsonl").read_text("utf-8").splitlines()
             if x.strip()]
    accented = [json.loads(x) for x in (ROOT / "tests/eval/domain.jsonl").read_text("utf-8").splitlines()
                if x.strip() and json.loads(x).get("style") == "accented"]
    long = [x | {"set": "long", "split": "dev" if i % 2 == 0 else "test"} for i, x in enumerate(accented[::14])]
    return short + long


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build_answers(workdir: Path, reuse: str):  # type: ignore[no-untyped-def]
    from bot.bootstrap import build_answer_service, build_embedder, ingest, load_or_build_index
    from bot.config import load_settings

    if reuse and not (workdir / "d.db").exists():
        shutil.copy2(Path(reuse) / "d.db", workdir / "d.db")
        shutil.copytree(Path(reuse) / "idx", workdir / "idx", symlinks=True)
    env = {"BINHDAN_DATABASE__URL": f"sqlite:///{workdir / 'd.db'}", "BINHDAN_INDEX__DIR": str(workdir / "idx"),
           "BINHDAN_APP__LOG_LEVEL": "WARNING"}
    s = load_settings(ROOT / "config.yaml", env={**os.environ, **env})
    emb = build_embedder(s)
    if not (workdir / "idx" / "CURRENT").exists():
        ingest(s, embedder=emb)
    index = load_or_build_index(s, emb)
    return s.embedder.kind, build_answer_service(s, embedder=emb, index=index, log_questions=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    ap.add_argument("--configs", default="default", help=f"comma-separated, of {', '.join(CONFIGS)}")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--voices", default=",".join(VOICES), help="espeak-ng voices, comma-separated")
    ap.add_argument("--conditions", default="clean,degraded")
    ap.add_argument("--sets", default="short,long")
    ap.add_argument("--verbose", action="store_true", help="one line per utterance")
    ap.add_argument("--reuse", default="", help="a bundled build (d.db + idx/) to copy instead of ingesting")
    ap.add_argument("--weights-cache", default=str(ROOT / "var" / "voice"), help="where the Whisper weights are joined")
    args = ap.parse_args()

    import numpy as np

    from bot.voice.recognizer import WhisperRecognizer
    from bot.voice.tts import espeak_wav, wav_samples
    from bot.voice.weights import model_dir

    items = [x for x in load_items() if x["set"] in args.sets.split(",") and args.split in ("all", x["split"])]
    workdir = ROOT / "var" / "bench" / "voice"
    workdir.mkdir(parents=True, exist_ok=True)
    rss0 = rss_mb()
    rec = WhisperRecognizer(str(model_dir(cache_dir=args.weights_cache)), threads=args.threads)
    t0 = time.perf_counter()
    rec.model()
    load_s, model_rss = time.perf_counter() - t0, rss_mb() - rss0
    kind, answers = build_answers(workdir, args.reuse)

    def ranked(q: str) -> tuple[list[str], bool]:
        a = answers.answer(q)
        ids = list(dict.fromkeys([s.doc_id for s in a.sources] + [r.doc_id for r in a.related]))
        return ids, bool(a.covered)

    def hits(q: str, gold: list[str]) -> tuple[int, int]:
        ids, covered = ranked(q) if q.strip() else ([], False)
        return int(any(g in ids[:3] for g in gold)), int(covered and bool(ids) and ids[0] in gold)

    audio: dict[tuple[int, str, str], Any] = {}
    for i, x in enumerate(items):
        for voice in args.voices.split(","):
            clean = wav_samples(espeak_wav(x["q"], voice=voice), rate=16_000)
            audio[(i, voice, "clean")] = clean
            audio[(i, voice, "degraded")] = degrade(clean, np.random.default_rng(23 + i))
    typed = {s: [hits(x["q"], x["gold"]) for x in items if x["set"] == s] for s in args.sets.split(",")}
    print(f"{len(items)} questions ({args.split}), embedder {kind}; typed text: " + "; ".join(
        f"{s} n={len(v)} hit@3 {sum(h for h, _ in v) / len(v):.0%} answered right {sum(r for _, r in v) / len(v):.0%}"
        for s, v in typed.items() if v), flush=True)
    results: dict[str, Any] = {"split": args.split, "embedder": kind, "typed": {
        s: {"n": len(v), "hit3": sum(h for h, _ in v) / len(v), "right": sum(r for _, r in v) / len(v)}
        for s, v in typed.items() if v}, "configs": {}}
    for name in args.configs.split(","):
        cfg = CONFIGS[name]
        rec.beam_size, rec.prompt, rec.vad = cfg["beam"], cfg["prompt"], cfg["vad"]
        rows: dict[str, dict[str, float]] = {}
        audio_s = wall_s = 0.0
        n_utt = 0
        samples_out: list[tuple[str, str]] = []
        for cond in args.conditions.split(","):
            for s in args.sets.split(","):
                ef = ea = nw = h3 = right = n = 0
                for i, x in enumerate(items):
                    if x["set"] != s:
                        continue
                    for voice in args.voices.split(","):
                        pcm = audio[(i, voice, cond)]
                        tr = rec.transcribe(pcm)
                        audio_s, wall_s, n_utt = audio_s + len(pcm) / 16_000, wall_s + tr.seconds, n_utt + 1
                        e, k = wer(words(fold(x["q"])), words(fold(tr.text)))
                        e2, _ = wer(words(x["q"]), words(tr.text))
                        a, b = hits(tr.text, x["gold"])
                        ef, ea, nw, h3, right, n = ef + e, ea + e2, nw + k, h3 + a, right + b, n + 1
                        if args.verbose:
                            print(f"  {name} {cond} {voice} {tr.seconds:.1f}s wer {e}/{k} hit3 {a} right {b} "
                                  f"«{x['q']}» → «{tr.text}»", flush=True)
                        if cond == "clean" and voice == "vi" and len(samples_out) < 6:
                            samples_out.append((x["q"], tr.text))
                if n:
                    rows[f"{cond}/{s}"] = {"n": n, "wer_folded": ef / nw, "wer_accented": ea / nw, "hit3": h3 / n,
                                           "right": right / n}
                    print(f"{name:12s} {cond:9s} {s:6s} n={n:3d}  WER folded {ef / nw:6.1%}  accented {ea / nw:6.1%}  "
                          f"hit@3 {h3 / n:6.1%}  answered right {right / n:6.1%}", flush=True)
        results["configs"][name] = {**cfg, "rows": rows, "rtf": wall_s / audio_s, "s_per_utt": wall_s / n_utt,
                                    "examples": samples_out}
        print(f"{name:12s} real-time factor {wall_s / audio_s:.2f} ({wall_s:.0f} s for {audio_s:.0f} s of audio, "
              f"{wall_s / n_utt:.2f} s per utterance, {args.threads} threads)", flush=True)
        for q, heard in samples_out:
            print(f"    «{q}» → «{heard}»")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results |= {"model_load_s": load_s, "model_rss_mb": model_rss, "peak_rss_mb": peak}
    print(f"model load {load_s:.1f} s, +{model_rss:.0f} MB RSS; peak RSS {peak:.0f} MB (whole process: model, "
          f"embedder, index)")
    (workdir / f"results-{args.split}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
