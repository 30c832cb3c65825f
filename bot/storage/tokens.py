"""Persisted OAuth tokens of the channels (Zalo OA's access/refresh pair), held across processes while
one of them refreshes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.tables.base import aware, utcnow
from bot.storage.tables.messaging import ChannelTokenRow


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str
    expires_at: datetime


class TokenStore:
    """Persisted OAuth tokens; `save` commits before the new access token is used."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get(self, name: str) -> Token | None:
        with self.sessions() as s:
            r = s.get(ChannelTokenRow, name)
            if r is None:
                return None
            return Token(r.access_token, r.refresh_token, aware(r.expires_at) or utcnow())

    @contextmanager
    def exclusive(self, name: str) -> Iterator[HeldToken]:
        """Hold the token across processes until the block ends (the OAuth refresh runs inside it): an
        UPDATE that changes nothing takes the row's write lock on PostgreSQL and the database's write lock
        on SQLite, both held until commit. A second process waits here, then sees the refreshed pair."""
        with self.sessions.begin() as s:
            s.execute(update(ChannelTokenRow).where(ChannelTokenRow.name == name)
                      .values(updated_at=ChannelTokenRow.updated_at))
            r = s.get(ChannelTokenRow, name, populate_existing=True)
            current = Token(r.access_token, r.refresh_token, aware(r.expires_at) or utcnow()) if r else None
            yield HeldToken(s, name, current)

    def save(self, name: str, token: Token) -> None:
        with self.sessions.begin() as s:
            _save_token(s, name, token)


class HeldToken:
    """A token row held by `TokenStore.exclusive`: read it, and save the rotated pair in the same transaction."""

    def __init__(self, session: Session, name: str, token: Token | None) -> None:
        self._session, self.name, self.token = session, name, token

    def save(self, token: Token) -> None:
        _save_token(self._session, self.name, token)
        self._session.flush()
        self.token = token


def _save_token(s: Session, name: str, token: Token) -> None:
    r = s.get(ChannelTokenRow, name)
    if r is None:
        r = ChannelTokenRow(name=name)
        s.add(r)
    r.access_token, r.refresh_token, r.expires_at, r.updated_at = (
        token.access_token, token.refresh_token, token.expires_at, utcnow())
