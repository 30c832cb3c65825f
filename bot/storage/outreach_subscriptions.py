"""Announcement subscriptions with their consent records (issue 21): who opted in to which topics, opting out
(which withdraws that person's pending announcements at once) and the audience of a campaign."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.outreach import model as m
from bot.storage.classes import ClassBook
from bot.storage.outbox import cancel_pending
from bot.storage.tables.base import utcnow
from bot.storage.tables.messaging import OutboxRow
from bot.storage.tables.outreach import CampaignRow, RecipientRow, SubscriptionConsentRow, SubscriptionRow


class Subscriptions(ClassBook):
    """Subscriptions over the same sessions as the classes and campaigns (SqlOutreach extends it)."""

    # ---- subscriptions ------------------------------------------------------------------------------
    def subscription(self, channel: str, user_ref: str) -> tuple[frozenset[str], str] | None:
        with self.sessions() as s:
            r = s.scalar(select(SubscriptionRow).where(SubscriptionRow.channel == channel,
                                                       SubscriptionRow.user_ref == user_ref[:128]))
            return (frozenset(r.topics or ()), r.commune) if r is not None and r.active else None

    def subscribe(self, channel: str, user_ref: str, *, topics: frozenset[str], commune: str, group: str,
                  lang: str, consent_text: str, consent_version: str) -> None:
        now = utcnow()
        ref = user_ref[:128]
        for _ in range(3):
            try:
                with self.sessions.begin() as s:
                    r = s.scalar(select(SubscriptionRow).where(SubscriptionRow.channel == channel,
                                                               SubscriptionRow.user_ref == ref))
                    if r is None:
                        r = SubscriptionRow(channel=channel, user_ref=ref, created_at=now)
                        s.add(r)
                    r.topics, r.commune, r.learner_group = sorted(topics), commune[:10], group[:20]
                    r.lang, r.active, r.updated_at = lang[:8], True, now
                    s.add(SubscriptionConsentRow(channel=channel, user_ref=ref, choice="in", topics=sorted(topics),
                                                 text=consent_text, version=consent_version[:40], at=now))
                return
            except IntegrityError:  # two first subscriptions at once: the second updates
                continue

    def unsubscribe(self, channel: str, user_ref: str, *, consent_text: str) -> int:
        """Off at once: the subscription, every queued announcement to this person (opted_out) and their
        outbox rows not yet taken by a sender. Returns how many pending sends were withdrawn."""
        ref = user_ref[:128]
        now = utcnow()
        with self.sessions.begin() as s:
            s.execute(update(SubscriptionRow).where(SubscriptionRow.channel == channel, SubscriptionRow.user_ref == ref)
                      .values(active=False, updated_at=now))
            s.add(SubscriptionConsentRow(channel=channel, user_ref=ref, choice="out", topics=[], text=consent_text,
                                         version="", at=now))
            mine = (RecipientRow.channel == channel) & (RecipientRow.user_ref == ref) & (RecipientRow.status == m.QUEUED)
            announcements = select(CampaignRow.id).where(CampaignRow.kind == "announcement")
            rows = list(s.scalars(select(RecipientRow).where(mine, RecipientRow.campaign_id.in_(announcements))
                                  .with_for_update()))
            outbox = [r.outbox_id for r in rows if r.outbox_id]
            withdrawn = cancel_pending(s, [int(x) for x in outbox])
            for r in rows:
                if r.outbox_id is None or s.scalar(select(OutboxRow.status).where(OutboxRow.id == r.outbox_id)) == "cancelled":
                    r.status, r.reason, r.updated_at = m.OPTED_OUT, "opted out before sending", now
            return withdrawn + sum(1 for r in rows if r.outbox_id is None)

    def audience_count(self, audience: m.Audience) -> dict[str, int]:
        subs = self._audience(audience)
        out = {"total": len(subs)}
        for ch in m.CHANNELS:
            out[ch] = sum(1 for x in subs if x.channel == ch)
        return out

    def _audience(self, a: m.Audience, s: Session | None = None) -> list[m.Subscription]:
        def run(s: Session) -> list[m.Subscription]:
            q = select(SubscriptionRow).where(SubscriptionRow.active.is_(True))
            if a.communes:
                q = q.where(SubscriptionRow.commune.in_(a.communes))
            if a.channels:
                q = q.where(SubscriptionRow.channel.in_(a.channels))
            if a.langs:
                q = q.where(SubscriptionRow.lang.in_(a.langs))
            if a.groups:
                q = q.where(SubscriptionRow.learner_group.in_(a.groups))
            subs = (m.Subscription(r.channel, r.user_ref, frozenset(r.topics or ()), r.commune, r.learner_group,
                                   r.lang, r.active) for r in s.scalars(q.order_by(SubscriptionRow.id)))
            return [x for x in subs if a.matches(x)]
        if s is not None:
            return run(s)
        with self.sessions() as s2:
            return run(s2)

