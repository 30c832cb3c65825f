"""Hostile input, property-based (hypothesis): the redactor and the normaliser never crash; redaction is
idempotent; a generated ID, phone or card number in any surrounding text is always removed; the log
filter leaks neither personal data nor secrets. Bounded (max_examples) so CI stays quick."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.privacy.redaction import PLACEHOLDERS, RedactingFilter, redact
from bot.core.text import clean, fold, has_tone_marks, letter_ratio, nfc, tokens
from bot.retrieval.analyzer import QueryAnalyzer
from bot.retrieval.lexicon import load_lexicon
from bot.retrieval.tones import ToneModel

ROOT = Path(__file__).resolve().parents[2]
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Surrounding text: anything at all (letters, digits, emoji, control characters, other scripts …)
anything = st.text(max_size=80)
vietnamese = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
                              "AĐ ,.?!:;()\n", max_size=60)
# a separator between the number and its neighbours: a number glued to other digits is another number
boundary = st.sampled_from([" ", "\n", ", ", ": ", " (", "\t", " - ", "—", "“", "'"])


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


def _luhn(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix + "0")):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


cccd = st.builds(lambda p, r: p + r, st.sampled_from(["001", "008", "019", "022", "079", "096"]), _digits(9))
phone = st.builds(
    lambda p, r, style: {0: p + r, 1: f"{p[:4]} {p[4:]}{r[:2]} {r[2:]}", 2: f"+84 {p[1:]} {r[:3]} {r[3:]}",
                         3: f"{(p + r)[:4]}.{(p + r)[4:7]}.{(p + r)[7:]}", 4: "+84" + (p + r)[1:]}[style],
    st.sampled_from(["032", "039", "086", "091", "096", "098", "070", "088", "056"]), _digits(7),
    st.integers(0, 4))
card = st.builds(lambda b, r, grouped: (lambda n: " ".join(n[i:i + 4] for i in range(0, 16, 4)) if grouped else n)(
    _luhn(b + r)), st.sampled_from(["970405", "970436", "411111", "512345"]), _digits(9), st.booleans())


def _gone(item: str, out: str) -> bool:
    digits = re.sub(r"\D", "", item)
    flat = re.sub(r"[ .\-+]", "", out)
    return item not in out and digits not in flat


@FAST
@given(before=anything, after=anything, left=boundary, right=boundary, number=cccd)
def test_a_generated_id_number_in_any_text_is_removed(before: str, after: str, left: str, right: str,
                                                      number: str) -> None:
    out = redact(f"{before}{left}{number}{right}{after}")
    assert _gone(number, out)


@FAST
@given(before=anything, after=anything, left=boundary, right=boundary, number=phone)
def test_a_generated_phone_number_in_any_text_is_removed(before: str, after: str, left: str, right: str,
                                                         number: str) -> None:
    out = redact(f"{before}{left}{number}{right}{after}")
    assert _gone(number, out)


@FAST
@given(before=vietnamese, after=vietnamese, left=boundary, right=boundary, number=card)
def test_a_generated_card_number_in_any_text_is_removed(before: str, after: str, left: str, right: str,
                                                        number: str) -> None:
    out = redact(f"{before}{left}{number}{right}{after}")
    assert _gone(number, out)


@FAST
@given(text=st.text(max_size=400))
def test_redaction_never_crashes_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert isinstance(once, str)
    assert redact(once) == once


@FAST
@given(parts=st.lists(st.one_of(vietnamese, cccd, phone, card, _digits(6), st.sampled_from(
    ["mã OTP là", "mật khẩu là", "stk", "số tài khoản", "email", "a.b@c.vn", "1.000028", "50.000 đồng"])),
    max_size=12))
def test_redaction_of_mixed_fragments_is_idempotent_and_keeps_placeholders(parts: list[str]) -> None:
    once = redact(" ".join(parts))
    assert redact(once) == once
    for tag in PLACEHOLDERS:  # a placeholder typed by the citizen survives as it is
        assert redact(tag) == tag


@FAST
@given(text=st.text(max_size=300))
def test_normaliser_never_crashes_and_is_stable(text: str) -> None:
    c = clean(text)
    assert clean(c) == c  # idempotent
    assert "\x00" not in c and "  " not in c
    assert fold(fold(c)) == fold(c)
    assert not has_tone_marks(fold(c)) or any(not ch.isascii() for ch in fold(c))
    assert all(t == t.lower() for t in tokens(c))
    assert 0.0 <= letter_ratio(c) <= 1.0
    assert nfc(nfc(text)) == nfc(text)


_ANALYZER: list[QueryAnalyzer] = []


def analyzer() -> QueryAnalyzer:
    if not _ANALYZER:
        tones = ToneModel.fit(["Không đăng nhập được VNeID vì quên mật khẩu.", "Chuyển khoản nhầm thì làm gì?"] * 3)
        _ANALYZER.append(QueryAnalyzer(load_lexicon(ROOT / "knowledge" / "lexicon"), tones, max_chars=1000))
    return _ANALYZER[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=300), vietnamese, st.text(alphabet="ko dc mk vneid cccd 0123456789?!", max_size=120)))
def test_query_analyzer_never_crashes(text: str) -> None:
    q = analyzer().analyze(text)
    assert q.kind in ("accented", "unaccented", "english")
    assert q.lang in ("vi", "en")
    assert len(q.normalized) <= 4 * 1000 + 100


@settings(max_examples=100, deadline=None)
@given(before=anything, number=cccd, ph=phone)
def test_the_log_filter_leaks_no_personal_data_or_secret(before: str, number: str, ph: str) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter(["123456:SECRET-bot-token"]))
    lg = logging.getLogger("test.hostile")
    lg.handlers, lg.propagate, lg.level = [handler], False, logging.DEBUG
    lg.info("message %s from %s via https://api.telegram.org/bot123456:SECRET-bot-token/send", f"{before} {number}", ph)
    try:
        raise ValueError(f"bad input {number} / {ph}")
    except ValueError:
        lg.exception("failed on %r", {"text": number})
    out = stream.getvalue()
    assert _gone(number, out) and _gone(ph, out)
    assert "SECRET-bot-token" not in out and "[SECRET]" in out
    assert "Traceback" in out and "ValueError" in out  # the traceback is kept, redacted
