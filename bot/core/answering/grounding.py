"""Grounding checks for a language model's answer: the guard that decides whether it may be sent.

A generated answer is accepted only when it cites at least one of the passages it was given, every
citation names one of them, and every URL, phone number and other number in it appears in the passages it
cites (URLs must also be on an official domain when a list is given). Anything else — an invented hotline,
a link a prompt injection slipped in, a citation of passage [7] out of 4 — sends the extractive answer
instead, with the reason. `StreamGuard` applies the same rules line by line while an answer streams, so a
line that would fail is never shown. Pure standard library.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.answering.injection import unsafe_advice, unsupported_share

# The model is told to reply with exactly this when the passages do not answer the question.
REFUSAL_MARKER = "KHONG_CO_TRONG_TAI_LIEU"

# Reasons (the question log and the metrics use these codes).
EMPTY = "empty"
NO_CITATION = "no_citation"
BAD_CITATION = "bad_citation"
UNGROUNDED_URL = "ungrounded_url"
UNOFFICIAL_URL = "unofficial_url"
UNGROUNDED_PHONE = "ungrounded_phone"
UNGROUNDED_NUMBER = "ungrounded_number"
TOO_LONG = "too_long"
UNSUPPORTED_TEXT = "unsupported_text"  # wording absent from the cited passages (role play, leaks, off-topic)
UNSAFE_ADVICE = "unsafe_advice"  # tells the citizen to hand over an OTP / password / ID photo
MAX_UNSUPPORTED = 0.4
TRUNCATED = "truncated"

_CITATION = re.compile(r"\[\s*(\d{1,3}(?:\s*(?:[,;]|[-–])\s*\d{1,3})*)\s*\]")
_TLDS = r"(?:vn|com|net|org|gov|edu|info|io|me|app|xyz|top|site|online|link|shop|cc|co|biz|asia|club|live|pro|ly|to)"
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]\"'`]+"
    r"|(?<![\w@.])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+" + _TLDS + r"(?![\w-])(?:/[^\s<>()\[\]\"'`]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A phone number or another long number: 7+ digits with single spaces, dots or dashes between them.
_LONG = re.compile(r"(?<![\d])\+?\d(?:[ .\-]?\d){6,}(?!\d)")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_STEP = re.compile(r"^(\s*)\d{1,2}[.)](?=\s)", re.MULTILINE)
_TRAIL = ".,;:!?)]}'\""


@dataclass(frozen=True)
class Verdict:
    """The outcome of the checks. `cited` lists the passage numbers (1-based) in order of first citation;
    `detail` says what failed, for a DEBUG log line (it is model text, never the citizen's)."""

    ok: bool
    reason: str = ""
    cited: tuple[int, ...] = ()
    detail: str = ""


def _fold_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def is_refusal(text: str) -> bool:
    """True when the reply is (or contains) the refusal marker, however the model spaced or accented it."""
    squeezed = re.sub(r"[\s_\-]+", "_", _fold_upper(text))
    return REFUSAL_MARKER in squeezed


def citations(text: str) -> list[int]:
    """Every passage number cited as [1], [1, 3] or [1-2], in order of appearance (ranges expanded)."""
    out: list[int] = []
    for m in _CITATION.finditer(text):
        for part in re.split(r"\s*[,;]\s*", m.group(1).strip()):
            bounds = re.split(r"\s*[-–]\s*", part)
            if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
                lo, hi = int(bounds[0]), int(bounds[1])
                out.extend(range(lo, hi + 1) if 0 < hi - lo < 10 else (lo, hi))
            elif part.isdigit():
                out.append(int(part))
    return out


def _norm_url(url: str) -> str:
    u = url.strip().rstrip(_TRAIL).lower()
    u = re.sub(r"^https?://", "", u)
    u = u.removeprefix("www.")
    return u.rstrip("/")


def urls(text: str) -> list[str]:
    """URLs and bare domain names ("dichvucong.gov.vn/abc"), normalised (no scheme, no www., lower case)."""
    return [n for n in (_norm_url(m.group()) for m in _URL.finditer(text)) if n]


def _host(norm_url: str) -> str:
    return norm_url.split("/", 1)[0].split(":", 1)[0]


def is_official(norm_url: str, domains: Sequence[str]) -> bool:
    host = _host(norm_url)
    return any(host == d or host.endswith("." + d) for d in domains)


def _without(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(" ", text)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _short(s: str) -> str:
    d = _digits(s)
    return d.lstrip("0") or "0"


def is_phone_like(digits: str) -> bool:
    """A Vietnamese phone or hotline number: 0…/84… with 9–11 digits, or 1800/1900 numbers."""
    return (digits.startswith(("0", "84")) and 9 <= len(digits) <= 12) or (
        digits.startswith(("1800", "1900")) and 8 <= len(digits) <= 10)


@dataclass(frozen=True)
class _Facts:
    """What a set of passages contains: normalised text (for URLs), long digit strings and short numbers."""

    text: str
    long: frozenset[str]
    short: frozenset[str]

    @classmethod
    def of(cls, passages: Sequence[str]) -> _Facts:
        joined = "\n".join(passages)
        text = " ".join(urls(joined)) + "\n" + re.sub(r"https?://(www\.)?", "", joined.lower())
        long: set[str] = set()
        for m in _LONG.finditer(joined):  # "1900 0368 24/7" also yields "19000368": every run of groups
            groups = [g for g in re.split(r"[ .\-]", m.group().lstrip("+")) if g]
            long |= {"".join(groups[i:j]) for i in range(len(groups)) for j in range(i + 1, len(groups) + 1)}
        short = {_short(m.group()) for m in _NUMBER.finditer(joined)}
        short |= {_short(m) for m in re.findall(r"\d+", joined)}
        return cls(text, frozenset(long), frozenset(short))

    def has_long(self, digits: str) -> bool:
        return digits in self.long


def _claims(text: str) -> tuple[list[str], list[str], list[str]]:
    """(urls and e-mail addresses, long digit strings, short numbers) stated in an answer; citations and step
    numbers excluded."""
    emails = [m.group().lower() for m in _EMAIL.finditer(text)]
    rest = _without(text, _EMAIL)
    found_urls = emails + urls(rest)
    rest = _without(_without(rest, _CITATION), _URL)
    rest = _STEP.sub(r"\1", rest)
    longs = [_digits(m.group()) for m in _LONG.finditer(rest)]
    rest = _without(rest, _LONG)
    shorts = [_short(m.group()) for m in _NUMBER.finditer(rest)]
    return found_urls, longs, shorts


def _check_claims(text: str, facts: _Facts, domains: Sequence[str]) -> tuple[str, str]:
    found_urls, longs, shorts = _claims(text)
    for u in found_urls:
        if u not in facts.text:
            return UNGROUNDED_URL, u
        if domains and "@" not in u and not is_official(u, domains):
            return UNOFFICIAL_URL, u
    for d in longs:
        if not facts.has_long(d):
            return (UNGROUNDED_PHONE if is_phone_like(d) else UNGROUNDED_NUMBER), d
    for n in shorts:
        if n not in facts.short:
            return UNGROUNDED_NUMBER, n
    return "", ""


def check_answer(text: str, passages: Sequence[str], *, official_domains: Sequence[str] = (),
                 max_chars: int = 0) -> Verdict:
    """Check a generated answer against the passages it was given (passage i is cited as [i+1]).

    The refusal marker is not handled here (see `is_refusal`). Returns a failing `Verdict` with the first
    problem found: empty, no_citation, bad_citation, too_long, ungrounded_url, unofficial_url,
    ungrounded_phone, ungrounded_number or unsupported_text (more than 40% of the content words, or more
    than half of one line's, absent from the cited passages: bot/core/answering/injection.py).
    """
    body = text.strip()
    if not body:
        return Verdict(False, EMPTY)
    cited = citations(body)
    if not cited:
        return Verdict(False, NO_CITATION)
    bad = [n for n in cited if not 1 <= n <= len(passages)]
    if bad:
        return Verdict(False, BAD_CITATION, detail=str(bad[0]))
    order = tuple(dict.fromkeys(cited))
    if max_chars and len(body) > max_chars:
        return Verdict(False, TOO_LONG, order, str(len(body)))
    cited_passages = [passages[n - 1] for n in order]
    reason, detail = _check_claims(body, _Facts.of(cited_passages), official_domains)
    if reason:
        return Verdict(False, reason, order, detail)
    danger = unsafe_advice(body)
    if danger:
        return Verdict(False, UNSAFE_ADVICE, order, danger[:200])
    share, worst = unsupported_share(body, cited_passages)
    if share > MAX_UNSUPPORTED:
        return Verdict(False, UNSUPPORTED_TEXT, order, worst[:200])
    return Verdict(True, "", order)


def renumber(text: str, order: Sequence[int]) -> str:
    """Rewrite citations so that the first cited passage is [1], the second [2] … (`order` from a Verdict)."""
    mapping = {old: new for new, old in enumerate(order, start=1)}

    def repl(m: re.Match[str]) -> str:
        nums = list(dict.fromkeys(mapping.get(n, n) for n in citations(m.group())))
        return "[" + ", ".join(str(n) for n in nums) + "]"

    return _CITATION.sub(repl, text)


class StreamGuard:
    """Lets a streamed answer through line by line, holding back a line until it is complete and stopping
    for good at the first line that cites an unknown passage, states a URL, phone number or number absent
    from every given passage, or carries the refusal marker. The checked final answer replaces the stream."""

    def __init__(self, passages: Sequence[str], *, official_domains: Sequence[str] = ()) -> None:
        self._n = len(passages)
        self._passages = tuple(passages)
        self._facts = _Facts.of(passages)
        self._domains = tuple(official_domains)
        self._pending = ""
        self.stopped = False

    def feed(self, delta: str) -> str:
        """Add model text; return the text that may be shown now ("" while a line is incomplete)."""
        if self.stopped:
            return ""
        self._pending += delta
        if "\n" not in self._pending:
            return ""
        ready, _, self._pending = self._pending.rpartition("\n")
        out: list[str] = []
        for line in (ready + "\n").splitlines(keepends=True):
            if not self._line_ok(line):
                self.stopped = True
                break
            out.append(line)
        return "".join(out)

    def _line_ok(self, line: str) -> bool:
        if is_refusal(line):
            return False
        if any(not 1 <= n <= self._n for n in citations(line)):
            return False
        reason, _ = _check_claims(line, self._facts, self._domains)
        return not reason and not unsafe_advice(line) and unsupported_share(line, self._passages)[0] <= 0.5
