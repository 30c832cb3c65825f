"""The "stale" report of the admin console: guides not reviewed for `knowledge.stale_after_days`, facts
whose `check_by` date has passed (front matter `facts:`), and source links known to be broken.

The link checker runs offline against a list of known-bad URLs (one per line, `#` comments), which
`binhdan kb links --online` refreshes when the machine may go online; a malformed URL is always broken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ingest.kbcheck.report import _looks_reachable


def normalize_url(url: str) -> str:
    p = urlsplit(url.strip())
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path.rstrip("/"), p.query, ""))


def load_bad_urls(path: Path) -> set[str]:
    if not path.exists():
        return set()
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        u = line.split("#", 1)[0].strip()
        if u:
            out.add(normalize_url(u))
    return out


def save_bad_urls(path: Path, urls: Iterable[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"{u}\n" for u in sorted({normalize_url(u) for u in urls}))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("# source links found broken by `binhdan kb links --online` (one per line)\n" + body,
                   encoding="utf-8")
    tmp.replace(path)


def broken_links(urls: Iterable[str], bad: set[str]) -> list[str]:
    return [u for u in urls if not _looks_reachable(u) or normalize_url(u) in bad]


def _reviewed(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def document_urls(meta: dict[str, object], url: str) -> list[str]:
    sources = meta.get("sources")
    urls = [str(u) for u in sources] if isinstance(sources, list) else []
    return urls or ([url] if url else [])


def facts_due(meta: dict[str, object], today: dt.date) -> list[dict[str, str]]:
    """The document's facts whose check_by date has passed (or is not a date), oldest first."""
    facts = meta.get("facts")
    due = []
    for f in facts if isinstance(facts, list) else []:
        if not isinstance(f, dict):
            continue
        by = _reviewed(f.get("check_by"))
        if by is None or by < today:
            due.append({"text": str(f.get("text", "")), "kind": str(f.get("kind", "")),
                        "source": str(f.get("source", "")), "check_by": by.isoformat() if by else ""})
    return sorted(due, key=lambda f: f["check_by"])


def stale_report(documents: Iterable[Any], *, today: dt.date, stale_after_days: int,
                 bad_urls: set[str]) -> list[dict[str, object]]:
    """One row per document that is stale (a guide reviewed too long ago, or never), has a fact past its
    check_by date, or has a broken link."""
    rows: list[dict[str, object]] = []
    for d in documents:
        reviewed = _reviewed(d.meta.get("reviewed_on")) if d.kind == "guide" else None
        age = (today - reviewed).days if reviewed else None
        stale = d.kind == "guide" and (age is None or age > stale_after_days)
        broken = broken_links(document_urls(d.meta, d.url), bad_urls)
        due = facts_due(d.meta, today)
        if stale or broken or due:
            rows.append({"id": d.id, "title": d.title, "kind": d.kind, "topic": d.topic, "lang": d.lang,
                         "reviewed_on": reviewed.isoformat() if reviewed else "", "age_days": age, "stale": stale,
                         "broken_links": broken, "facts_due": due})
    def order(r: dict[str, object]) -> tuple[bool, int, str]:
        age = r["age_days"]
        return (not r["stale"], -(age if isinstance(age, int) else 10**6) if r["stale"] else 0, str(r["id"]))

    rows.sort(key=order)
    return rows


def check_online(urls: Iterable[str], *, timeout_s: float = 10.0, client: Any = None) -> dict[str, str]:
    """url -> problem ("" when it answers below 400). Network errors count as broken."""
    import httpx

    own = client is None
    c = client or httpx.Client(timeout=timeout_s, follow_redirects=True, headers={"User-Agent": "binhdan-linkcheck"})
    out: dict[str, str] = {}
    try:
        for u in dict.fromkeys(urls):
            if not _looks_reachable(u):
                out[u] = "malformed"
                continue
            try:
                r = c.head(u)
                if r.status_code in (405, 501):
                    r = c.get(u)
                out[u] = "" if r.status_code < 400 else f"HTTP {r.status_code}"
            except httpx.HTTPError as exc:
                out[u] = exc.__class__.__name__
    finally:
        if own:
            c.close()
    return out
