"""Voice benchmark (issue 23): how well faster-whisper (Whisper base, int8, CPU) hears citizens' questions.

Test set: the first N Vietnamese questions of tests/eval/domain.jsonl whose style is "accented" (real
citizens' phrasings), spoken by espeak-ng's three Vietnamese voices (vi, vi-vn-x-central, vi-vn-x-south),
each clean and "degraded" (white noise at ~15 dB SNR and a speed change of ±10 %, PyAV/numpy). Reports
word error rate on accent-folded text and on accented text, retrieval hit@3 on the transcripts against
hit@3 on the typed text through the real answer path (bundled knowledge base, index built once into
var/bench/voice), the real-time factor of recognition and the peak memory.

    python bench/voice.py                    # 12 questions x 3 voices x 2 conditions = 72 utterances
    python bench/voice.py --n 40 --threads 2
No real recordings with a clear licence were found in the package lists, so the voices are synthetic:
espeak-ng is robotic, and real speech (accents, background noise, elderly voices) will differ.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.text import fold

VOICES = ("vi", "vi-vn-x-central", "vi-vn-x-south")


def words(s: str) -> list[str]:
    import re

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


def degrade(samples, rate: int, rng):  # type: ignore[no-untyped-def]
    import numpy as np

    speed = rng.choice([0.9, 1.1])
    idx = np.arange(0, len(samples) - 1, speed)
    out = np.interp(idx, np.arange(len(samples)), samples).astype(np.float32)
    power = float(np.mean(out ** 2)) or 1e-6
    noise = rng.normal(0, (power / 10 ** 1.5) ** 0.5, len(out)).astype(np.float32)  # ~15 dB SNR
    return out + noise


def build_answers(workdir: Path, embedder: str):  # type: ignore[no-untyped-def]
    from bot.bootstrap import build_answer_service, build_embedder, ingest, load_or_build_index
    from bot.config import load_settings

    env = {"BINHDAN_DATABASE__URL": f"sqlite:///{workdir / 'bench.db'}", "BINHDAN_INDEX__DIR": str(workdir / "index"),
           "BINHDAN_APP__LOG_LEVEL": "WARNING", **({"BINHDAN_EMBEDDER__KIND": embedder} if embedder else {}),
           # config.yaml's calibration is fitted for the e5 model; the fake embedder uses term coverage alone
           **({"BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5"}
              if embedder == "fake" else {})}
    s = load_settings(ROOT / "config.yaml", env={**os.environ, **env})
    emb = build_embedder(s)
    if not (workdir / "index" / "CURRENT").exists():
        ingest(s, embedder=emb)
    index = load_or_build_index(s, emb)
    return build_answer_service(s, embedder=emb, index=index, log_questions=False)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--embedder", default="", help="embedder.kind for the index (default: config.yaml's)")
    ap.add_argument("--no-retrieval", action="store_true")
    ap.add_argument("--voices", default=",".join(VOICES), help="espeak-ng voices, comma-separated")
    ap.add_argument("--conditions", default="clean,degraded")
    args = ap.parse_args()

    import numpy as np

    from bot.voice.recognizer import WhisperRecognizer
    from bot.voice.tts import espeak_wav, wav_samples
    from bot.voice.weights import model_dir

    items = [json.loads(line) for line in (ROOT / "tests/eval/domain.jsonl").read_text().splitlines() if line.strip()]
    items = [x for x in items if x.get("style") == "accented"][: args.n]
    workdir = ROOT / "var" / "bench" / "voice"
    workdir.mkdir(parents=True, exist_ok=True)
    rec = WhisperRecognizer(str(model_dir(cache_dir=str(workdir.parent.parent / "voice"))), threads=args.threads,
                            beam_size=args.beam)
    t0 = time.perf_counter()
    rec.model()
    load_s = time.perf_counter() - t0
    answers = None if args.no_retrieval else build_answers(workdir, args.embedder)

    def hit3(q: str, gold: list[str]) -> bool:
        assert answers is not None
        a = answers.answer(q)
        ids = [s.doc_id for s in a.sources] + [r.doc_id for r in a.related]
        return a.covered and any(g in ids[:3] for g in gold)

    rng = np.random.default_rng(23)
    rows: dict[str, dict[str, float]] = {}
    typed_hits = sum(hit3(x["q"], x["gold"]) for x in items) if answers is not None else 0
    audio_s = wall_s = 0.0
    for cond in args.conditions.split(","):
        for voice in args.voices.split(","):
            errs_f = errs_a = n_words = hits = 0
            for x in items:
                samples = wav_samples(espeak_wav(x["q"], voice=voice), rate=16_000)
                if cond == "degraded":
                    samples = degrade(samples, 16_000, rng)
                tr = rec.transcribe(samples)
                audio_s += len(samples) / 16_000
                wall_s += tr.seconds
                e, n = wer(words(fold(x["q"])), words(fold(tr.text)))
                ea, _ = wer(words(x["q"]), words(tr.text))
                errs_f, errs_a, n_words = errs_f + e, errs_a + ea, n_words + n
                if answers is not None and tr.text:
                    hits += hit3(tr.text, x["gold"])
            rows[f"{cond}/{voice}"] = {"wer_folded": errs_f / n_words, "wer_accented": errs_a / n_words,
                                       "hit3": hits / len(items)}
            print(f"{cond:9s} {voice:16s} WER folded {errs_f / n_words:6.1%}  accented {errs_a / n_words:6.1%}"
                  + (f"  hit@3 {hits / len(items):6.1%}" if answers is not None else ""), flush=True)
    if answers is not None:
        print(f"typed text hit@3 {typed_hits / len(items):.1%} ({len(items)} questions)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load {load_s:.1f} s; real-time factor {wall_s / audio_s:.2f} ({wall_s:.0f} s for {audio_s:.0f} s "
          f"of audio, {args.threads} threads, beam {args.beam}); peak RSS {rss:.0f} MB (whole process)")


if __name__ == "__main__":
    main()
