"""Quick replies for volunteers: team-wide and personal snippets, searched without minding tone marks,
and the text of "send a guide" (the guide's steps and its link, put in the reply box to edit)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.text import fold, tokens
from bot.core.texts import t

MAX_TITLE = 120
MAX_BODY = 3000


class SnippetError(ValueError):
    pass


@dataclass(frozen=True)
class Snippet:
    id: int
    title: str
    body: str
    scope: str  # team | personal
    owner_id: int | None  # the author of a personal snippet
    team: str  # commune code of a team snippet ("" = the whole province)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "body": self.body, "scope": self.scope,
                "owner_id": self.owner_id, "team": self.team}


def check(title: str, body: str, scope: str) -> tuple[str, str, str]:
    """Clean and validate a snippet's fields. Raises SnippetError."""
    title, body = " ".join(title.split()), body.strip()
    if scope not in ("team", "personal"):
        raise SnippetError("scope must be team or personal")
    if not title or len(title) > MAX_TITLE:
        raise SnippetError(f"a title of 1–{MAX_TITLE} characters is needed")
    if not body or len(body) > MAX_BODY:
        raise SnippetError(f"a text of 1–{MAX_BODY} characters is needed")
    return title, body, scope


def search(snippets: list[Snippet], query: str, *, limit: int = 20) -> list[Snippet]:
    """Snippets whose title or text hold every word of `query` (tone marks and case ignored; a word may be
    the start of a longer one: "mk" finds nothing, "mat kh" finds "mật khẩu"). Title hits first; an empty
    query lists them all, personal ones first."""
    words = tokens(fold(query))
    if not words:
        return sorted(snippets, key=lambda s: (s.scope != "personal", s.title.lower()))[:limit]
    scored: list[tuple[int, str, Snippet]] = []
    for s in snippets:
        title, body = tokens(fold(s.title)), tokens(fold(s.body))
        in_title = sum(1 for w in words if any(x.startswith(w) for x in title))
        in_any = sum(1 for w in words if any(x.startswith(w) for x in title + body))
        if in_any == len(words):
            scored.append((-in_title, s.title.lower(), s))
    return [s for _, _, s in sorted(scored, key=lambda x: (x[0], x[1]))][:limit]


def guide_text(title: str, body: str, url: str, *, max_chars: int = 2500) -> str:
    """The reply-box text for "send a guide": the guide's title, its steps, and the link to read more.
    Steps are never cut in the middle: a guide longer than `max_chars` keeps whole lines only."""
    lines = [ln.rstrip() for ln in body.strip().splitlines()]
    kept: list[str] = []
    size = len(title) + len(url) + 20
    for ln in lines:
        if size + len(ln) + 1 > max_chars:
            break
        kept.append(ln)
        size += len(ln) + 1
    text = f"{title}\n\n" + "\n".join(kept).strip()
    return text + ("\n\n" + t("vi", "hx_see_also", url=url) if url else "")
