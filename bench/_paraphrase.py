"""Paraphrases of portal FAQ questions, for the question-indexed mode of bench/faq_retrieval.py.

Two sources, each in three styles (with tone marks, stripped, teencode):
- `generated`: a deterministic rewrite of the portal's own question the way a citizen shortens it —
  the addressee and polite openers dropped ("Kính gửi Cục …,", "Đề nghị cho biết", "Xin hỏi"), a long
  preamble cut to the sentence that asks, common phrasings swapped for plainer ones ("như thế nào" → "ra
  sao", "những giấy tờ gì" → "giấy tờ gì", "doanh nghiệp" → "công ty", "thực hiện" → "làm", …, each with
  probability 0.7), legal fillers dropped ("theo quy định", "được quy định"), lower case, no final "?".
  The table is written here, independent of knowledge/lexicon on purpose.
- `hand`: tests/eval/faq_paraphrases.jsonl — short citizen rewrites of 114 portal questions, written
  by reading the question (only the FAQ id and the rewrite are in the repository, not the portal text).

Split: by a hash of the FAQ id (`bot.core.evaluation.split_of`), so every paraphrase of one FAQ falls in
the same split; ranking knobs are chosen on train+dev, test is reported.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAND = ROOT / "tests" / "eval" / "faq_paraphrases.jsonl"

_ADDRESS = re.compile(
    r"^(kính gửi|kính thưa|gửi)\s[^,.:?]*[,.:]\s*|"
    r"^(xin |đề nghị |vui lòng |bộ [^,.:?]{2,40} )?(cho (tôi |em |chúng tôi )?)?(được )?(hỏi|biết)[,:]?\s+|"
    r"^(tôi|em|chúng tôi) (muốn |xin )(được )?hỏi( về)?[,:]?\s+|^xin hỏi[,:]?\s+|^đề nghị cơ quan cho biết\s+",
    re.IGNORECASE,
)
# (portal phrasing, plainer forms a citizen types); each match replaced with probability 0.7.
_PLAIN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("bao gồm những gì", ("gồm gì", "cần những gì")), ("gồm những gì", ("gồm gì", "có gì")),
    ("bao gồm những giấy tờ gì", ("cần giấy tờ gì",)), ("những giấy tờ gì", ("giấy tờ gì",)),
    ("những tài liệu gì", ("giấy tờ gì", "tài liệu gì")), ("những tài liệu nào", ("giấy tờ gì",)),
    ("những hồ sơ gì", ("hồ sơ gì", "giấy tờ gì")), ("những thủ tục gì", ("thủ tục gì", "làm gì")),
    ("những thủ tục nào", ("thủ tục gì",)), ("như thế nào", ("ra sao", "thế nào", "làm sao")),
    ("thế nào", ("ra sao",)), ("cơ quan nào", ("ở đâu", "chỗ nào")), ("nơi nào", ("ở đâu", "chỗ nào")),
    ("những trường hợp nào", ("khi nào",)), ("trường hợp nào", ("khi nào",)), ("là bao lâu", ("mất bao lâu",)),
    ("bao nhiêu ngày", ("mấy ngày",)), ("bao nhiêu năm", ("mấy năm",)), ("thời hạn giải quyết", ("bao lâu có kết quả",)),
    ("có được không", ("được không",)), ("hay không", ("không",)), ("là gì", ("gì",)),
    ("doanh nghiệp", ("công ty",)), ("thực hiện", ("làm",)), ("đề nghị cấp", ("xin cấp",)),
    ("đề nghị", ("xin",)), ("giấy chứng nhận quyền sử dụng đất", ("sổ đỏ",)), ("cấp lại", ("làm lại",)),
    ("cá nhân", ("người dân",)), ("công dân", ("người dân",)), ("ủy ban nhân dân", ("ủy ban",)),
    ("quy định về", ("",)), ("theo quy định", ("",)), ("được quy định", ("",)), ("hiện nay", ("",)),
    ("tôi", ("mình", "em", "tôi")), ("căn cước công dân", ("căn cước",)),
)
_PLAIN_MAP = dict(_PLAIN)
_PLAIN_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k in sorted(_PLAIN_MAP, key=len, reverse=True))
                       + r")(?!\w)")


def _sentences(q: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", q.strip()) if s.strip()]


def generated(q: str, rng: random.Random) -> str:
    """A citizen's shortening of a portal question (see the module docstring)."""
    t = re.sub(r"\s+", " ", q.strip())
    parts = _sentences(t)
    if len(t) > 160 and len(parts) > 1:  # a preamble and then the question: keep what is asked
        asks = [i for i, s in enumerate(parts) if s.endswith("?")] or [len(parts) - 1]
        i = asks[-1]
        keep = parts[i - 1:i + 1] if i > 0 and len(parts[i]) < 100 else parts[i:i + 1]
        t = " ".join(keep)
    for _ in range(2):
        t = _ADDRESS.sub("", t)
    t = t.lower()

    def pick(m: re.Match[str]) -> str:  # one pass, longest phrasing first: "như thế nào" is never "như ra sao"
        return rng.choice(_PLAIN_MAP[m.group()]) if rng.random() < 0.7 else m.group()

    t = _PLAIN_RE.sub(pick, t)
    t = re.sub(r"^(vậy|nay|hiện tại)[, ]+", "", t.strip())
    t = re.sub(r"\s+([,.?])", r"\1", re.sub(r"\s+", " ", t)).strip(" ,.;:")
    return t.rstrip("?").strip() if rng.random() < 0.6 else t


def hand_written(path: Path = HAND) -> list[tuple[str, str]]:
    """(FAQ id, paraphrase) of the committed eval file."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out.append((str(rec["faq_id"]), str(rec["q"])))
    return out
