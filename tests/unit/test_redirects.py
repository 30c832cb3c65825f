"""Issue 25, finding 2: the log-in page's `next` accepts only plain same-site paths."""

from __future__ import annotations

import pytest

from bot.core.redirects import safe_next
from tests.redirect_cases import OPEN_REDIRECTS, SAME_SITE


@pytest.mark.parametrize("value", OPEN_REDIRECTS)
def test_off_site_or_ambiguous_next_is_refused(value: str) -> None:
    assert safe_next(value) is None


@pytest.mark.parametrize("value", SAME_SITE)
def test_plain_same_site_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value
