"""The volunteer flow: a citizen's words relayed to their open ticket, a ticket asked for (its commune
first when the province has communes), opened with the wait or the team's hours, urgent help (safety
steps first), the ticket buttons (cancel, rate)."""

from __future__ import annotations

from bot.core.conversation.base import ConversationBase
from bot.core.handoff import URGENT_GUIDES, OpenedTicket, TicketSummary, opening_phrase, wait_phrase
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.privacy.redaction import has_sensitive
from bot.core.texts import TEXTS, t


class VolunteerFlow(ConversationBase):
    def _relay(self, msg: InboundMessage, kind: str, text: str, st: ConversationState) -> list[Reply] | None:
        """While a ticket is open or claimed, the citizen's words go to it. Returns None when the engine
        should go on as usual (no ticket, a command or button, or an open ticket the bot may still answer)."""
        if st.state not in ("waiting_volunteer", "with_volunteer") or self.handoff is None:
            return None
        active = self.handoff.active(msg.channel, msg.user_ref)
        if active is None:  # closed, cancelled or expired meanwhile: the bot is back
            st.state = "bot"
            return None
        ticket_id, status = active
        st.state = "with_volunteer" if status == "claimed" else "waiting_volunteer"
        if kind == "image" and self.helpdesk is not None:  # a screenshot for the volunteer (issue 22)
            return self.helpdesk.picture(msg, ticket_id, claimed=status == "claimed", lang=st.lang)
        heard = kind == "voice" and msg.meta.get("heard") in ("ok", "low")  # a transcript goes to the ticket too
        if (kind != "text" and not heard) or not text:
            return None
        relayed = t("vi", "vc_context", text=text) if heard else text
        self.handoff.from_citizen(ticket_id, self.redact(relayed), source_msg_id=f"{msg.channel}:{msg.platform_msg_id}")
        if heard and self.helpdesk is not None:  # the recording too, when voice.retention_s keeps it (issue 23)
            self.helpdesk.voice(msg, ticket_id, str(msg.meta.get("kept") or ""))
        if status == "claimed":
            return []  # a person is answering: the bot keeps quiet
        return None  # still waiting: the bot answers too, and the volunteer will see the message

    def _volunteer(self, msg: InboundMessage, st: ConversationState, *, reason: str, priority: str = "normal",
                   context: str = "") -> list[Reply]:
        if reason in ("asked", "command", "button"):
            if st.last_feedback == "not_helpful":
                reason = "not_helpful"
            elif st.misses >= 2:
                reason = "not_covered"
        if self.handoff is not None and not st.commune and len(self.communes) and priority != "urgent" \
                and not st.commune_skipped:
            st.state, st.pending_reason, st.pending_context = "ask_commune", reason, context[:300]
            return [Reply(t(st.lang, "tk_ask_commune"),
                          (Button(t(st.lang, "btn_tk_skip_commune"), "commune:skip"),), kind="question")]
        return self._open_ticket(msg, st, reason=reason, priority=priority, context=context)

    def _commune_buttons(self, st: ConversationState, text: str) -> list[Reply]:
        found = self.communes.search(text, limit=5)
        skip = Button(t(st.lang, "btn_tk_skip_commune"), "commune:skip")
        if not found:
            return [Reply(t(st.lang, "tk_commune_none", text=text[:40], province=self.communes.province), (skip,),
                          kind="question")]
        return [Reply(t(st.lang, "tk_commune_choose"),
                      (*(Button(c.name, f"commune:{c.code}") for c in found), skip), kind="question")]

    def _commune_answer(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply]:
        found = self.communes.search(text, limit=5)
        if len(found) == 1 or (found and self.communes.search(text, limit=1)[0].short.lower() == text.strip().lower()):
            return self._commune_chosen(msg, found[0].code, st)
        return self._commune_buttons(st, text)

    def _commune_chosen(self, msg: InboundMessage, code: str, st: ConversationState) -> list[Reply]:
        if code == "skip":
            st.commune_skipped = True
        elif self.communes.get(code) is not None:
            st.commune = self.communes.get(code).code  # type: ignore[union-attr]
        else:
            return self._commune_buttons(st, code)
        reason, context = st.pending_reason or "button", st.pending_context
        st.pending_reason, st.pending_context = "", ""
        if st.state != "ask_commune":  # a stale button: just remember the commune
            return [self._menu(st)]
        return self._open_ticket(msg, st, reason=reason, priority="normal", context=context)

    def _open_ticket(self, msg: InboundMessage, st: ConversationState, *, reason: str, priority: str,
                     context: str = "") -> list[Reply]:
        lang = st.lang
        group = str(getattr(st, "group", "") or "")
        if group and f"ln_group_{group}" in TEXTS["vi"]:
            group = t("vi", f"ln_group_{group}")  # the volunteer reads "Người cao tuổi", not a code
        summary = TicketSummary(reason=reason, group=group, lang=lang,
                                turns=[dict(x) for x in st.turns[-3:]], context=context)
        opened: OpenedTicket | None = None
        if self.handoff is not None:
            opened = self.handoff.request(channel=msg.channel, user_ref=msg.user_ref, reason=reason, summary=summary,
                                          commune=st.commune, priority=priority, lang=lang)
        if opened is None:
            st.state = "bot"
            return [Reply(t(lang, "tk_unavailable"), self._menu_buttons(st), kind="info")]
        st.state = "waiting_volunteer"
        kept, st.voice_kept = st.voice_kept, ""
        if reason == "voice" and kept and not opened.existing and self.helpdesk is not None:
            self.helpdesk.voice(msg, opened.id, kept)  # the doubtful recording, for the volunteer to play
        cancel = Button(t(lang, "btn_tk_cancel"), "tk:cancel")
        if opened.existing:
            return [Reply(t(lang, "tk_existing", id=opened.id), (cancel,), kind="info")]
        name = self.communes.name(opened.commune) if opened.commune else ""
        where = t(lang, "tk_where_commune", name=name) if name else t(lang, "tk_where_province")
        key = "tk_urgent_opened" if opened.priority == "urgent" else "tk_opened"
        parts = [t(lang, key, id=opened.id, where=where)]
        extra = self.helpdesk.after_open(msg, lang) if self.helpdesk is not None else None
        if extra is not None:  # place in the queue, estimate or the team's next hours (issue 22)
            parts += [*extra[0], t(lang, "tk_next")]
            return [Reply("\n".join(parts), (*extra[1], cancel, Button(t(lang, "btn_menu"), "menu")), kind="ticket")]
        if opened.next_open is not None:
            parts.append(opening_phrase(lang, opened.next_open))
        else:
            phrase = wait_phrase(lang, opened.median_wait_min)
            if phrase:
                parts.append(phrase)
        parts.append(t(lang, "tk_next"))
        return [Reply("\n".join(parts), (cancel, Button(t(lang, "btn_menu"), "menu")), kind="ticket")]

    def _urgent(self, msg: InboundMessage, text: str, kind: str, st: ConversationState) -> list[Reply]:
        """Safety steps at once, then an urgent ticket; the question is logged like any other."""
        replies: list[Reply] = []
        redacted = self.redact(text)
        if has_sensitive(redacted):
            replies.append(Reply(t(st.lang, "sensitive"), kind="warning"))
        asked = self.answers.answer(redacted, channel=msg.channel, keep=st.consent != "declined")  # logged as usual
        guide = self.answers.guide(URGENT_GUIDES.get(kind, "at-khi-bi-lua"), st.lang)
        if guide is None and asked.covered:  # a knowledge base without the safety guide: the best answer
            guide = asked
        if guide is not None:
            head = t(st.lang, "tk_urgent_first")
            replies.append(Reply(f"{head}\n\n{guide.text}", sources=guide.sources[:1], kind="answer", lang=st.lang))
        st.turns = [*st.turns, {"q": redacted[:300], "source": guide.sources[0].title if guide and guide.sources
                                else "", "covered": "1" if guide else "0"}][-3:]
        if guide is not None:  # "sai rồi" next offers the question's own guides; a follow-up reads it in context
            self._remember(guide, st, tuple(s.doc_id for s in asked.sources if asked.covered))
        st.previous_questions = [*st.previous_questions, redacted][-3:]
        st.last_question_id = asked.question_id
        replies += self._open_ticket(msg, st, reason="urgent", priority="urgent")
        if not st.greeted:  # a first message: the notice beside the help, as for any question
            st.greeted = True
            if not st.consent:
                replies.append(self._notice(st))
        return replies

    def _scam_urgent(self, msg: InboundMessage, st: ConversationState, context: str = "scam check") -> list[Reply]:
        """Money or a code already went out (said with a checked message): an urgent ticket at once. The
        context names the message's unofficial hosts, so that a volunteer can confirm them as a scam."""
        if st.state in ("waiting_volunteer", "with_volunteer"):
            return []
        return self._open_ticket(msg, st, reason="urgent", priority="urgent", context=context[:500])

    def _ticket_action(self, msg: InboundMessage, arg: str, st: ConversationState) -> list[Reply]:
        lang = st.lang
        verb, _, rest = arg.partition(":")
        if verb == "cancel":
            done = self.handoff is not None and self.handoff.cancel(msg.channel, msg.user_ref)
            if st.state == "ask_commune":
                done, st.pending_reason, st.pending_context = True, "", ""
            st.state = "bot"
            return [Reply(t(lang, "tk_cancelled" if done else "tk_nothing_to_cancel"), self._menu_buttons(st))]
        if verb == "rate":
            tid, _, value = rest.partition(":")
            if self.helpdesk is not None:  # recorded once, then an optional comment (issue 22)
                return self.helpdesk.rate(msg, tid, value, st) or [self._menu(st)]
            if tid.isdigit() and value.isdigit() and self.handoff is not None:
                self.handoff.rate(int(tid), msg.channel, msg.user_ref, int(value))
            return [Reply(t(lang, "tk_rated"), self._menu_buttons(st), kind="info")]
        return [self._menu(st)]
