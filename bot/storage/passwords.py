"""The password policy for staff accounts (volunteers, editors, viewers, admins), applied wherever a
password is set: `binhdan user add`, the admin users page and API, a password reset.

At least 12 characters, not only whitespace, not one of the 30,000 most common passwords of zxcvbn's
list (case-insensitive, also with the digits and symbols at its ends removed), and not trivially guessable
by zxcvbn's estimate (score ≥ 2: "aaaaaaaaaaaa", "123456789012", "qwertyuiop12" are refused). Messages are
Vietnamese first, English second (admins read them in the console, the CLI prints them)."""

from __future__ import annotations

import re
from functools import lru_cache

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 2


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, username: str = "") -> str:
    """Why the password is refused ("" when it is acceptable)."""
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu quá dài (tối đa {MAX_LENGTH} ký tự) / password is too long (at most {MAX_LENGTH} characters)"
    if not password.strip():
        return "Mật khẩu không được chỉ có dấu cách / password must not be only whitespace"
    if len(password) < MIN_LENGTH:
        return (f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự / password must have at least {MIN_LENGTH} characters")
    low = password.strip().lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", low)
    squeezed = re.sub(r"\s+", "", low)
    if low in _common() or squeezed in _common() or (len(core) >= 6 and core in _common() and len(low) - len(core) <= 6):
        return "Mật khẩu này quá phổ biến, dễ bị đoán / password is too common"
    if len(username.strip()) >= 4 and username.strip().lower() in low:
        return "Mật khẩu không được chứa tên đăng nhập / password must not contain the username"
    from zxcvbn import zxcvbn

    if int(zxcvbn(password[:100], user_inputs=[username] if username else [])["score"]) < MIN_SCORE:
        return "Mật khẩu quá dễ đoán (ví dụ lặp lại, dãy phím) / password is too easy to guess"
    return ""
