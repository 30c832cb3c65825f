"""Scam checker for messages, links and phone numbers that citizens forward (issue 20)."""

from bot.core.scamcheck.checker import (
    DANGER,
    NO_SIGNS,
    OFFICIAL,
    SUSPICIOUS,
    CheckResult,
    Reason,
    ScamChecker,
    ScamLists,
)

__all__ = ["DANGER", "NO_SIGNS", "OFFICIAL", "SUSPICIOUS", "CheckResult", "Reason", "ScamChecker", "ScamLists"]
