"""Issue 25, finding 2: the log-in page's `next` accepts only plain same-site paths."""

from __future__ import annotations

import pytest

from bot.core.redirects import safe_next

# every one of these leaves the site (or could, in some browser) if used as a redirect target
OPEN_REDIRECTS = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "%2F%2Fevil.example",
    "/%2F/evil.example", "/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/%0A/evil.example",
    "/%0D/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "https://evil.example", "http:evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "/\uff0fevil.example", "/\u2215evil.example",
    "/\u2044evil.example", "/%EF%BC%8Fevil.example", "/%252F%252Fevil.example", "/%25252F/evil.example",
    " /admin", "/ /evil.example", "/%20/evil.example", "evil.example", "", "/%FF", "/\x00/evil", "/%00/evil",
    "/\u00a0/evil.example", "/\u200b/evil.example", "/" + "a" * 2100,
]
SAME_SITE = ["/admin", "/admin/kb", "/volunteer", "/admin/users?role=editor", "/admin/kb#drafts", "/verify/ABC-123"]


@pytest.mark.parametrize("value", OPEN_REDIRECTS)
def test_off_site_or_ambiguous_next_is_refused(value: str) -> None:
    assert safe_next(value) is None


@pytest.mark.parametrize("value", SAME_SITE)
def test_plain_same_site_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value
