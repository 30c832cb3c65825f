"""The English catalogue, general: greeting, menu, answers, consent, personal data (/dulieu, /xoa), voice messages.

The same keys and placeholders as the Vietnamese catalogue (vi.py)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "greeting": (
        "Hello! I am the Digital Literacy for All assistant of {province} province.\n"
        "I can help you with:\n"
        "1. VNeID (the national digital identity app).\n"
        "2. Online public services.\n"
        "3. Paying and transferring money safely.\n"
        "4. Spotting online scams.\n"
        "5. Learning digital skills, or meeting a volunteer of your commune.\n"
        "Just type your question."
    ),
    "notice": (
        "About your data:\n"
        "1. I keep your messages and questions (with ID numbers, phone numbers, OTP codes, passwords and card "
        "numbers removed) to answer you and improve the guides.\n"
        "2. Messages are kept {days} days, then deleted automatically.\n"
        "3. Only administrators and the volunteer helping you can see them.\n"
        "4. Type /dulieu to see your data, /xoa to delete it all.\n"
        "Never send an OTP, a password or a card number to anyone, this assistant included.\n"
        "Do you agree?"
    ),
    "consent_yes": "Thank you. Go ahead and ask.",
    "consent_no": "Noted: you do not agree. I will still answer you, but I will not keep your questions.",
    "menu": "What do you need help with? Choose a topic or type a question:",
    "help": (
        "Type your question as you would say it, e.g. \"forgot VNeID password\".\n"
        "Commands: /menu, /hoc (learn digital skills), /hoso (learner profile), /kiemtra (check a strange message), "
        "/tinhnguyenvien (talk to a "
        "person), /lang (language), /dulieu (see your data), /xoa (delete your data)."
    ),
    "topic_intro": "Some guides about {topic}. Choose one, or type your question:",
    "learn_intro": "Choose what you want to learn:",
    "learn_module": "Topic \"{title}\". Read these guides:",
    "unsupported": "I can only read text messages. Please type your question, or choose /menu.",
    "unknown_command": "I do not know this command.",
    "thanks_helpful": "Thank you for your feedback!",
    "thanks_not_helpful": "Thank you. I will note it to improve. Would you like to talk to a volunteer?",
    "offer_volunteer": "I could not help you yet. Would you like to talk to a volunteer of your commune?",
    "waiting": "Your request to talk to a volunteer has been recorded. Meanwhile you can still ask me.",
    "lang_choose": "Chọn ngôn ngữ / Choose a language:",
    "lang_set": "Switched to English.",
    "sensitive": (
        "Careful: you just sent secret information (an OTP, a password, a card or an ID number). "
        "I removed it and did not keep it.\n"
        "Never send these to anyone, even people who say they are police, a bank, or this assistant. "
        "If you gave them to a stranger, change your password and call your bank at once."
    ),
    "guide_missing": "This guide is no longer available. Please type your question.",
    "btn_vneid": "VNeID questions", "btn_dvc": "Public services", "btn_pay": "Payments",
    "btn_safety": "Online safety", "btn_learn": "Learn digital skills", "btn_volunteer": "Talk to a volunteer",
    "btn_helpful": "Helpful", "btn_not_helpful": "Not right", "btn_menu": "Menu",
    "btn_yes": "I agree", "btn_no": "I do not agree",
    "topic_vneid": "VNeID", "topic_dichvucong": "public services", "topic_payments": "payments",
    "topic_safety": "online safety", "topic_local": "local help", "topic_general": "this assistant",
    "source": "Source",
    "related": "See also",
    "clarify": "Which one do you mean? Tap to choose, or type a bit more (e.g. \"VNeID\", \"bank\", \"Zalo\").",
    "btn_other": "Something else",
    "clarify_other": "Please tell me a bit more: which app or paper is it about? Or ask a volunteer of your commune.",
    "offer_wrong": "Sorry, I may have misunderstood. Here are other guides, or you can talk to a volunteer:",
    "offer_failed": "If it still does not work, see these guides, or ask a volunteer of your commune to help you in person:",
    "choose_number": "Type {numbers} to choose.",
    "or": "or",
    # personal data: /dulieu, /xoa, rate limits
    "pd_head": "The data I keep about you:",
    "pd_none": "I keep no data about you.",
    "pd_line": "{label}: {n}",
    "pd_questions": "Questions recorded",
    "pd_conversation": "Conversation state (language, consent choice, your last few questions)",
    "pd_messages": "Messages you sent",
    "pd_replies": "Replies from the assistant",
    "pd_consent": "Answers to the data notice",
    "pd_tickets": "Requests to talk to a volunteer",
    "pd_learning": "Digital-skills learning records",
    "pd_satisfaction": "Satisfaction scores and comments",
    "pd_ticket_files": "Pictures and files exchanged with volunteers",
    "pd_subscriptions": "News subscriptions (topics, commune, consent)",
    "pd_classes": "Community class registrations", "pd_announcements": "Announcements sent to you",
    "pd_consent_given": "You agreed to data keeping on {at}.",
    "pd_consent_declined": "You did not agree to data keeping ({at}).",
    "pd_foot": (
        "ID numbers, phone numbers, OTP codes, passwords and card numbers were removed from your messages. "
        "Messages older than {days} days are deleted automatically.\n"
        "Type /xoa to delete everything."
    ),
    "pd_download": "Download your data (JSON)",
    "pd_json": "All your data (JSON):",
    "pd_file": "All your data: the attached file below.",
    "erase_ask": (
        "Do you want to delete all your data?\n"
        "1. Messages, questions, conversation state and learning records are deleted for good.\n"
        "2. Requests to talk to a volunteer keep only statistics, without content or your id.\n"
        "3. This cannot be undone.\n"
        "Are you sure?"
    ),
    "btn_erase_yes": "Delete everything",
    "btn_erase_no": "Keep my data",
    "erased": "All your data has been deleted. If you write again, I will ask again whether you agree to data keeping.",
    "erase_kept": "Nothing was deleted. Your data is unchanged.",
    "erase_unavailable": "Sorry, I could not delete your data just now. Please try again in a few minutes.",
    "slow_down": (
        "You are sending messages too fast, so I did not read the last ones. "
        "Please wait about a minute, then send your question again."
    ),
    "slow_down_web": "You are sending too fast. Please wait {s} seconds and try again.",
    # voice messages
    "vc_confirm": "You asked: «{text}» — is that right?",
    "vc_low": "I could not hear your voice message clearly.",
    "vc_low_heard": "I could not hear you clearly. I think you said: «{text}».",
    "vc_low_choose": "Would you like to say it again, type it, or talk to a volunteer?",
    "vc_queued": "I am listening to your voice message, one moment please…",
    "vc_busy": "I am busy right now, please try again in a few minutes. You can also type.",
    "vc_unavailable": "I cannot listen to voice messages yet. Please type your question.",
    "vc_too_long": "The voice message is too long. Please keep it under {seconds} seconds, or type.",
    "vc_too_large": "The audio file is too large. Please keep it under {seconds} seconds, or type.",
    "vc_unreadable": "I could not open this audio file. Please say it again, or type.",
    "vc_again": "Press and hold the microphone button, say your question slowly and clearly, then let go.",
    "vc_type": "Please type your question; with or without tone marks is fine.",
    "vc_nothing": "I no longer have that question. Please say it again, or type.",
    "vc_listen_none": "There is no answer to read yet. Ask me something first.",
    "vc_always_on": "From now on I will always add a voice message. Press \"Stop voice\" to turn it off.",
    "vc_always_off": "I will send voice only when you press \"Listen\".",
    "vc_context": "Voice message, as the machine heard it: «{text}»",
    "vc_clip_link": "Open to listen to the answer (link valid for {minutes} minutes): {url}",
    "vc_speech_failed": "I could not read the answer aloud. Please read the text above.",
    "btn_vc_yes": "Yes", "btn_vc_again": "Say again", "btn_vc_type": "Type",
    "btn_vc_listen": "Listen", "btn_vc_always": "Always send voice", "btn_vc_never": "Stop voice",
}
