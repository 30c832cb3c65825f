"""The English catalogue, learning digital skills (issue 6): profile, lessons, quizzes, certificates.

The same keys and placeholders as the Vietnamese catalogue (vi_learning.py)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "ln_profile_intro": (
        "Before we start, three short questions (commune, group, age) so the province can see how far the "
        "movement has come. Tap \"Skip\" for any you prefer not to answer."
    ),
    "ln_ask_commune": "1. Which commune or ward of {province} do you live in? Type its name.",
    "ln_commune_choose": "Choose your commune or ward:",
    "ln_commune_none": "I could not find \"{text}\" in {province}. Type the name again, or tap \"Skip\".",
    "ln_ask_group": "2. Which group are you in?",
    "ln_ask_age": "3. How old are you?",
    "ln_profile_thanks": "Thank you! You can change this any time with /hoso.",
    "ln_group_can_bo": "Officials and civil servants",
    "ln_group_hoc_sinh": "Pupils and students",
    "ln_group_lao_dong": "Working people",
    "ln_group_cao_tuoi": "Older people",
    "ln_group_khac": "Other",
    "ln_age_duoi_18": "Under 18",
    "ln_age_18_35": "18 to 35",
    "ln_age_36_59": "36 to 59",
    "ln_age_60_plus": "60 or older",
    "ln_profile": (
        "Your learner profile:\n"
        "- Commune: {commune}\n"
        "- Group: {group}\n"
        "- Age: {age}\n"
        "- Name on certificates: {name}\n"
        "- Reminders: {reminders}\n"
        "- Learner code: {code}\n"
        "Choose what to change:"
    ),
    "ln_not_given": "(not given)",
    "ln_on": "on",
    "ln_off": "off",
    "ln_ask_name": "Would you like your name printed on the certificate? It is used for that only. No name is fine too.",
    "ln_ask_name_type": "Type the name to print on the certificate (e.g. Nguyen Thi Lan).",
    "ln_ask_name_edit": "Type the name to print on future certificates, or tap \"No name\".",
    "ln_name_bad": "That has digits or private data in it. Type your name again, or tap \"No name\".",
    "ln_name_saved": "Name saved: {name}.",
    "ln_no_course": "There are no lessons yet. You can still ask me anything.",
    "ln_home": "Learn digital skills: choose a topic. Each lesson has a few short cards, questions and a task.",
    "ln_home_current": "You are in the middle of \"{lesson}\".",
    "ln_home_code": "Your learner code: {code}\nType it on another phone or app to continue there.",
    "ln_ask_code": "Type your learner code (e.g. HV-7K3M-9QXA). You find it under \"Learn digital skills\".",
    "ln_code_unknown": "Learner code {code} was not found. Check it and type it again.",
    "ln_code_bad": "That is not a learner code. It looks like HV-XXXX-XXXX.",
    "ln_linked": "Linked to learner code {code}. Carry on where you stopped.",
    "ln_module": "Topic: {title}",
    "ln_module_done": "You have completed this topic.",
    "ln_resume_offer": "You are in the middle of \"{lesson}\". Continue?",
    "ln_card_head": "Lesson {no}. {title} ({i}/{n})",
    "ln_quiz_head": "Question {i}/{n} — {title}",
    "ln_quiz_changed": "This question was just updated, so that button is out of date. Please choose again below.",
    "ln_review_head": "Review ({n} left):",
    "ln_right": "Right! {explanation}",
    "ln_wrong": "Not quite. The right answer: {answer}.\n{explanation}",
    "ln_quiz_again_hint": "You already answered this one. Do the practice task, or take the quiz again.",
    "ln_quiz_passed": "{right}/{n} right. You passed the quiz!",
    "ln_quiz_failed": "{right}/{n} right. {needed} are needed to pass. Try again now or after the practice task.",
    "ln_practice": (
        "Practice task:\n{task}\n\n"
        "When done, tap \"I did it\". If you get stuck, tap \"I need help\" to reach a volunteer."
    ),
    "ln_lesson_done": "You finished \"{title}\".",
    "ln_what_next": "On to the next lesson?",
    "ln_quiz_still_needed": "This lesson's quiz is not passed yet. Retake it whenever you like.",
    "ln_module_quizzes_needed": "To complete the topic, pass the quiz of lesson {lessons}.",
    "ln_module_complete": "Congratulations! You completed \"{title}\".",
    "ln_course_title": "Basic digital skills — Digital Literacy for All",
    "ln_course_complete": "You completed every topic. Congratulations!",
    "ln_certificate": (
        "Certificate: {title}\n"
        "Verification code: {code}\n"
        "View and download: {png}\n"
        "Anyone can check it is genuine at: {verify}"
    ),
    "ln_review_none": "Nothing to review right now. Well done!",
    "ln_review_done": "You have reviewed today's questions.",
    "ln_remind_on": "Reminders on. If you stop mid-topic, I will remind you once (never at night).",
    "ln_remind_off": "Reminders off. Turn them on again in /hoso.",
    "ln_reminder": "Hello! You stopped in the middle of \"{lesson}\". Tap \"Continue\" when you have a few minutes.",
    "btn_ln_resume": "Continue", "btn_ln_review": "Review {n} questions", "btn_ln_code": "I have a learner code",
    "btn_ln_have_code": "I have a learner code", "btn_ln_profile": "Learner profile", "btn_ln_home": "Topics",
    "btn_ln_skip": "Skip", "btn_ln_next": "Next", "btn_ln_back": "Back", "btn_ln_pause": "Pause",
    "btn_ln_later": "Later", "btn_ln_next_q": "Next question", "btn_ln_practice": "Practice task",
    "btn_ln_retry": "Retake the quiz", "btn_ln_did_it": "I did it", "btn_ln_need_help": "I need help",
    "btn_ln_next_lesson": "Next: {title}", "btn_ln_lessons": "Lessons",
    "btn_ln_name_yes": "Add my name", "btn_ln_noname": "No name", "btn_ln_next_review": "Next review question",
    "btn_ln_remind_off": "Turn reminders off", "btn_ln_remind_on": "Turn reminders on",
    "btn_ln_edit_commune": "Change commune", "btn_ln_edit_group": "Change group", "btn_ln_edit_age": "Change age",
    "btn_ln_edit_name": "Name on certificates",
    "cert_heading": "CERTIFICATE",
    "cert_line": "Completed",
    "cert_movement": "\"Digital Literacy for All\" movement — {province} province",
    "cert_learner": "Learner: {name}",
    "cert_date": "Issued: {date}",
    "cert_code": "Verification code: {code}",
    "cert_verify_at": "Verify at: {url}",
    "verify_title": "Certificate check",
    "verify_ok": "This certificate is genuine.",
    "verify_bad": "No certificate has this code. It may be forged, or the code was mistyped.",
    "verify_form": "Enter the verification code printed on the certificate (e.g. 7K3M-9QXA-2FHT):",
    "verify_button": "Check",
}
