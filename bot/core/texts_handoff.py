"""What the bot says around volunteer tickets, Vietnamese first. Merged into `bot.core.texts.TEXTS`."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
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
        "pd_tickets": "Yêu cầu gặp tình nguyện viên",
    },
    "en": {
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
        "pd_tickets": "Requests for a volunteer",
    },
}
