"""Where the log-in page may send the browser afterwards (issue 25, finding 2: open redirect).

Only a path on this site is accepted: exactly one leading `/`, no second `/` or `\\` right after it, no
backslash anywhere, no control, whitespace or non-ASCII character, no scheme or host — checked on the value
and on every percent-decoding of it until it no longer changes (browsers strip tabs and newlines from URLs
and treat `\\` like `/`, so `/%09/evil.example` and `/\\evil.example` leave the site). Anything else is
refused, and the caller sends the user to their role's home page. `bot/web/static/admin/login.js` applies
the same rule in the browser.
"""

from __future__ import annotations

from urllib.parse import unquote

MAX_LEN = 2000
_MAX_ROUNDS = 10


def _plain_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    # printable ASCII only (no control, whitespace or unicode slash) and no backslash
    return "\\" not in value and all("\x21" <= ch <= "\x7e" for ch in value)


def safe_next(value: str | None) -> str | None:
    """`value` when it is a same-origin path that is safe to redirect to, else None."""
    if not value or len(value) > MAX_LEN:
        return None
    current = value
    for _ in range(_MAX_ROUNDS):
        if not _plain_path(current):
            return None
        try:
            decoded = unquote(current, errors="strict") if "%" in current else current
        except UnicodeDecodeError:  # bytes that are not UTF-8: not a path of ours
            return None
        if decoded == current:
            return value
        current = decoded
    return None  # still changing after many rounds: not a path a page of ours would produce
