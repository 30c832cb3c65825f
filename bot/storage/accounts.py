"""Accounts of volunteers, editors, viewers and admins: argon2 password hashes, server-side sessions
(only a hash of the cookie token is stored, so a database leak gives no live session), and one-time
codes that link a volunteer's Telegram chat."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import Invalid
from bot.storage.passwords import password_problem
from bot.storage.tables.accounts import SessionRow, UserCommuneRow, UserRow
from bot.storage.tables.base import utcnow

ROLES = ("admin", "editor", "volunteer", "viewer")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


class AccountError(Invalid):
    """A request about accounts that cannot be done as asked (message is safe to show)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: str
    communes: tuple[str, ...]
    province_level: bool
    available: bool
    disabled: bool
    telegram_linked: bool

    @property
    def sees_all_communes(self) -> bool:
        return self.province_level or self.role == "admin"


@dataclass(frozen=True)
class LoginSession:
    token: str  # the cookie value, only ever known to the browser
    csrf_token: str
    user: User
    expires_at: datetime


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(d: datetime | None) -> datetime | None:
    from datetime import UTC

    return d.replace(tzinfo=UTC) if d is not None and d.tzinfo is None else d


def validate_password(password: str, *, username: str = "") -> None:
    """Raises AccountError with the reason when the password breaks the policy (bot/storage/passwords.py)."""
    problem = password_problem(password, username=username)
    if problem:
        raise AccountError(problem)


class Accounts:
    def __init__(self, sessions: sessionmaker[Session], *, session_hours: float = 12.0,
                 hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None
        self.sessions = sessions
        self.session_hours = session_hours

    # ---- users -----------------------------------------------------------------------------------
    @staticmethod
    def _user(s: Session, r: UserRow) -> User:
        communes = tuple(sorted(s.scalars(select(UserCommuneRow.commune).where(UserCommuneRow.user_id == r.id))))
        return User(r.id, r.username, r.display_name or r.username, r.role, communes, bool(r.province_level),
                    bool(r.available), bool(r.disabled), r.telegram_chat_id is not None)

    def add_user(self, username: str, password: str, *, role: str, communes: list[str] | None = None,
                 display_name: str = "", province_level: bool = False) -> User:
        username = username.strip().lower()
        if not _USERNAME.match(username):
            raise AccountError("username: 3-64 characters, lower-case letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        validate_password(password, username=username)
        codes = sorted({c.strip().zfill(5) for c in communes or [] if c.strip()})
        if any(not c.isdigit() or len(c) != 5 for c in codes):
            raise AccountError("commune codes are the official 5-digit codes, e.g. 02269")
        now = utcnow()
        try:
            with self.sessions.begin() as s:
                r = UserRow(username=username, display_name=display_name.strip()[:120] or username, role=role,
                            password_hash=self._hasher.hash(password), province_level=province_level, disabled=False,
                            available=True, created_at=now, updated_at=now)
                s.add(r)
                s.flush()
                for c in codes:
                    s.add(UserCommuneRow(user_id=r.id, commune=c))
                s.flush()
                return self._user(s, r)
        except IntegrityError:
            raise AccountError(f"user {username!r} already exists") from None

    def get(self, user_id: int) -> User | None:
        with self.sessions() as s:
            r = s.get(UserRow, user_id)
            return self._user(s, r) if r is not None else None

    def by_username(self, username: str) -> User | None:
        with self.sessions() as s:
            r = s.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
            return self._user(s, r) if r is not None else None

    def list_users(self) -> list[User]:
        with self.sessions() as s:
            return [self._user(s, r) for r in s.scalars(select(UserRow).order_by(UserRow.username))]

    def set_password(self, user_id: int, password: str) -> None:
        with self.sessions.begin() as s:
            r = s.get(UserRow, user_id)
            if r is None:
                raise AccountError("no such user")
            validate_password(password, username=r.username)
            r.password_hash, r.updated_at = self._hasher.hash(password), utcnow()
            s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))

    def set_disabled(self, user_id: int, disabled: bool) -> None:
        with self.sessions.begin() as s:
            r = s.get(UserRow, user_id)
            if r is None:
                raise AccountError("no such user")
            r.disabled, r.updated_at = disabled, utcnow()
            if disabled:
                s.execute(delete(SessionRow).where(SessionRow.user_id == user_id))

    def set_communes(self, user_id: int, communes: list[str]) -> None:
        codes = sorted({c.strip().zfill(5) for c in communes if c.strip()})
        if any(not c.isdigit() or len(c) != 5 for c in codes):
            raise AccountError("commune codes are the official 5-digit codes, e.g. 02269")
        with self.sessions.begin() as s:
            s.execute(delete(UserCommuneRow).where(UserCommuneRow.user_id == user_id))
            for c in codes:
                s.add(UserCommuneRow(user_id=user_id, commune=c))

    def set_available(self, user_id: int, available: bool) -> None:
        with self.sessions.begin() as s:
            r = s.get(UserRow, user_id)
            if r is not None:
                r.available, r.updated_at = available, utcnow()

    # ---- login sessions --------------------------------------------------------------------------
    def _dummy_hash(self) -> str:
        """Verifying against this keeps a login for an unknown user as slow as one for a known user
        (made on the first such login, not at import: every CLI command and process start imports this)."""
        if self._dummy is None:
            self._dummy = self._hasher.hash("binhdan-dummy-password")
        return self._dummy

    def login(self, username: str, password: str) -> LoginSession | None:
        """A new session for valid credentials of an enabled user; None otherwise (same time either way)."""
        with self.sessions() as s:
            r = s.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
            stored = r.password_hash if r is not None else self._dummy_hash()
            try:
                self._hasher.verify(stored, password)
                ok = r is not None and not r.disabled
            except (VerificationError, InvalidHashError):
                ok = False
            if not ok or r is None:
                return None
            user_id, rehash = r.id, self._hasher.check_needs_rehash(stored)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        now = utcnow()
        expires = now + timedelta(hours=self.session_hours)
        with self.sessions.begin() as s:
            s.add(SessionRow(token_hash=_sha(token), user_id=user_id, csrf_token=csrf, created_at=now,
                             expires_at=expires))
            s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            if rehash:
                u = s.get(UserRow, user_id)
                if u is not None:
                    u.password_hash = self._hasher.hash(password)
        user = self.get(user_id)
        assert user is not None
        return LoginSession(token, csrf, user, expires)

    def session(self, token: str) -> tuple[User, str] | None:
        """(user, csrf token) of a live session cookie, or None."""
        if not token or len(token) > 200:
            return None
        with self.sessions() as s:
            row = s.get(SessionRow, _sha(token))
            if row is None or (_aware(row.expires_at) or utcnow()) < utcnow():
                return None
            u = s.get(UserRow, row.user_id)
            if u is None or u.disabled:
                return None
            return self._user(s, u), row.csrf_token

    def logout(self, token: str) -> None:
        with self.sessions.begin() as s:
            s.execute(delete(SessionRow).where(SessionRow.token_hash == _sha(token)))

    # ---- Telegram linking ------------------------------------------------------------------------
    def new_link_code(self, user_id: int, *, minutes: int = 15) -> str:
        """A one-time code the volunteer sends to the bot as `/link CODE` (only its hash is stored)."""
        code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
        with self.sessions.begin() as s:
            r = s.get(UserRow, user_id)
            if r is None:
                raise AccountError("no such user")
            r.link_code_hash, r.link_code_expires = _sha(code), utcnow() + timedelta(minutes=minutes)
        return code

    def link_telegram(self, code: str, chat_id: str) -> User | None:
        """Link the chat to the user whose live code this is; the code is spent. None for a bad code."""
        code = code.strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{6,12}", code):
            return None
        with self.sessions.begin() as s:
            r = s.scalar(select(UserRow).where(UserRow.link_code_hash == _sha(code)))
            if r is None or r.disabled or (_aware(r.link_code_expires) or utcnow()) < utcnow():
                return None
            other = s.scalar(select(UserRow).where(UserRow.telegram_chat_id == chat_id, UserRow.id != r.id))
            if other is not None:
                other.telegram_chat_id = None
                s.flush()
            r.telegram_chat_id, r.link_code_hash, r.link_code_expires = chat_id, None, None
            s.flush()
            return self._user(s, r)

    def by_telegram(self, chat_id: str) -> User | None:
        with self.sessions() as s:
            r = s.scalar(select(UserRow).where(UserRow.telegram_chat_id == chat_id, UserRow.disabled.is_(False)))
            return self._user(s, r) if r is not None else None
