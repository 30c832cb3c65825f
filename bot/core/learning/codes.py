"""Learner codes ("HV-XXXX-XXXX", typed on another device to resume) and certificate codes
("XXXX-XXXX-XXXX", printed on the certificate and checked at /verify): Crockford base 32, look-alikes
mapped when typed."""

from __future__ import annotations

import re
import secrets

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LEARNER_CODE = re.compile(r"^\s*(?:/hoc\s+)?HV[\s-]*([0-9A-Za-z]{4})[\s-]*([0-9A-Za-z]{4})\s*$", re.IGNORECASE)


def _random(n: int) -> str:
    return "".join(secrets.choice(_CROCKFORD) for _ in range(n))


def _canon(text: str) -> str:
    """Upper case, Crockford look-alikes mapped (O→0, I/L→1), separators dropped."""
    return re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("OILU", "011V"))


def new_learner_code() -> str:
    """"HV-XXXX-XXXX": 40 random bits, typed on another device to resume there."""
    c = _random(8)
    return f"HV-{c[:4]}-{c[4:]}"


def parse_learner_code(text: str) -> str | None:
    m = _LEARNER_CODE.match(text)
    if not m:
        return None
    c = _canon(m.group(1) + m.group(2))
    return f"HV-{c[:4]}-{c[4:]}" if all(ch in _CROCKFORD for ch in c) else None


def new_certificate_code() -> str:
    """"XXXX-XXXX-XXXX": 60 random bits, stored with the certificate; anything else does not verify."""
    c = _random(12)
    return f"{c[:4]}-{c[4:8]}-{c[8:]}"


def normalize_certificate_code(text: str) -> str | None:
    c = _canon(text)
    if len(c) != 12 or any(ch not in _CROCKFORD for ch in c):
        return None
    return f"{c[:4]}-{c[4:8]}-{c[8:]}"
