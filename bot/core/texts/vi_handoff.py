"""The Vietnamese catalogue, hand-off to volunteers: tickets, the wait, the helpdesk extras, the volunteers' Telegram chat.

Plain words, short sentences. `{name}` placeholders are filled by the caller (`bot.core.texts.t`);
every key also exists in the English catalogue (en_handoff.py) with the same placeholders."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "tk_ask_commune": (
        "Để chuyển bạn đến đúng tình nguyện viên, bạn ở xã/phường nào?\n"
        "Gõ tên xã, ví dụ \"Thượng Lâm\" (không dấu cũng được)."
    ),
    "tk_commune_choose": "Bạn chọn xã/phường của mình:",
    "tk_commune_none": "Tôi chưa tìm thấy xã/phường \"{text}\" ở tỉnh {province}. Bạn gõ lại tên xã, hoặc bỏ qua.",
    "btn_tk_skip_commune": "Bỏ qua",
    "tk_opened": "Tôi đã gửi yêu cầu của bạn (phiếu số {id}) đến tình nguyện viên {where}.",
    "tk_where_commune": "của {name}",
    "tk_where_province": "của tỉnh",
    "tk_existing": "Bạn đã có yêu cầu đang chờ (phiếu số {id}). Tình nguyện viên sẽ nhắn cho bạn tại đây.",
    "tk_next": (
        "Việc tiếp theo:\n"
        "1. Khi có người nhận, tôi báo bạn ngay tại đây.\n"
        "2. Bạn cứ nhắn tiếp, tình nguyện viên sẽ đọc được.\n"
        "3. Không gửi mã OTP, mật khẩu, số thẻ cho bất kỳ ai."
    ),
    "tk_urgent_first": "Việc cần làm NGAY, trước khi tình nguyện viên đến:",
    "tk_urgent_opened": "Tôi đã báo KHẨN cho tình nguyện viên (phiếu số {id}). Bạn làm ngay các bước ở trên nhé.",
    "tk_waiting_note": "Tin nhắn của bạn đã được chuyển cho tình nguyện viên. Bạn chờ một chút nhé.",
    "tk_claimed": "Tình nguyện viên {name} đã nhận hỗ trợ bạn. Bạn nhắn ở đây, {name} sẽ trả lời.",
    "tk_closed": (
        "Tình nguyện viên đã kết thúc hỗ trợ. Trợ lý tiếp tục giúp bạn.\n"
        "Bạn có hài lòng không? Bạn chấm điểm buổi hỗ trợ từ 1 (chưa hài lòng) đến 5 (rất hài lòng):"
    ),
    "tk_released": (
        "Tình nguyện viên {name} phải dừng hỗ trợ. Tôi đang tìm tình nguyện viên khác cho bạn.\n"
        "Bạn cứ nhắn tiếp, người nhận sau sẽ đọc được."
    ),
    "tk_rated": "Cảm ơn bạn đã chấm điểm!",
    "tk_cancelled": "Đã huỷ yêu cầu gặp tình nguyện viên. Trợ lý tiếp tục giúp bạn.",
    "tk_nothing_to_cancel": "Bạn không có yêu cầu nào đang chờ.",
    "tk_still_there": (
        "Bạn còn cần tình nguyện viên hỗ trợ không? Hãy nhắn tiếp. "
        "Nếu không, yêu cầu sẽ tự đóng sau ít phút."
    ),
    "tk_expired": "Xin lỗi, chưa có tình nguyện viên nào nhận yêu cầu của bạn. Bạn có thể gửi lại yêu cầu sau.",
    "tk_unavailable": "Hiện chưa gửi được yêu cầu đến tình nguyện viên. Bạn thử lại sau ít phút nhé.",
    "btn_tk_cancel": "Huỷ yêu cầu",
    # waiting, hours, pictures and satisfaction (core/helpdesk)
    "hx_position": "Bạn đang ở vị trí số {n} trong hàng chờ.",
    "hx_position_first": "Bạn là người tiếp theo trong hàng chờ.",
    "hx_estimate_min": "Thường có người trả lời sau khoảng {m} phút (theo {k} phiếu gần đây).",
    "hx_estimate_hours": "Thường có người trả lời sau khoảng {h} giờ (theo {k} phiếu gần đây).",
    "hx_no_data": "Chưa có đủ số liệu để ước tính thời gian chờ. Tình nguyện viên sẽ trả lời sớm nhất có thể.",
    "hx_closed_now": "Bây giờ ngoài giờ trực. Đội tình nguyện viên trực lại từ {hhmm} {weekday}, ngày {day}.",
    "hx_no_schedule": "Hiện đội tình nguyện viên chưa có lịch trực.",
    "hx_options": "Bạn có thể:",
    "hx_option_leave": "{n}. Để lại câu hỏi: tình nguyện viên sẽ trả lời bạn tại đây khi vào ca.",
    "hx_option_hotline": "{n}. Gọi đường dây nóng của tỉnh.",
    "btn_hx_leave": "Để lại câu hỏi",
    "btn_hx_hotline": "Số đường dây nóng",
    "btn_hx_wait": "Còn bao lâu?",
    "hx_left": "Đã ghi lại. Bạn gõ câu hỏi ở đây. Tình nguyện viên sẽ trả lời bạn khi vào ca.",
    "hx_hotline": "Đường dây nóng của tỉnh: {hotline}",
    "hx_claimed": "Tình nguyện viên {name} đang hỗ trợ bạn. Bạn cứ nhắn ở đây.",
    "hx_none": "Bạn không có yêu cầu nào đang chờ.",
    "hx_moved": "Cập nhật: bạn đang ở vị trí số {n} trong hàng chờ.",
    "hx_csat": "Bạn có hài lòng không? Bấm từ 1 (chưa hài lòng) đến 5 (rất hài lòng):",
    "hx_csat_thanks": "Cảm ơn bạn đã chấm điểm! Bạn muốn góp ý thêm thì bấm \"Góp ý\".",
    "hx_csat_ask_comment": "Bạn gõ góp ý của mình vào một tin nhắn:",
    "hx_csat_done": "Cảm ơn bạn đã góp ý!",
    "hx_csat_already": "Bạn đã chấm điểm rồi. Cảm ơn bạn!",
    "btn_hx_skip": "Bỏ qua",
    "btn_hx_comment": "Góp ý",
    "hx_picture_sent": "Đã chuyển ảnh cho tình nguyện viên.",
    "hx_picture_bad": "Không nhận được ảnh này. Bạn gửi ảnh JPG hoặc PNG, dưới 5 MB nhé.",
    "hx_picture_caption": "[Ảnh]",
    "hx_voice_caption": "🎤",
    "hx_file_caption": "[Tệp PDF]",
    "weekday_0": "thứ Hai", "weekday_1": "thứ Ba", "weekday_2": "thứ Tư", "weekday_3": "thứ Năm",
    "weekday_4": "thứ Sáu", "weekday_5": "thứ Bảy", "weekday_6": "Chủ nhật",
    # what a volunteer reads with a ticket (core/handoff/rules.TicketSummary.as_text)
    "tk_sum_reason": "Lý do: {reason}",
    "tk_sum_commune": "Xã/phường: {name}",
    "tk_sum_group": "Nhóm: {group}",
    "tk_sum_context": "Bối cảnh: {context}",
    "tk_sum_question": "{i}. Hỏi: {q}",
    "tk_sum_answer": "   Trợ lý ({state}): {source}",
    "tk_sum_answered": "đã trả lời",
    "tk_sum_unsure": "chưa chắc",
    "tk_reason_asked": "công dân muốn gặp người thật",
    "tk_reason_command": "công dân gõ /tinhnguyenvien",
    "tk_reason_button": "công dân bấm \"Gặp tình nguyện viên\"",
    "tk_reason_not_covered": "trợ lý không trả lời được",
    "tk_reason_not_helpful": "công dân bấm \"Chưa đúng\"",
    "tk_reason_urgent": "KHẨN: bị lừa / mất tiền / lộ OTP",
    "tk_reason_lesson_help": "cần giúp khi học bài",
    "tk_reason_voice": "trợ lý nghe không rõ tin nhắn giọng nói",
    "tk_commune_unknown": "(chưa rõ)",
    # the citizen's wait (core/handoff/rules.wait_phrase, opening_phrase)
    "tk_wait_min": "Thường tình nguyện viên trả lời sau khoảng {m} phút.",
    "tk_wait_hours": "Thường tình nguyện viên trả lời sau khoảng {h} giờ.",
    "tk_off_duty": "Bây giờ ngoài giờ trực của tình nguyện viên. Sẽ có người trả lời bạn từ {hhmm} ngày {day}.",
    # what volunteers read on Telegram about tickets (core/handoff/lifecycle)
    "vt_urgent": "🔴 KHẨN — {text}",
    "vt_new": "Phiếu hỗ trợ #{id}",
    "vt_unclaimed": "Phiếu #{id} chưa có ai nhận, cần hỗ trợ:",
    "vt_returned": "Phiếu #{id} được trả lại, cần người nhận:",
    "vt_from_citizen": "Phiếu #{id} — công dân:\n{text}",
    "vt_citizen_cancelled": "Phiếu #{id}: công dân đã huỷ yêu cầu.",
    "vt_auto_closed": "Phiếu #{id} đã tự đóng vì công dân không trả lời.",
    "btn_vt_claim": "Nhận hỗ trợ",
    # a linked volunteer's Telegram chat (core/handoff/volunteer_chat)
    "vt_help": (
        "Bạn đang dùng trợ lý với vai trò tình nguyện viên.\n"
        "1. Bấm \"Nhận hỗ trợ\" dưới một phiếu để nhận.\n"
        "2. Trả lời (reply) vào tin nhắn của phiếu để nhắn cho công dân.\n"
        "3. /xong [ghi chú] để đóng phiếu. /phieu xem phiếu đang nhận.\n"
        "4. /tralai để trả lại phiếu cho người khác nhận.\n"
        "5. /vang khi bận, /sansang khi rảnh."
    ),
    "vt_link_bad": "Mã liên kết không đúng hoặc đã hết hạn. Hãy lấy mã mới trong trang /volunteer.",
    "vt_linked": "Đã liên kết Telegram với tài khoản {name}.\n\n{help}",
    "vt_failed": "Không làm được: {message}",
    "vt_head_claimed": "Bạn đã nhận phiếu",
    "vt_head_show": "Phiếu",
    "vt_context": "{head} #{id}. Trả lời (reply) vào tin nhắn này để nhắn cho công dân.",
    "vt_context_asked": "• Hỏi trợ lý: {q}",
    "vt_citizen": "Công dân",
    "vt_volunteer": "TNV",
    "vt_context_foot": "Gõ /xong khi đã giúp xong.",
    "vt_close_which": "Hãy trả lời (reply) vào tin nhắn của phiếu cần đóng, rồi gõ /xong.",
    "vt_closed": "Đã đóng phiếu #{id}. Cảm ơn bạn!",
    "vt_release_which": "Hãy trả lời (reply) vào tin nhắn của phiếu cần trả lại, rồi gõ /tralai.",
    "vt_released": "Đã trả lại phiếu #{id}. Tình nguyện viên khác sẽ nhận.",
    "vt_away": "Đã ghi nhận bạn đang bận: bạn sẽ không nhận phiếu mới.",
    "vt_available": "Đã ghi nhận bạn sẵn sàng nhận phiếu mới.",
    "vt_none": "Bạn chưa nhận phiếu nào.",
    "vt_mine": "Phiếu bạn đang nhận: {ids}",
    "vt_many": "Bạn đang nhận nhiều phiếu. Hãy trả lời (reply) vào tin nhắn của phiếu cần nhắn.",
    "btn_vt_ticket": "Phiếu #{id}",
    "vt_sent": "✓ Đã gửi cho công dân (phiếu #{id}).",
    # volunteers' quick replies and reports (core/helpdesk/snippets, storage/helpdesk)
    "hx_see_also": "Xem thêm: {url}",
    "hx_report_province": "Tỉnh",
}
