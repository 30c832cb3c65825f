"""A volunteer ticket's life, pure: its states, who may do what, and what each step changes and says.

    open ──claim──▶ claimed ──close / silence──▶ closed ──rate──▶ (rated)
     │  ▲             │
     │  └──release────┘            open|claimed ──cancel (citizen)──▶ cancelled
     └──expiry (never claimed)──▶ expired

- A new ticket goes to its commune's volunteers; to the province *pool* (every available volunteer) at once
  when the commune has none, else when nobody claimed it within `pool_after` (`urgent_pool_after` when urgent).
- A volunteer sees a ticket of their communes, any pooled one and any they claimed; province-level volunteers
  and admins see all. Only a visible, open ticket can be claimed; only its claimer (or an admin) may reply,
  release or close it.
- A claimed ticket whose citizen stays silent gets one reminder after `silence_remind`, then closes after
  `silence_close`; an open ticket nobody claimed expires after `expire_after`.

Every step is a function `(ticket, …, now) -> Decision`: the ticket as it is after the step, the events to
record and the messages to send (`Notice`). The repository (bot/storage/tickets.py) loads the ticket, calls
the step and writes the decision in one transaction; it raises `Conflict` when the row changed meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from bot.core.errors import DomainError
from bot.core.handoff.errors import Conflict, Forbidden, TicketError
from bot.core.handoff.rules import TicketSummary
from bot.core.messages import Button, Reply
from bot.core.texts import t

OPEN, CLAIMED, CLOSED, CANCELLED, EXPIRED = "open", "claimed", "closed", "cancelled", "expired"
ACTIVE = (OPEN, CLAIMED)
HANDLER_ROLES = ("volunteer", "admin")
MAX_REPLY = 3000
MAX_NOTE = 2000

# who a Notice goes to
CITIZEN = "citizen"  # the ticket's citizen, in their own channel
CLAIMER = "claimer"  # the volunteer who claimed the ticket (on Telegram)
COMMUNE = "commune"  # the available volunteers of the ticket's commune
POOL = "pool"  # every available volunteer of the province


class Volunteer(Protocol):
    """A volunteer or admin account as the rules see it (bot.storage.accounts.User is one)."""

    @property
    def id(self) -> int: ...
    @property
    def display_name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def communes(self) -> tuple[str, ...]: ...
    @property
    def sees_all_communes(self) -> bool: ...


@dataclass(frozen=True)
class TicketPolicy:
    """The timings of routing and silence (config `handoff.*`, overridable in the admin console)."""

    pool_after: timedelta = timedelta(minutes=10)
    urgent_pool_after: timedelta = timedelta(minutes=2)
    silence_remind: timedelta = timedelta(minutes=30)
    silence_close: timedelta = timedelta(minutes=60)
    expire_after: timedelta = timedelta(hours=72)


@dataclass(frozen=True)
class Ticket:
    """A ticket's state (times timezone-aware). `LIFECYCLE_FIELDS` are the ones a step may change."""

    id: int
    status: str
    priority: str  # normal | urgent
    reason: str
    commune: str
    channel: str
    user_ref: str | None  # None once the citizen erased their data
    lang: str
    created_at: datetime
    summary: dict[str, object] = field(default_factory=dict)
    pooled_at: datetime | None = None
    claimed_by: int | None = None
    claimed_at: datetime | None = None
    first_response_at: datetime | None = None
    last_citizen_at: datetime | None = None
    reminded_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str = ""
    close_note: str = ""
    rating: int | None = None


LIFECYCLE_FIELDS = ("status", "priority", "pooled_at", "claimed_by", "claimed_at", "first_response_at",
                    "last_citizen_at", "reminded_at", "closed_at", "close_reason", "close_note", "rating")


@dataclass(frozen=True)
class Event:
    name: str
    actor: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Notice:
    """A message a step sends: to `CITIZEN`, `CLAIMER`, `COMMUNE` or `POOL` (minus `exclude`). `raw`: it
    carries a volunteer's own words, kept as typed only until delivered."""

    to: str
    reply: Reply
    raw: bool = False
    exclude: int | None = None


@dataclass(frozen=True)
class Decision:
    ticket: Ticket
    events: tuple[Event, ...] = ()
    notices: tuple[Notice, ...] = ()
    counts: tuple[str, ...] = ()  # what the sweep did: "pooled", "expired", "reminded", "closed_silent"

    def then(self, other: Decision) -> Decision:
        return Decision(other.ticket, self.events + other.events, self.notices + other.notices,
                        self.counts + other.counts)


# ---- who may see and act -----------------------------------------------------------------------
def is_handler(volunteer: Volunteer) -> bool:
    return volunteer.role in HANDLER_ROLES


def check_handler(volunteer: Volunteer) -> None:
    if not is_handler(volunteer):
        raise Forbidden("only volunteers and admins handle tickets")


def visible(volunteer: Volunteer, ticket: Ticket) -> bool:
    """Keep in step with the list filter in SqlTicketDesk.list_for."""
    if not is_handler(volunteer):
        return False
    return (volunteer.sees_all_communes or ticket.commune in volunteer.communes or ticket.pooled_at is not None
            or ticket.claimed_by == volunteer.id)


def check_visible(volunteer: Volunteer, ticket: Ticket) -> None:
    if not visible(volunteer, ticket):
        raise Forbidden("this ticket belongs to another commune")


def can_claim(ticket: Ticket, volunteer: Volunteer) -> DomainError | None:
    """Why `volunteer` may not claim `ticket` now, or None when they may."""
    if not visible(volunteer, ticket):
        return Forbidden("this ticket belongs to another commune")
    if ticket.status != OPEN:
        return Conflict("already claimed by someone else" if ticket.status == CLAIMED else f"ticket is {ticket.status}")
    return None


def check_own_claimed(ticket: Ticket, volunteer: Volunteer) -> None:
    """Only the volunteer who claimed a ticket (or an admin) may reply to, release or close it."""
    check_visible(volunteer, ticket)
    if ticket.status != CLAIMED:
        raise Conflict(f"ticket is {ticket.status}")
    if ticket.claimed_by != volunteer.id and volunteer.role != "admin":
        raise Forbidden("another volunteer is handling this ticket")


def check_reply_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise TicketError("text must not be empty")
    if len(text) > MAX_REPLY:
        raise TicketError("text is too long (at most 3000 characters)")
    return text


# ---- what volunteers and citizens are told ------------------------------------------------------
def _urgent(ticket: Ticket, text: str) -> str:
    return t("vi", "vt_urgent", text=text) if ticket.priority == "urgent" else text


def _to_volunteers(ticket: Ticket, to: str, headline: str, *, exclude: int | None = None) -> Notice:
    text = f"{headline}\n{TicketSummary.from_dict(ticket.summary).as_text()}"
    return Notice(to, Reply(text, (Button(t("vi", "btn_vt_claim"), f"tk:claim:{ticket.id}"),), kind="ticket"),
                  exclude=exclude)


def _to_claimer(text: str) -> Notice:
    return Notice(CLAIMER, Reply(text, kind="ticket"))


def _cancel_button(ticket: Ticket) -> tuple[Button, ...]:
    return (Button(t(ticket.lang, "btn_tk_cancel"), "tk:cancel"),)


def _rating_prompt(ticket: Ticket) -> Notice:
    buttons = tuple(Button(str(n), f"tk:rate:{ticket.id}:{n}") for n in range(1, 6))
    return Notice(CITIZEN, Reply(t(ticket.lang, "tk_closed"), buttons, kind="rating", lang=ticket.lang))


# ---- the citizen's side ------------------------------------------------------------------------
def route_new(ticket: Ticket, *, commune_has_volunteers: bool, now: datetime) -> Decision:
    """A ticket just opened: to its commune's volunteers, or straight to the pool when nobody serves it."""
    events = [Event("opened", detail=f"{ticket.reason}, {ticket.priority}")]
    to_pool = not ticket.commune or not commune_has_volunteers
    if to_pool:
        ticket = replace(ticket, pooled_at=now)
        events.append(Event("pooled", detail="no volunteer for the commune"))
    head = _urgent(ticket, t("vi", "vt_new", id=ticket.id))
    return Decision(ticket, tuple(events), (_to_volunteers(ticket, POOL if to_pool else COMMUNE, head),))


def escalate(ticket: Ticket, priority: str) -> Decision | None:
    """The citizen asked again, now urgently: the waiting ticket becomes urgent."""
    if priority != "urgent" or ticket.priority == "urgent":
        return None
    return Decision(replace(ticket, priority="urgent"), (Event("urgent"),))


def citizen_wrote(ticket: Ticket, text: str, now: datetime) -> Decision | None:
    """The citizen wrote while waiting or being helped: relayed to the claimer; the silence clock restarts."""
    if ticket.status not in ACTIVE:
        return None
    after = replace(ticket, last_citizen_at=now, reminded_at=None)
    notices = (_to_claimer(t("vi", "vt_from_citizen", id=ticket.id, text=text)),) \
        if ticket.status == CLAIMED and ticket.claimed_by else ()
    return Decision(after, notices=notices)


def cancel(ticket: Ticket, now: datetime) -> Decision:
    after = replace(ticket, status=CANCELLED, closed_at=now, close_reason="cancelled_by_citizen")
    notices = (_to_claimer(t("vi", "vt_citizen_cancelled", id=ticket.id)),) if ticket.claimed_by else ()
    return Decision(after, (Event("cancelled"),), notices)


STATISTICS_SUMMARY = ("reason", "commune", "commune_name", "lang")  # what an erased ticket's summary keeps


def erase_citizen(ticket: Ticket, now: datetime) -> Ticket:
    """The citizen erased their data (/xoa): an active ticket is cancelled; the ticket stays for statistics
    without the citizen's identity, the close note or the questions of its summary."""
    if ticket.status in ACTIVE:
        ticket = replace(ticket, status=CANCELLED, closed_at=now, close_reason="citizen_erased")
    return replace(ticket, user_ref=None, close_note="",
                   summary={k: v for k, v in ticket.summary.items() if k in STATISTICS_SUMMARY})


def valid_rating(rating: int) -> bool:
    return 1 <= rating <= 5


def rate(ticket: Ticket, channel: str, user_ref: str, rating: int) -> Decision | None:
    """Once, by the ticket's own citizen, after it closed; None when refused."""
    if not valid_rating(rating) or ticket.channel != channel or ticket.user_ref != user_ref \
            or ticket.status != CLOSED or ticket.rating:
        return None
    return Decision(replace(ticket, rating=rating), (Event("rated", detail=str(rating)),))


# ---- the volunteers' side ----------------------------------------------------------------------
def claim(ticket: Ticket, volunteer: Volunteer, now: datetime) -> Decision:
    if (refused := can_claim(ticket, volunteer)) is not None:
        raise refused
    after = replace(ticket, status=CLAIMED, claimed_by=volunteer.id, claimed_at=now)
    told = Reply(t(ticket.lang, "tk_claimed", name=volunteer.display_name), _cancel_button(ticket), kind="volunteer")
    return Decision(after, (Event("claimed", actor=volunteer.id),), (Notice(CITIZEN, told),))


def reply(ticket: Ticket, volunteer: Volunteer, text: str, now: datetime) -> Decision:
    """The volunteer's words go to the citizen as typed (`raw`); the first one is the first response."""
    check_own_claimed(ticket, volunteer)
    events: tuple[Event, ...] = ()
    if ticket.first_response_at is None:
        ticket = replace(ticket, first_response_at=now)
        events = (Event("first_response", actor=volunteer.id),)
    said = Reply(f"👤 {volunteer.display_name}: {text}", kind="volunteer", lang=ticket.lang)
    return Decision(ticket, events, (Notice(CITIZEN, said, raw=True),))


def close(ticket: Ticket, volunteer: Volunteer, now: datetime, *, reason: str = "resolved",
          note: str = "") -> Decision:
    """`note` is already stripped and redacted. The citizen is asked for a rating."""
    check_own_claimed(ticket, volunteer)
    after = replace(ticket, status=CLOSED, closed_at=now, close_reason=reason, close_note=note[:MAX_NOTE])
    return Decision(after, (Event("closed", actor=volunteer.id, detail=reason),), (_rating_prompt(after),))


def release(ticket: Ticket, volunteer: Volunteer, now: datetime, *, note: str = "") -> Decision:
    """Given back: open again, in the pool at once (every available volunteer but the releaser hears of it),
    the citizen told another volunteer is being found. `note` is already stripped and redacted."""
    check_own_claimed(ticket, volunteer)
    after = replace(ticket, status=OPEN, claimed_by=None, claimed_at=None, reminded_at=None,
                    pooled_at=ticket.pooled_at or now)
    told = Reply(t(ticket.lang, "tk_released", name=volunteer.display_name), _cancel_button(ticket),
                 kind="volunteer")
    head = _urgent(after, t("vi", "vt_returned", id=ticket.id))
    return Decision(after, (Event("released", actor=volunteer.id, detail=note),),
                    (Notice(CITIZEN, told), _to_volunteers(after, POOL, head, exclude=volunteer.id)))


# ---- the sweep: province pool, silence, expiry --------------------------------------------------
def next_route(ticket: Ticket, now: datetime, policy: TicketPolicy) -> Decision | None:
    """What time alone does to an open ticket: to the pool when unclaimed too long, expired when never
    claimed at all (both in one sweep when both are due)."""
    if ticket.status != OPEN:
        return None
    steps: list[Decision] = []
    if ticket.pooled_at is None:
        wait = policy.urgent_pool_after if ticket.priority == "urgent" else policy.pool_after
        if ticket.created_at + wait <= now:
            ticket = replace(ticket, pooled_at=now)
            head = _urgent(ticket, t("vi", "vt_unclaimed", id=ticket.id))
            steps.append(Decision(ticket, (Event("pooled", detail=f"unclaimed after {wait.total_seconds() / 60:g} min"),),
                                  (_to_volunteers(ticket, POOL, head),), ("pooled",)))
    if ticket.created_at + policy.expire_after <= now:
        ticket = replace(ticket, status=EXPIRED, closed_at=now, close_reason="never_claimed")
        told = Reply(t(ticket.lang, "tk_expired"), (Button(t(ticket.lang, "btn_menu"), "menu"),))
        steps.append(Decision(ticket, (Event("expired"),), (Notice(CITIZEN, told),), ("expired",)))
    if not steps:
        return None
    out = steps[0]
    for step in steps[1:]:
        out = out.then(step)
    return out


def silence(ticket: Ticket, now: datetime, policy: TicketPolicy) -> Decision | None:
    """A claimed ticket whose citizen stays silent: one reminder, then closed (the claimer is told)."""
    if ticket.status != CLAIMED:
        return None
    last = max(d for d in (ticket.last_citizen_at, ticket.claimed_at, ticket.created_at) if d)
    if ticket.reminded_at is None and last + policy.silence_remind <= now:
        told = Reply(t(ticket.lang, "tk_still_there"), _cancel_button(ticket))
        return Decision(replace(ticket, reminded_at=now), (Event("reminded"),), (Notice(CITIZEN, told),),
                        ("reminded",))
    if ticket.reminded_at is not None and last + policy.silence_close <= now:
        after = replace(ticket, status=CLOSED, closed_at=now, close_reason="citizen_silent")
        return Decision(after, (Event("closed", detail="citizen_silent"),),
                        (_rating_prompt(after), _to_claimer(t("vi", "vt_auto_closed", id=ticket.id))),
                        ("closed_silent",))
    return None


def sweep(ticket: Ticket, now: datetime, policy: TicketPolicy) -> Decision | None:
    return next_route(ticket, now, policy) or silence(ticket, now, policy)
