"""The Vietnamese catalogue, learning digital skills (issue 6): profile, lessons, quizzes, certificates.

Plain words, short sentences. `{name}` placeholders are filled by the caller (`bot.core.texts.t`);
every key also exists in the English catalogue (en_learning.py) with the same placeholders."""

from __future__ import annotations

TEXTS: dict[str, str] = {
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
}
