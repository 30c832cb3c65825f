"""The report of `binhdan kb check` and the small helpers every rule shares: official domains, the source
denylist, URL and date parsing, tone-insensitive folding."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.core.text import fold


@dataclass
class Report:
    """Errors fail the check; warnings do not. Each message ends with its rule tag (`[facts]`), and
    `by_rule` counts the messages per rule so editors can track what is left to fix."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    quiz: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, rule: str, message: str) -> None:
        self.errors.append(f"{message} [{rule}]")
        self.by_rule[f"error:{rule}"] += 1

    def warn(self, rule: str, message: str) -> None:
        self.warnings.append(f"{message} [{rule}]")
        self.by_rule[f"warning:{rule}"] += 1

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": self.errors, "warnings": self.warnings, "counts": dict(self.counts),
                "by_rule": dict(sorted(self.by_rule.items())), "quiz": self.quiz}


def load_domain_list(path: Path, default: list[str] | None = None) -> list[str]:
    """One domain per line, `#` starts a comment."""
    if not path.exists():
        return list(default or [])
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = line.split("#", 1)[0].strip().lower()
        if d:
            out.append(d)
    return out


def load_official_domains(path: Path) -> list[str]:
    return load_domain_list(path, ["gov.vn"])


def host_matches(host: str, domains: list[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one."""
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return any(host == d or host.endswith("." + d) for d in domains)


def is_official(url: str, domains: list[str]) -> bool:
    return host_matches(urlparse(url).hostname or "", domains)


def _looks_reachable(url: str) -> bool:
    p = urlparse(url)
    return p.scheme in ("https", "http") and bool(p.hostname) and "." in (p.hostname or "") and " " not in url


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


CODE_HOSTS = ["github.com", "gitlab.com", "bitbucket.org", "githubusercontent.com", "github.io", "gitee.com",
              "sourceforge.net", "codeberg.org", "gist.github.com"]
_NON_PRODUCTION = re.compile(r"^(alpha|beta|test|testing|staging|stage|dev|develop|uat|demo|sandbox|preprod|qa)\d*$")


def non_production(host: str) -> bool:
    """An alpha/beta/test/staging/dev/uat/demo subdomain (any label left of the last two)."""
    labels = host.lower().split(".")
    return any(_NON_PRODUCTION.match(label) for label in labels[:-2])


def source_problem(url: str, denylist: list[str]) -> str:
    """Why a well-formed source URL is not acceptable, or ''."""
    host = (urlparse(url).hostname or "").lower()
    if is_ip(host):
        return "is a bare IP address"
    if host_matches(host, CODE_HOSTS):
        return "is a code-hosting copy (use the publisher's own page)"
    if non_production(host):
        return "is a non-production (alpha/beta/test/dev…) subdomain"
    if host_matches(host, denylist):
        return "is on knowledge/source_denylist.txt (a shop blog or homework site)"
    return ""


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28,
            31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(d.day, days))


def folded(text: str) -> str:
    """Lower case without tone marks, so rules match 'Chưa kiểm chứng' and 'chua kiem chung' alike."""
    return fold(text).lower()
