"""Hand-off that people can trust (issue 22): the business rules around a volunteer ticket, pure.

- `schedule`  team hours and days off, next time the team is available (Asia/Ho_Chi_Minh by default)
- `queue`     place in the queue, wait estimate from recent figures, when a new position is worth telling
- `presence`  volunteer availability (available / busy / away), typing debounce, read receipts
- `csat`      the 1–5 satisfaction question, low-score review items, per-group summaries and weekly trend
- `snippets`  quick replies (team-wide and personal), tone-tolerant search, "send a guide" text
- `files`     attachment checks: magic bytes, size, allowed kinds, unguessable ids
- `chat`      what the citizen's conversation does with all of this (`HelpdeskChat`)
- `ports`     what the chat needs from storage (`HelpdeskStore`)

Its sentences (`hx_*`) are in the texts catalogue, bot/core/texts/vi_handoff.py and en_handoff.py. It stays
beside bot.core.handoff (not inside): it builds on tickets but has its own port and store, and the
ticket lifecycle does not depend on it.
"""
