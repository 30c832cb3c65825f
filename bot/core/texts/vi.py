"""The Vietnamese catalogue, general: greeting, menu, answers, consent, personal data (/dulieu, /xoa), voice messages.

Plain words, short sentences. `{name}` placeholders are filled by the caller (`bot.core.texts.t`);
every key also exists in the English catalogue (en.py) with the same placeholders."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "greeting": (
        "Xin chào! Tôi là trợ lý Bình dân học vụ số của tỉnh {province}.\n"
        "Tôi giúp bạn:\n"
        "1. Hỏi đáp về VNeID (định danh điện tử).\n"
        "2. Làm thủ tục trên Cổng Dịch vụ công.\n"
        "3. Thanh toán, chuyển tiền an toàn.\n"
        "4. Nhận biết lừa đảo trên mạng.\n"
        "5. Học kỹ năng số, hoặc gặp tình nguyện viên của xã.\n"
        "Bạn cứ gõ câu hỏi, có dấu hay không dấu đều được."
    ),
    "notice": (
        "Về dữ liệu của bạn:\n"
        "1. Tôi lưu tin nhắn và câu hỏi của bạn (đã xóa số căn cước, số điện thoại, mã OTP, mật khẩu, "
        "số thẻ) để trả lời bạn và cải thiện hướng dẫn.\n"
        "2. Tin nhắn được giữ {days} ngày, sau đó tự động xóa.\n"
        "3. Chỉ cán bộ quản trị và tình nguyện viên đang hỗ trợ bạn được xem.\n"
        "4. Gõ /dulieu để xem dữ liệu của bạn, /xoa để xóa hết.\n"
        "Đừng bao giờ gửi mã OTP, mật khẩu hay số thẻ cho ai, kể cả trợ lý này.\n"
        "Bạn có đồng ý không?"
    ),
    "consent_yes": "Cảm ơn bạn. Bạn cứ hỏi nhé.",
    "consent_no": (
        "Tôi đã ghi nhận bạn không đồng ý. Tôi vẫn trả lời bạn, nhưng không lưu nội dung câu hỏi của bạn."
    ),
    "menu": "Bạn cần giúp việc gì? Chọn một mục hoặc gõ câu hỏi:",
    "help": (
        "Cách dùng: gõ câu hỏi như khi nói chuyện, ví dụ \"quên mật khẩu VNeID\".\n"
        "Lệnh: /menu (danh mục), /hoc (học kỹ năng số), /hoso (hồ sơ học viên), "
        "/kiemtra (kiểm tra tin nhắn lạ), "
        "/tinhnguyenvien (gặp người hỗ trợ), /lang (đổi ngôn ngữ), /dulieu (xem dữ liệu của bạn), "
        "/xoa (xóa dữ liệu của bạn)."
    ),
    "topic_intro": "Một số hướng dẫn về {topic}. Chọn một mục, hoặc gõ câu hỏi của bạn:",
    "learn_intro": "Chọn chủ đề bạn muốn học:",
    "learn_module": "Chủ đề \"{title}\". Đọc các hướng dẫn sau:",
    "unsupported": (
        "Tôi chỉ đọc được tin nhắn chữ. Bạn hãy gõ câu hỏi bằng chữ, hoặc chọn /menu."
    ),
    "unknown_command": "Tôi không biết lệnh này.",
    "thanks_helpful": "Cảm ơn bạn đã góp ý!",
    "thanks_not_helpful": "Cảm ơn bạn. Tôi sẽ ghi lại để cải thiện. Bạn có muốn gặp tình nguyện viên không?",
    "offer_volunteer": (
        "Tôi chưa giúp được bạn. Bạn có muốn gặp tình nguyện viên tổ công nghệ số cộng đồng không?"
    ),
    "waiting": "Yêu cầu gặp tình nguyện viên của bạn đã được ghi nhận. Trong lúc chờ, bạn vẫn có thể hỏi tôi.",
    "lang_choose": "Chọn ngôn ngữ / Choose a language:",
    "lang_set": "Đã chuyển sang tiếng Việt.",
    "sensitive": (
        "Lưu ý: bạn vừa gửi thông tin bí mật (mã OTP, mật khẩu, số thẻ hoặc số giấy tờ). "
        "Tôi đã xóa nó, không lưu lại.\n"
        "Đừng bao giờ gửi những thông tin này cho bất kỳ ai, kể cả người xưng là công an, ngân hàng "
        "hay chính trợ lý này. Nếu lỡ đưa cho người lạ, hãy đổi mật khẩu và gọi ngay cho ngân hàng."
    ),
    "guide_missing": "Hướng dẫn này không còn nữa. Bạn hãy gõ câu hỏi của mình.",
    "btn_vneid": "Hỏi đáp VNeID", "btn_dvc": "Dịch vụ công", "btn_pay": "Thanh toán",
    "btn_safety": "An toàn trên mạng", "btn_learn": "Học kỹ năng số", "btn_volunteer": "Gặp tình nguyện viên",
    "btn_helpful": "Hữu ích", "btn_not_helpful": "Chưa đúng", "btn_menu": "Danh mục",
    "btn_yes": "Đồng ý", "btn_no": "Không đồng ý",
    "topic_vneid": "VNeID", "topic_dichvucong": "dịch vụ công", "topic_payments": "thanh toán",
    "topic_safety": "an toàn trên mạng", "topic_local": "hỗ trợ ở xã", "topic_general": "trợ lý",
    "source": "Nguồn",
    "related": "Xem thêm",
    "clarify": "Bạn hỏi về việc nào? Bấm để chọn, hoặc gõ thêm (ví dụ: \"VNeID\", \"ngân hàng\", \"Zalo\").",
    "btn_other": "Việc khác",
    "clarify_other": "Bạn gõ rõ hơn giúp tôi: bạn hỏi về ứng dụng hay giấy tờ nào? Hoặc nhờ tình nguyện viên của xã.",
    "offer_wrong": ("Xin lỗi, có thể tôi hiểu chưa đúng ý bạn. "
                    "Bạn xem một trong các hướng dẫn này, hoặc gặp tình nguyện viên:"),
    "offer_failed": ("Nếu làm theo mà vẫn không được, bạn xem thêm các hướng dẫn này, "
                     "hoặc nhờ tình nguyện viên của xã giúp trực tiếp:"),
    "choose_number": "Gõ {numbers} để chọn.",
    "or": "hoặc",
    # personal data: /dulieu, /xoa, rate limits
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
    "pd_subscriptions": "Đăng ký nhận tin (chủ đề, xã/phường, lần đồng ý)",
    "pd_classes": "Đăng ký lớp học cộng đồng", "pd_announcements": "Tin báo đã gửi cho bạn",
    "pd_consent_given": "Bạn đã đồng ý lưu dữ liệu ngày {at}.",
    "pd_consent_declined": "Bạn đã không đồng ý lưu dữ liệu (ngày {at}).",
    "pd_foot": (
        "Các tin nhắn đã được xóa số giấy tờ, số điện thoại, mã OTP, mật khẩu và số thẻ. "
        "Tin nhắn cũ hơn {days} ngày tự động bị xóa.\n"
        "Gõ /xoa nếu bạn muốn xóa hết."
    ),
    "pd_download": "Tải tệp dữ liệu (JSON)",
    "pd_json": "Toàn bộ dữ liệu của bạn (dạng JSON):",
    "pd_file": "Toàn bộ dữ liệu của bạn: tệp đính kèm dưới đây.",
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
    # voice messages
    "vc_confirm": "Bác hỏi: «{text}» — đúng không?",
    "vc_low": "Tôi nghe chưa rõ tin nhắn giọng nói của bác.",
    "vc_low_heard": "Tôi nghe chưa rõ. Hình như bác nói: «{text}».",
    "vc_low_choose": "Bác muốn nói lại, gõ chữ, hay gặp tình nguyện viên?",
    "vc_queued": "Tôi đang nghe tin nhắn giọng nói của bác, bác chờ một chút nhé…",
    "vc_busy": "Tôi đang bận, bác thử lại sau ít phút nhé. Bác cũng có thể gõ chữ.",
    "vc_unavailable": "Tôi chưa nghe được tin nhắn giọng nói. Bác gõ câu hỏi bằng chữ giúp tôi nhé.",
    "vc_too_long": "Tin nhắn giọng nói dài quá. Bác nói ngắn lại, dưới {seconds} giây, hoặc gõ chữ nhé.",
    "vc_too_large": "Tệp âm thanh lớn quá. Bác nói ngắn lại, dưới {seconds} giây, hoặc gõ chữ nhé.",
    "vc_unreadable": "Tôi không mở được tệp âm thanh này. Bác nói lại, hoặc gõ chữ nhé.",
    "vc_again": "Bác bấm giữ nút micro, nói câu hỏi thật chậm và rõ, rồi thả ra.",
    "vc_type": "Bác gõ câu hỏi vào ô chữ nhé, có dấu hay không dấu đều được.",
    "vc_nothing": "Tôi không còn giữ câu hỏi đó. Bác nói lại, hoặc gõ chữ nhé.",
    "vc_listen_none": "Chưa có câu trả lời nào để đọc. Bác hỏi tôi trước nhé.",
    "vc_always_on": "Từ giờ tôi sẽ luôn gửi kèm giọng nói. Bấm \"Thôi gửi giọng nói\" để tắt.",
    "vc_always_off": "Tôi sẽ chỉ gửi giọng nói khi bác bấm \"Nghe\".",
    "vc_context": "Tin nhắn giọng nói, máy nghe được: «{text}»",
    "vc_clip_link": "Bấm để nghe câu trả lời (link dùng trong {minutes} phút): {url}",
    "vc_speech_failed": "Tôi chưa đọc được câu trả lời thành tiếng. Bác xem chữ ở trên nhé.",
    "btn_vc_yes": "Đúng", "btn_vc_again": "Nói lại", "btn_vc_type": "Gõ chữ",
    "btn_vc_listen": "Nghe", "btn_vc_always": "Luôn gửi giọng nói", "btn_vc_never": "Thôi gửi giọng nói",
}
