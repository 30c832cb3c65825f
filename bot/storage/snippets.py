"""Quick-reply snippets in the database (issue 22): team-wide (a commune's, or "" for the whole province)
and personal. Everyone sees their personal snippets and their teams' ones; personal snippets are changed
by their owner only, team snippets by admins and team leads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.errors import Forbidden, Invalid, NotFound
from bot.core.helpdesk.snippets import Snippet, SnippetError, check, search
from bot.core.text import fold
from bot.storage.accounts import User
from bot.storage.tables.helpdesk import SnippetRow
from bot.storage.tables.knowledge import DocumentRow


class SqlSnippets:
    def __init__(self, sessions: sessionmaker[Session], *, is_lead: Callable[[int], bool],
                 clock: Callable[[], datetime] | None = None) -> None:
        self.sessions = sessions
        self.is_lead = is_lead
        self.clock = clock or (lambda: datetime.now(UTC))

    @staticmethod
    def _view(r: SnippetRow) -> Snippet:
        return Snippet(r.id, r.title, r.body, r.scope, r.owner_id, r.team)

    def _visible(self, user: User) -> list[Snippet]:
        with self.sessions() as s:
            teams = (SnippetRow.scope == "team") if user.sees_all_communes else (
                (SnippetRow.scope == "team") & SnippetRow.team.in_(["", *user.communes]))
            q = select(SnippetRow).where(or_((SnippetRow.scope == "personal") & (SnippetRow.owner_id == user.id), teams))
            return [self._view(r) for r in s.scalars(q)]

    def find(self, user: User, query: str = "", *, limit: int = 20) -> list[Snippet]:
        return search(self._visible(user), query, limit=limit)

    def _may_edit(self, user: User, scope: str, owner_id: int | None, team: str) -> None:
        if scope == "personal":
            if owner_id != user.id:
                raise Forbidden("a personal snippet is changed by its owner only")
            return
        if user.role == "admin":
            return
        if not self.is_lead(user.id) or (team and team not in user.communes and not user.sees_all_communes) \
                or (not team and not user.sees_all_communes):
            raise Forbidden("team snippets are changed by admins and team leads")

    def create(self, user: User, *, title: str, body: str, scope: str, team: str = "") -> Snippet:
        try:
            title, body, scope = check(title, body, scope)
        except SnippetError as exc:
            raise Invalid(str(exc)) from None
        team = team.strip()[:20] if scope == "team" else ""
        self._may_edit(user, scope, user.id if scope == "personal" else None, team)
        now = self.clock()
        with self.sessions.begin() as s:
            row = SnippetRow(title=title, body=body, scope=scope, owner_id=user.id if scope == "personal" else None,
                             team=team, created_at=now, updated_at=now)
            s.add(row)
            s.flush()
            return self._view(row)

    def update(self, user: User, snippet_id: int, *, title: str, body: str) -> Snippet:
        with self.sessions.begin() as s:
            row = s.get(SnippetRow, snippet_id)
            if row is None:
                raise NotFound("no such snippet")
            self._may_edit(user, row.scope, row.owner_id, row.team)
            try:
                row.title, row.body, _ = check(title, body, row.scope)
            except SnippetError as exc:
                raise Invalid(str(exc)) from None
            row.updated_at = self.clock()
            return self._view(row)

    def delete(self, user: User, snippet_id: int) -> None:
        with self.sessions.begin() as s:
            row = s.get(SnippetRow, snippet_id)
            if row is None:
                raise NotFound("no such snippet")
            self._may_edit(user, row.scope, row.owner_id, row.team)
            s.delete(row)

    def guides(self, query: str, *, limit: int = 10) -> list[dict[str, str]]:
        """Guides of the catalogue whose title holds every word of `query` (tone marks ignored)."""
        words = fold(query).split()
        with self.sessions() as s:
            rows = list(s.execute(select(DocumentRow.id, DocumentRow.title, DocumentRow.topic)))
        out = [{"doc_id": d, "title": t, "topic": tp} for d, t, tp in rows
               if all(w in fold(t) or w in d for w in words)]
        return sorted(out, key=lambda x: (x["doc_id"].endswith("-en"), x["title"]))[:limit]
