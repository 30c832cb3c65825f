"""Web-chat sessions are issued by the server, never chosen by the client (issue 25, finding 3).

A session token is a bearer key: 24 random bytes (192 bits) from `secrets`, URL-safe base64. The browser
keeps it in an HttpOnly cookie; curl users send it as the `X-Chat-Session` header. The server stores only
`token_hash` (SHA-256), so a database leak gives no live session, and the conversation is keyed by
`user_ref_for(token)`, a second one-way derivation — neither the tickets, the inbox nor the logs ever hold
the token itself.
"""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 24  # 192 bits of entropy (the requirement is >= 128)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


def new_token() -> str:
    """A fresh session token (32 URL-safe characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    """True when `token` has the shape of an issued token (cheap check before any lookup)."""
    return bool(_TOKEN.match(token or ""))


def token_hash(token: str) -> str:
    """What the database keeps instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def user_ref_for(token: str) -> str:
    """The conversation's `user_ref` on the web channel: derived from the token with its own prefix, so it
    is neither the token nor its stored hash, and knowing it does not let anyone act as the session."""
    return "w" + hashlib.sha256(b"binhdan-web-user-ref\x00" + token.encode()).hexdigest()[:31]
