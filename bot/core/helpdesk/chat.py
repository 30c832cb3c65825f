"""The citizen's side of the hand-off extras, called by the conversation engine:

- after a ticket is opened, and whenever the citizen asks ("còn bao lâu?", "bao giờ có người trả lời"),
  their place in the queue and an estimate, or, outside the team's hours, when the team is back and the
  choice to leave the question or get the province hotline (only when one is configured);
- the 1–5 satisfaction buttons (`tk:rate:<ticket>:<n>`, asked once by the desk on close), then one optional
  comment ("Góp ý" sets `st.hx_wait = "comment:<ticket>"`: the next text is the comment);
- a picture sent while a ticket is active goes to the ticket (through the store).
"""

from __future__ import annotations

import re

from bot.core.helpdesk.csat import MAX_COMMENT, parse_score
from bot.core.helpdesk.ports import HelpdeskStore, QueueStatus
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.privacy.redaction import redact
from bot.core.text import fold, tokens
from bot.core.texts import t

_ASKS_WAIT = re.compile(
    r"\b(con|phai cho|cho|doi|mat) (bao lau|bao lau nua|lau khong|lau nua khong|may phut)\b"
    r"|\bbao (gio|lau) (thi )?(co )?(nguoi|ai|tinh nguyen vien|tnv|can bo)\b"
    r"|\b(toi|den) luot (toi|minh|em|chau)?\s*chua\b|\bcon bao lau\b"
    r"|\bhow long\b|\bwhen will (someone|a volunteer|anyone)\b|\bmy (place|position) in (the )?queue\b"
)


def asks_wait(text: str) -> bool:
    """"còn bao lâu?", "con bao lau", "bao giờ có người trả lời", "how long …" (tone marks optional)."""
    return bool(_ASKS_WAIT.search(" ".join(tokens(fold(text)))))


def _when(lang: str, st: QueueStatus) -> tuple[str, str, str]:
    assert st.next_open is not None
    when = st.next_open
    return when.strftime("%H:%M"), t(lang, f"weekday_{when.weekday()}"), when.strftime("%d/%m")


class HelpdeskChat:
    def __init__(self, store: HelpdeskStore, *, hotline: str = "") -> None:
        self.store = store
        self.hotline = hotline.strip()

    # ---- waiting -------------------------------------------------------------------------------
    def wait_lines(self, lang: str, status: QueueStatus) -> tuple[list[str], tuple[Button, ...]]:
        """The lines telling a waiting citizen where they stand, and the buttons that go with them."""
        if status.status == "claimed":
            return [t(lang, "hx_claimed", name=status.volunteer or t("vi", "vt_volunteer"))], ()
        lines = [t(lang, "hx_position_first") if status.position == 1 else t(lang, "hx_position", n=status.position)]
        if not status.open_now:
            if status.next_open is None:
                lines.append(t(lang, "hx_no_schedule"))
            else:
                hhmm, weekday, day = _when(lang, status)
                lines.append(t(lang, "hx_closed_now", hhmm=hhmm, weekday=weekday, day=day))
            lines.append(t(lang, "hx_options"))
            lines.append(t(lang, "hx_option_leave", n=1))
            buttons = [Button(t(lang, "btn_hx_leave"), f"hx:leave:{status.ticket_id}")]
            if self.hotline:
                lines.append(t(lang, "hx_option_hotline", n=2))
                buttons.append(Button(t(lang, "btn_hx_hotline"), "hx:hotline"))
            return lines, tuple(buttons)
        e = status.estimate
        if e.minutes is None:
            lines.append(t(lang, "hx_no_data"))
        elif e.minutes < 60:
            lines.append(t(lang, "hx_estimate_min", m=max(1, round(e.minutes)), k=e.samples))
        else:
            lines.append(t(lang, "hx_estimate_hours", h=max(1, round(e.minutes / 60)), k=e.samples))
        return lines, (Button(t(lang, "btn_hx_wait"), "hx:wait"),)

    def after_open(self, msg: InboundMessage, lang: str) -> tuple[list[str], tuple[Button, ...]] | None:
        """What to add to the "ticket opened" reply (None: no ticket found — say nothing more)."""
        status = self.store.queue_status(msg.channel, msg.user_ref)
        if status is None:
            return None
        if status.position:
            self.store.told(status.ticket_id, status.position)
        return self.wait_lines(lang, status)

    def status_reply(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        status = self.store.queue_status(msg.channel, msg.user_ref)
        if status is None:
            return [Reply(t(st.lang, "hx_none"), kind="info", lang=st.lang)]
        if status.position:
            self.store.told(status.ticket_id, status.position)
        lines, buttons = self.wait_lines(st.lang, status)
        return [Reply("\n".join(lines), buttons, kind="ticket", lang=st.lang)]

    # ---- the engine's hooks --------------------------------------------------------------------
    def text(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply] | None:
        """A comment after a score, or a question about the wait; None: not ours."""
        wait = str(getattr(st, "hx_wait", "") or "")
        if wait.startswith("comment:"):
            st.hx_wait = ""
            tid = wait.split(":", 1)[1]
            if tid.isdigit() and text.strip():
                self.store.record_comment(int(tid), msg.channel, msg.user_ref, redact(text.strip())[:MAX_COMMENT])
                return [Reply(t(st.lang, "hx_csat_done"), kind="info", lang=st.lang)]
        if asks_wait(text) and st.state in ("waiting_volunteer", "with_volunteer"):
            return self.status_reply(msg, st)
        return None

    def action(self, msg: InboundMessage, arg: str, st: ConversationState) -> list[Reply]:
        verb, _, rest = arg.partition(":")
        lang = st.lang
        if verb == "wait":
            return self.status_reply(msg, st)
        if verb == "leave" and rest.isdigit():
            status = self.store.queue_status(msg.channel, msg.user_ref)
            if status is None or status.ticket_id != int(rest):
                return [Reply(t(lang, "hx_none"), kind="info", lang=lang)]
            self.store.leave_question(status.ticket_id)
            return [Reply(t(lang, "hx_left"), kind="info", lang=lang)]
        if verb == "hotline" and self.hotline:
            return [Reply(t(lang, "hx_hotline", hotline=self.hotline), kind="info", lang=lang)]
        if verb == "comment" and rest.isdigit():
            st.hx_wait = f"comment:{rest}"
            return [Reply(t(lang, "hx_csat_ask_comment"), (Button(t(lang, "btn_hx_skip"), "hx:skip"),),
                          kind="question", lang=lang)]
        if verb == "skip":
            st.hx_wait = ""
            return [Reply(t(lang, "hx_csat_done"), kind="info", lang=lang)]
        return []

    def rate(self, msg: InboundMessage, ticket: str, value: str, st: ConversationState) -> list[Reply]:
        """A tap on a 1–5 button: recorded once; then one chance to add a comment."""
        score = parse_score(value)
        if not ticket.isdigit() or score is None:
            return []
        done = self.store.record_score(int(ticket), msg.channel, msg.user_ref, score)
        if done == "already":
            return [Reply(t(st.lang, "hx_csat_already"), kind="info", lang=st.lang)]
        if done != "ok":
            return []
        return [Reply(t(st.lang, "hx_csat_thanks"), (Button(t(st.lang, "btn_hx_comment"), f"hx:comment:{ticket}"),
                                                      Button(t(st.lang, "btn_hx_skip"), "menu")),
                      kind="info", lang=st.lang)]

    def voice(self, msg: InboundMessage, ticket_id: int, token: str) -> bool:
        """The citizen's voice note (kept by the recogniser, `token`) goes to the ticket beside its transcript,
        for the volunteer to play while the ticket is open. Silent: the transcript is what the ticket needs."""
        if not token:
            return False
        return self.store.attach_voice(ticket_id, msg.channel, token, caption="",
                                       source_msg_id=f"{msg.channel}:{msg.platform_msg_id}:audio") == "ok"

    def picture(self, msg: InboundMessage, ticket_id: int, *, claimed: bool, lang: str = "vi") -> list[Reply]:
        """A picture sent while a ticket is active: stored on the ticket (the volunteer sees it)."""
        ref = str(msg.meta.get("image") or "")
        if not ref:
            return []
        caption = str(msg.meta.get("caption") or msg.text or "")[:300]
        result = self.store.attach(ticket_id, msg.channel, ref, caption=redact(caption),
                                   source_msg_id=f"{msg.channel}:{msg.platform_msg_id}")
        if result != "ok":
            return [Reply(t(lang, "hx_picture_bad"), kind="info", lang=lang)]
        return [] if claimed else [Reply(t(lang, "hx_picture_sent"), kind="info", lang=lang)]
