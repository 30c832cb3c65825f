"""The English catalogue, hand-off to volunteers: tickets, the wait, the helpdesk extras, the volunteers' Telegram chat.

The same keys and placeholders as the Vietnamese catalogue (vi_handoff.py)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "tk_ask_commune": (
        "To reach the right volunteer, which commune or ward do you live in?\n"
        "Type its name, e.g. \"Thuong Lam\"."
    ),
    "tk_commune_choose": "Choose your commune or ward:",
    "tk_commune_none": "I found no commune or ward \"{text}\" in {province} province. Type it again, or skip.",
    "btn_tk_skip_commune": "Skip",
    "tk_opened": "I have sent your request (ticket {id}) to the volunteers {where}.",
    "tk_where_commune": "of {name}",
    "tk_where_province": "of the province",
    "tk_existing": "You already have a request waiting (ticket {id}). A volunteer will write to you here.",
    "tk_next": (
        "What happens next:\n"
        "1. When a volunteer takes your request, I will tell you here.\n"
        "2. Keep writing here: the volunteer will read it.\n"
        "3. Never send an OTP, a password or a card number to anyone."
    ),
    "tk_urgent_first": "Do this NOW, before a volunteer arrives:",
    "tk_urgent_opened": "I have sent an URGENT request to the volunteers (ticket {id}). Do the steps above now.",
    "tk_waiting_note": "Your message has been passed to the volunteer. Please wait a moment.",
    "tk_claimed": "Volunteer {name} is now helping you. Write here and {name} will answer.",
    "tk_closed": (
        "The volunteer has finished. The assistant is back to help you.\n"
        "Are you satisfied? Please rate the help from 1 (not satisfied) to 5 (very satisfied):"
    ),
    "tk_released": (
        "Volunteer {name} had to stop. I am looking for another volunteer for you.\n"
        "Keep writing here; the next volunteer will read it."
    ),
    "tk_rated": "Thank you for your rating!",
    "tk_cancelled": "Your request for a volunteer is cancelled. The assistant is back to help you.",
    "tk_nothing_to_cancel": "You have no request waiting.",
    "tk_still_there": (
        "Do you still need the volunteer's help? Write here. Otherwise the request will close in a few minutes."
    ),
    "tk_expired": "Sorry, no volunteer could take your request. You can ask again later.",
    "tk_unavailable": "I could not reach the volunteers right now. Please try again in a few minutes.",
    "btn_tk_cancel": "Cancel request",
    # waiting, hours, pictures and satisfaction (core/helpdesk)
    "hx_position": "You are number {n} in the queue.",
    "hx_position_first": "You are next in the queue.",
    "hx_estimate_min": "Someone usually answers within about {m} minutes (from {k} recent requests).",
    "hx_estimate_hours": "Someone usually answers within about {h} hours (from {k} recent requests).",
    "hx_no_data": "There are not enough figures yet to estimate the wait. A volunteer will answer as soon as possible.",
    "hx_closed_now": "Volunteers are off duty now. They are back from {hhmm} on {weekday}, {day}.",
    "hx_no_schedule": "The volunteer team has no duty hours set yet.",
    "hx_options": "You can:",
    "hx_option_leave": "{n}. Leave your question: a volunteer will answer here when on duty.",
    "hx_option_hotline": "{n}. Call the province hotline.",
    "btn_hx_leave": "Leave my question",
    "btn_hx_hotline": "Hotline number",
    "btn_hx_wait": "How long?",
    "hx_left": "Noted. Type your question here. A volunteer will answer when on duty.",
    "hx_hotline": "Province hotline: {hotline}",
    "hx_claimed": "Volunteer {name} is helping you. Keep writing here.",
    "hx_none": "You have no request waiting.",
    "hx_moved": "Update: you are number {n} in the queue.",
    "hx_csat": "Are you satisfied? Tap 1 (not satisfied) to 5 (very satisfied):",
    "hx_csat_thanks": "Thank you for your rating! To add a comment, tap \"Comment\".",
    "hx_csat_ask_comment": "Type your comment in one message:",
    "hx_csat_done": "Thank you for your comment!",
    "hx_csat_already": "You have rated this already. Thank you!",
    "btn_hx_skip": "Skip",
    "btn_hx_comment": "Comment",
    "hx_picture_sent": "Your picture has been passed to the volunteer.",
    "hx_picture_bad": "I could not take this picture. Please send a JPG or PNG under 5 MB.",
    "hx_picture_caption": "[Picture]",
    "hx_voice_caption": "🎤",
    "hx_file_caption": "[PDF file]",
    "weekday_0": "Monday", "weekday_1": "Tuesday", "weekday_2": "Wednesday", "weekday_3": "Thursday",
    "weekday_4": "Friday", "weekday_5": "Saturday", "weekday_6": "Sunday",
    # what a volunteer reads with a ticket (core/handoff/rules.TicketSummary.as_text)
    "tk_sum_reason": "Reason: {reason}",
    "tk_sum_commune": "Commune/ward: {name}",
    "tk_sum_group": "Group: {group}",
    "tk_sum_context": "Context: {context}",
    "tk_sum_question": "{i}. Asked: {q}",
    "tk_sum_answer": "   Assistant ({state}): {source}",
    "tk_sum_answered": "answered",
    "tk_sum_unsure": "not sure",
    "tk_reason_asked": "the citizen wants to talk to a person",
    "tk_reason_command": "the citizen typed /tinhnguyenvien",
    "tk_reason_button": "the citizen pressed \"Talk to a volunteer\"",
    "tk_reason_not_covered": "the assistant could not answer",
    "tk_reason_not_helpful": "the citizen pressed \"Not right\"",
    "tk_reason_urgent": "URGENT: scammed / lost money / OTP leaked",
    "tk_reason_lesson_help": "needs help with a lesson",
    "tk_reason_voice": "the assistant could not hear the voice message clearly",
    "tk_commune_unknown": "(unknown)",
    # the citizen's wait (core/handoff/rules.wait_phrase, opening_phrase)
    "tk_wait_min": "Volunteers usually answer within about {m} minutes.",
    "tk_wait_hours": "Volunteers usually answer within about {h} hours.",
    "tk_off_duty": "Volunteers are not on duty now. Someone will answer from {hhmm} on {day}.",
    # what volunteers read on Telegram about tickets (core/handoff/lifecycle)
    "vt_urgent": "🔴 URGENT — {text}",
    "vt_new": "Help ticket #{id}",
    "vt_unclaimed": "Ticket #{id} has not been taken yet, help needed:",
    "vt_returned": "Ticket #{id} was given back, someone needs to take it:",
    "vt_from_citizen": "Ticket #{id} — citizen:\n{text}",
    "vt_citizen_cancelled": "Ticket #{id}: the citizen cancelled the request.",
    "vt_auto_closed": "Ticket #{id} closed itself because the citizen did not answer.",
    "btn_vt_claim": "Take this ticket",
    # a linked volunteer's Telegram chat (core/handoff/volunteer_chat)
    "vt_help": (
        "You are using the assistant as a volunteer.\n"
        "1. Press \"Take this ticket\" under a ticket to take it.\n"
        "2. Reply to a ticket's message to write to the citizen.\n"
        "3. /xong [note] closes the ticket. /phieu lists the tickets you have taken.\n"
        "4. /tralai gives the ticket back for someone else.\n"
        "5. /vang when busy, /sansang when free."
    ),
    "vt_link_bad": "The link code is wrong or has expired. Get a new code on the /volunteer page.",
    "vt_linked": "Telegram is now linked to the account {name}.\n\n{help}",
    "vt_failed": "Could not do it: {message}",
    "vt_head_claimed": "You have taken ticket",
    "vt_head_show": "Ticket",
    "vt_context": "{head} #{id}. Reply to this message to write to the citizen.",
    "vt_context_asked": "• Asked the assistant: {q}",
    "vt_citizen": "Citizen",
    "vt_volunteer": "Volunteer",
    "vt_context_foot": "Type /xong when you are done.",
    "vt_close_which": "Reply to the message of the ticket to close, then type /xong.",
    "vt_closed": "Ticket #{id} is closed. Thank you!",
    "vt_release_which": "Reply to the message of the ticket to give back, then type /tralai.",
    "vt_released": "Ticket #{id} was given back. Another volunteer will take it.",
    "vt_away": "Noted: you are busy and will not get new tickets.",
    "vt_available": "Noted: you are ready for new tickets.",
    "vt_none": "You have not taken any ticket.",
    "vt_mine": "Tickets you have taken: {ids}",
    "vt_many": "You have taken several tickets. Reply to the message of the ticket you want to write to.",
    "btn_vt_ticket": "Ticket #{id}",
    "vt_sent": "✓ Sent to the citizen (ticket #{id}).",
    # volunteers' quick replies and reports (core/helpdesk/snippets, storage/helpdesk)
    "hx_see_also": "See also: {url}",
    "hx_report_province": "Province",
}
