"""Every sentence the bot says, Vietnamese first, English second. Plain words, short sentences."""

from __future__ import annotations

NOTICE_VERSION = "2026-12-v2"  # issue 8: what is kept, why, how long, who sees it, rights

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "greeting": (
            "Xin chào! Tôi là trợ lý Bình dân học vụ số của tỉnh Tuyên Quang.\n"
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
    },
    "en": {
        "greeting": (
            "Hello! I am the Digital Literacy for All assistant of Tuyen Quang province.\n"
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
    },
}


def t(lang: str, key: str, **kw: object) -> str:
    table = TEXTS.get(lang, TEXTS["vi"])
    text = table.get(key) or TEXTS["vi"][key]
    return text.format(**kw) if kw else text


def _merge() -> None:
    from bot.core.outreach.texts import PD_TEXTS as outreach
    from bot.core.texts_handoff import TEXTS as handoff
    from bot.core.texts_learning import TEXTS as learning
    from bot.core.texts_privacy import TEXTS as privacy
    from bot.core.voice.texts import TEXTS as voice

    for extra in (handoff, learning, privacy, voice, outreach):
        for lang, table in extra.items():
            TEXTS[lang].update(table)


_merge()
