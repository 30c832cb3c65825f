"""What the bot says about personal data: /dulieu (see my data), /xoa (erase), rate limits. Vietnamese
first, English second; merged into bot.core.texts.TEXTS."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "pd_head": "Dữ liệu tôi đang giữ về bạn:",
        "pd_none": "Tôi không giữ dữ liệu nào về bạn.",
        "pd_line": "{label}: {n}",
        "pd_questions": "Câu hỏi đã ghi lại",
        "pd_conversation": "Trạng thái trò chuyện (ngôn ngữ, lựa chọn đồng ý, vài câu hỏi gần nhất)",
        "pd_messages": "Tin nhắn bạn đã gửi",
        "pd_replies": "Tin trả lời của trợ lý",
        "pd_consent": "Lần trả lời về việc đồng ý lưu dữ liệu",
        "pd_tickets": "Yêu cầu gặp tình nguyện viên",
        "pd_learning": "Kết quả học kỹ năng số",
        "pd_satisfaction": "Điểm hài lòng và góp ý",
        "pd_ticket_files": "Ảnh và tệp gửi cho tình nguyện viên",
        "pd_consent_given": "Bạn đã đồng ý lưu dữ liệu ngày {at}.",
        "pd_consent_declined": "Bạn đã không đồng ý lưu dữ liệu (ngày {at}).",
        "pd_foot": (
            "Các tin nhắn đã được xóa số giấy tờ, số điện thoại, mã OTP, mật khẩu và số thẻ. "
            "Tin nhắn cũ hơn {days} ngày tự động bị xóa.\n"
            "Gõ /xoa nếu bạn muốn xóa hết."
        ),
        "pd_download": "Tải tệp dữ liệu (JSON)",
        "pd_json": "Toàn bộ dữ liệu của bạn (dạng JSON):",
        "erase_ask": (
            "Bạn muốn xóa toàn bộ dữ liệu của bạn?\n"
            "1. Tin nhắn, câu hỏi, trạng thái trò chuyện và kết quả học sẽ bị xóa hẳn.\n"
            "2. Yêu cầu gặp tình nguyện viên chỉ còn số liệu thống kê, không còn nội dung hay mã của bạn.\n"
            "3. Không thể khôi phục lại.\n"
            "Bạn chắc chắn chứ?"
        ),
        "btn_erase_yes": "Xóa hết",
        "btn_erase_no": "Không xóa",
        "erased": (
            "Đã xóa toàn bộ dữ liệu của bạn. Nếu bạn nhắn tiếp, tôi sẽ hỏi lại bạn có đồng ý lưu dữ liệu không."
        ),
        "erase_kept": "Tôi chưa xóa gì. Dữ liệu của bạn vẫn như cũ.",
        "erase_unavailable": "Xin lỗi, lúc này tôi chưa xóa được. Bạn hãy thử lại sau ít phút.",
        "slow_down": (
            "Bạn gửi nhanh quá nên tôi chưa đọc được các tin vừa rồi. "
            "Hãy chờ khoảng một phút rồi gửi lại câu hỏi nhé."
        ),
        "slow_down_web": "Bạn gửi nhanh quá. Hãy chờ {s} giây rồi gửi lại.",
    },
    "en": {
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
        "pd_consent_given": "You agreed to data keeping on {at}.",
        "pd_consent_declined": "You did not agree to data keeping ({at}).",
        "pd_foot": (
            "ID numbers, phone numbers, OTP codes, passwords and card numbers were removed from your messages. "
            "Messages older than {days} days are deleted automatically.\n"
            "Type /xoa to delete everything."
        ),
        "pd_download": "Download your data (JSON)",
        "pd_json": "All your data (JSON):",
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
    },
}
