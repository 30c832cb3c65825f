"""Bounded JSON for webhook bodies: a nesting-depth check on the raw bytes before `json.loads`, so a
hostile body (authenticated or not) can never reach the parser's recursion limit and give a 500."""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


class PayloadError(ValueError):
    """A body that is not a JSON object within the limits (the message is safe to log)."""


def json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in `raw` (brackets inside strings do not count)."""
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if m.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def load_object(raw: bytes, *, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """The JSON object in `raw`. Raises PayloadError when it is nested deeper than `max_depth`, is not
    JSON, or is not an object."""
    if json_depth(raw) > max_depth:
        raise PayloadError(f"JSON nested deeper than {max_depth}")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise PayloadError(f"not JSON ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise PayloadError("not a JSON object")
    return data
