"""Hand-off to human volunteers, pure: the feature's public API.

- `rules`           urgency words, service hours, wait phrases, the ticket summary, `OpenedTicket`
- `lifecycle`       ticket states and steps: who may claim, routing to the province pool, silence, expiry,
                    release, close, relay (`(ticket, …, now) -> Decision`)
- `proposals`       FAQ proposals from closed tickets: checks, grouping, review
- `metrics`         per commune / volunteer figures, the wait estimate, the metrics CSV
- `views`           what volunteers read about a ticket (`TicketView`)
- `volunteer_chat`  a linked volunteer's Telegram messages (`VolunteerChat`), over `ports`
- `errors`          `TicketError` and its 404 / 403 / 409 kinds

Storage implements the ports (bot/storage/tickets.py is the ticket repository); the helpdesk extras of
issue 22 (team schedule, queue place, presence, CSAT, snippets, files) are the sibling `bot.core.helpdesk`.
"""

from __future__ import annotations

from bot.core.handoff.errors import Conflict, Forbidden, NotFound, TicketError
from bot.core.handoff.metrics import metrics_csv
from bot.core.handoff.rules import (
    URGENT_GUIDES,
    OpenedTicket,
    ServiceHours,
    TicketSummary,
    opening_phrase,
    urgency,
    wait_phrase,
)

__all__ = ["URGENT_GUIDES", "Conflict", "Forbidden", "NotFound", "OpenedTicket", "ServiceHours", "TicketError",
           "TicketSummary", "metrics_csv", "opening_phrase", "urgency", "wait_phrase"]
