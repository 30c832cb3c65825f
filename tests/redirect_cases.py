"""Targets for the log-in page's `next` (issue 25, finding 2), shared by the unit and the browser tests."""

from __future__ import annotations

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
