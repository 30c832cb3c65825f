"""What the bot says while teaching (issue 6), Vietnamese first, English second; merged into texts.TEXTS."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        # profile
        "ln_profile_intro": (
            "Trước khi học, tôi xin hỏi 3 câu ngắn (xã, nhóm, độ tuổi) để tỉnh biết phong trào đã đến đâu. "
            "Câu nào không muốn trả lời, bạn bấm \"Bỏ qua\"."
        ),
        "ln_ask_commune": "1. Bạn ở xã, phường nào của tỉnh {province}? Gõ tên xã, có dấu hay không dấu đều được.",
        "ln_commune_choose": "Bạn chọn đúng xã, phường của mình:",
        "ln_commune_none": "Tôi chưa tìm thấy xã \"{text}\" ở tỉnh {province}. Bạn gõ lại tên xã, hoặc bấm \"Bỏ qua\".",
        "ln_ask_group": "2. Bạn thuộc nhóm nào?",
        "ln_ask_age": "3. Bạn bao nhiêu tuổi?",
        "ln_profile_thanks": "Cảm ơn bạn! Bạn có thể sửa các thông tin này bất cứ lúc nào bằng lệnh /hoso.",
        "ln_group_can_bo": "Cán bộ, công chức, viên chức",
        "ln_group_hoc_sinh": "Học sinh, sinh viên",
        "ln_group_lao_dong": "Người lao động",
        "ln_group_cao_tuoi": "Người cao tuổi",
        "ln_group_khac": "Khác",
        "ln_age_duoi_18": "Dưới 18 tuổi",
        "ln_age_18_35": "Từ 18 đến 35 tuổi",
        "ln_age_36_59": "Từ 36 đến 59 tuổi",
        "ln_age_60_plus": "Từ 60 tuổi trở lên",
        "ln_profile": (
            "Hồ sơ học viên của bạn:\n"
            "- Xã, phường: {commune}\n"
            "- Nhóm: {group}\n"
            "- Độ tuổi: {age}\n"
            "- Tên trên giấy chứng nhận: {name}\n"
            "- Nhắc học: {reminders}\n"
            "- Mã học viên: {code}\n"
            "Chọn mục muốn sửa:"
        ),
        "ln_not_given": "(chưa có)",
        "ln_on": "bật",
        "ln_off": "tắt",
        "ln_ask_name": (
            "Bạn có muốn ghi họ tên lên giấy chứng nhận không? Tên chỉ dùng để in lên giấy. "
            "Không ghi tên cũng được."
        ),
        "ln_ask_name_type": "Bạn gõ họ tên muốn in lên giấy chứng nhận (ví dụ: Nguyễn Thị Lan).",
        "ln_ask_name_edit": "Bạn gõ họ tên muốn in lên các giấy chứng nhận sau này, hoặc bấm \"Không ghi tên\".",
        "ln_name_bad": "Tên này có chữ số hoặc thông tin riêng. Bạn gõ lại họ tên, hoặc bấm \"Không ghi tên\".",
        "ln_name_saved": "Đã lưu tên: {name}.",
        # home, modules, linking
        "ln_no_course": "Hiện chưa có bài học nào. Bạn vẫn có thể hỏi tôi bất cứ điều gì.",
        "ln_home": "Học kỹ năng số: chọn một chủ đề. Mỗi bài có vài thẻ ngắn, vài câu hỏi và một bài thực hành.",
        "ln_home_current": "Bạn đang học dở bài \"{lesson}\".",
        "ln_home_code": (
            "Mã học viên của bạn: {code}\n"
            "Học trên điện thoại khác hoặc ứng dụng khác, bạn gõ mã này để học tiếp."
        ),
        "ln_ask_code": "Bạn gõ mã học viên (ví dụ HV-7K3M-9QXA). Mã có ở mục \"Học kỹ năng số\" nơi bạn đã học.",
        "ln_code_unknown": "Không tìm thấy mã học viên {code}. Bạn kiểm tra lại rồi gõ lại mã.",
        "ln_code_bad": "Đây không phải mã học viên. Mã có dạng HV-XXXX-XXXX.",
        "ln_linked": "Đã nối với mã học viên {code}. Bạn học tiếp từ chỗ đã dừng nhé.",
        "ln_module": "Chủ đề: {title}",
        "ln_module_done": "Bạn đã hoàn thành chủ đề này.",
        "ln_resume_offer": "Bạn đang học dở bài \"{lesson}\". Học tiếp nhé?",
        # lesson
        "ln_card_head": "Bài {no}. {title} ({i}/{n})",
        "ln_quiz_head": "Câu hỏi {i}/{n} — {title}",
        "ln_quiz_changed": "Câu hỏi này vừa được cập nhật nên nút bạn bấm đã cũ. Mời bạn chọn lại đáp án bên dưới.",
        "ln_review_head": "Ôn tập (còn {n} câu):",
        "ln_right": "Đúng rồi! {explanation}",
        "ln_wrong": "Chưa đúng. Đáp án đúng là: {answer}.\n{explanation}",
        "ln_quiz_again_hint": "Bạn đã trả lời câu này rồi. Bạn có thể làm bài thực hành, hoặc làm lại bài kiểm tra.",
        "ln_quiz_passed": "Bạn trả lời đúng {right}/{n} câu. Bạn đã đạt bài kiểm tra!",
        "ln_quiz_failed": (
            "Bạn trả lời đúng {right}/{n} câu. Cần đúng ít nhất {needed} câu để đạt. "
            "Bạn có thể làm lại, hoặc làm bài thực hành trước rồi làm lại sau."
        ),
        "ln_practice": (
            "Bài thực hành:\n{task}\n\n"
            "Làm xong, bạn bấm \"Tôi đã làm xong\". Nếu gặp khó, bấm \"Cần giúp đỡ\" để gặp tình nguyện viên."
        ),
        "ln_lesson_done": "Bạn đã học xong bài \"{title}\".",
        "ln_what_next": "Học tiếp bài sau nhé?",
        "ln_quiz_still_needed": "Bài kiểm tra của bài này chưa đạt. Làm lại khi nào bạn muốn.",
        "ln_module_quizzes_needed": "Để hoàn thành chủ đề, bạn cần đạt bài kiểm tra của bài {lessons}.",
        "ln_module_complete": "Chúc mừng! Bạn đã hoàn thành chủ đề \"{title}\".",
        "ln_course_title": "Kỹ năng số cơ bản — Bình dân học vụ số",
        "ln_course_complete": "Bạn đã hoàn thành tất cả các chủ đề. Xin chúc mừng!",
        "ln_certificate": (
            "Giấy chứng nhận: {title}\n"
            "Mã xác minh: {code}\n"
            "Xem và tải giấy: {png}\n"
            "Ai cũng có thể kiểm tra giấy thật hay giả tại: {verify}"
        ),
        "ln_review_none": "Hiện không có câu nào cần ôn. Giỏi lắm!",
        "ln_review_done": "Bạn đã ôn xong các câu hôm nay.",
        "ln_remind_on": "Đã bật nhắc học. Nếu bạn học dở, tôi sẽ nhắc một lần (không nhắc vào ban đêm).",
        "ln_remind_off": "Đã tắt nhắc học. Bạn có thể bật lại trong /hoso.",
        "ln_reminder": (
            "Chào bạn! Bạn đang học dở bài \"{lesson}\". Khi rảnh, bạn bấm \"Học tiếp\" nhé. "
            "Mỗi bài chỉ mất vài phút."
        ),
        # buttons
        "btn_ln_resume": "Học tiếp", "btn_ln_review": "Ôn lại {n} câu", "btn_ln_code": "Tôi đã có mã học viên",
        "btn_ln_have_code": "Tôi đã có mã học viên", "btn_ln_profile": "Hồ sơ học viên", "btn_ln_home": "Chủ đề học",
        "btn_ln_skip": "Bỏ qua", "btn_ln_next": "Tiếp", "btn_ln_back": "Quay lại", "btn_ln_pause": "Tạm dừng",
        "btn_ln_later": "Để sau", "btn_ln_next_q": "Câu tiếp theo", "btn_ln_practice": "Làm bài thực hành",
        "btn_ln_retry": "Làm lại bài kiểm tra", "btn_ln_did_it": "Tôi đã làm xong", "btn_ln_need_help": "Cần giúp đỡ",
        "btn_ln_next_lesson": "Bài tiếp: {title}", "btn_ln_lessons": "Danh sách bài",
        "btn_ln_name_yes": "Ghi tên", "btn_ln_noname": "Không ghi tên", "btn_ln_next_review": "Câu ôn tiếp theo",
        "btn_ln_remind_off": "Tắt nhắc học", "btn_ln_remind_on": "Bật nhắc học",
        "btn_ln_edit_commune": "Sửa xã, phường", "btn_ln_edit_group": "Sửa nhóm", "btn_ln_edit_age": "Sửa độ tuổi",
        "btn_ln_edit_name": "Tên trên giấy chứng nhận",
        # certificate image and verification page
        "cert_heading": "GIẤY CHỨNG NHẬN",
        "cert_line": "Đã hoàn thành",
        "cert_movement": "Phong trào \"Bình dân học vụ số\" — tỉnh {province}",
        "cert_learner": "Học viên: {name}",
        "cert_date": "Ngày cấp: {date}",
        "cert_code": "Mã xác minh: {code}",
        "cert_verify_at": "Kiểm tra tại: {url}",
        "verify_title": "Kiểm tra giấy chứng nhận",
        "verify_ok": "Giấy chứng nhận này là thật.",
        "verify_bad": "Không tìm thấy giấy chứng nhận với mã này. Giấy có thể bị làm giả, hoặc mã bị gõ sai.",
        "verify_form": "Nhập mã xác minh in trên giấy (ví dụ 7K3M-9QXA-2FHT):",
        "verify_button": "Kiểm tra",
    },
    "en": {
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
    },
}
