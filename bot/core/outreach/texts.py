"""What the bot says about announcements and community classes: Vietnamese first (plain, short), English
second. `CONSENT` is the exact sentence recorded with a subscription (its version goes with it)."""

from __future__ import annotations

CONSENT_VERSION = "2026-12-outreach-v1"

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "sub_intro": ("Bạn muốn nhận tin từ trợ lý?\n"
                      "1. Tôi chỉ gửi tin về chủ đề bạn chọn, cho xã/phường của bạn.\n"
                      "2. Không gửi từ 22 giờ đến 6 giờ sáng.\n"
                      "3. Gõ /huynhantin hoặc \"dừng\" bất cứ lúc nào để thôi nhận.\n"
                      "Chọn chủ đề:"),
        "consent": ("Tôi đồng ý nhận tin của trợ lý Bình dân học vụ số về các chủ đề đã chọn. "
                    "Tôi có thể dừng bất cứ lúc nào bằng /huynhantin hoặc \"dừng\"."),
        "topic_classes": "Lớp học gần nhà", "topic_scam": "Cảnh báo lừa đảo", "topic_services": "Dịch vụ công mới",
        "btn_all": "Nhận tất cả", "btn_stop": "Thôi nhận tin", "btn_sub": "Nhận tin báo",
        "ask_commune": "Bạn ở xã/phường nào? Gõ tên xã/phường (ví dụ: Thượng Lâm).",
        "btn_skip_commune": "Cả tỉnh",
        "commune_choose": "Bạn ở xã/phường nào trong các nơi sau?",
        "commune_none": "Tôi chưa tìm thấy \"{text}\". Bạn gõ lại tên xã/phường nhé.",
        "subscribed": "Đã đăng ký nhận tin: {topics}. Nơi: {where}.\nGõ /huynhantin hoặc \"dừng\" để thôi nhận.",
        "where_province": "cả tỉnh",
        "unsubscribed": "Bạn đã thôi nhận tin. Tôi sẽ không gửi tin báo nữa.",
        "unsubscribed_cancelled": "Bạn đã thôi nhận tin. Đã hủy {n} tin đang chờ gửi.",
        "not_subscribed": "Bạn chưa đăng ký nhận tin. Gõ /nhantin nếu muốn nhận.",
        "classes_none": "Chưa có lớp học nào sắp tới ở {where}. Gõ /nhantin để được báo khi có lớp mới.",
        "classes_head": "Các lớp học sắp tới ở {where}:",
        "classes_head_province": "Chưa có lớp ở xã/phường của bạn. Các lớp gần nhất trong tỉnh:",
        "class_line": "{n}. {title}\n   {when} — {place}\n   Còn {free} chỗ{contact}",
        "class_line_full": "{n}. {title}\n   {when} — {place}\n   Đã đủ chỗ, có thể đăng ký chờ{contact}",
        "class_contact": "\n   Liên hệ: {contact}",
        "btn_register": "Đăng ký: {title}",
        "btn_unregister": "Hủy đăng ký",
        "btn_classes": "Lớp học gần tôi",
        "registered": ("Đã đăng ký lớp \"{title}\".\nThời gian: {when}\nĐịa điểm: {place}\n"
                       "Tôi sẽ nhắc bạn trước một ngày và trước hai giờ."),
        "waiting": "Lớp \"{title}\" đã đủ chỗ. Bạn đứng thứ {pos} trong danh sách chờ. Có chỗ tôi sẽ báo ngay.",
        "already": "Bạn đã đăng ký lớp này rồi.",
        "class_gone": "Lớp này không còn nhận đăng ký.",
        "unregistered": "Đã hủy đăng ký lớp \"{title}\".",
        "not_registered": "Bạn chưa đăng ký lớp này.",
        "promoted": "Tin vui: đã có chỗ cho bạn ở lớp \"{title}\".\nThời gian: {when}\nĐịa điểm: {place}",
        "remind_day_before": "Nhắc lịch: ngày mai có lớp \"{title}\".\nThời gian: {when}\nĐịa điểm: {place}",
        "remind_two_hours": "Nhắc lịch: 2 giờ nữa là đến lớp \"{title}\".\nThời gian: {when}\nĐịa điểm: {place}",
        "class_cancelled": "Xin lỗi, lớp \"{title}\" ({when}) đã bị hủy.",
        "link_open": "Mở trang chính thống:",
        "gone": "Nội dung này không còn nữa.",
    },
    "en": {
        "sub_intro": ("Would you like news from the assistant?\n"
                      "1. Only the topics you choose, for your commune.\n"
                      "2. Never between 22:00 and 06:00.\n"
                      "3. Type /huynhantin or \"stop\" at any time to stop.\n"
                      "Choose topics:"),
        "consent": ("I agree to receive messages from the Bình dân học vụ số assistant on the chosen topics. "
                    "I can stop at any time with /huynhantin or \"stop\"."),
        "topic_classes": "Classes near me", "topic_scam": "Scam alerts", "topic_services": "New public services",
        "btn_all": "All topics", "btn_stop": "Stop news", "btn_sub": "Get news",
        "ask_commune": "Which commune do you live in? Type its name (e.g. Thượng Lâm).",
        "btn_skip_commune": "Whole province",
        "commune_choose": "Which of these is your commune?",
        "commune_none": "I could not find \"{text}\". Please type the commune name again.",
        "subscribed": "Subscribed: {topics}. Area: {where}.\nType /huynhantin or \"stop\" to stop.",
        "where_province": "the whole province",
        "unsubscribed": "You will get no more news from me.",
        "unsubscribed_cancelled": "You will get no more news. {n} pending messages were cancelled.",
        "not_subscribed": "You are not subscribed. Type /nhantin to subscribe.",
        "classes_none": "No upcoming classes in {where}. Type /nhantin to hear about new ones.",
        "classes_head": "Upcoming classes in {where}:",
        "classes_head_province": "No class in your commune yet. The next classes in the province:",
        "class_line": "{n}. {title}\n   {when} — {place}\n   {free} seats left{contact}",
        "class_line_full": "{n}. {title}\n   {when} — {place}\n   Full: you can join the waiting list{contact}",
        "class_contact": "\n   Contact: {contact}",
        "btn_register": "Register: {title}",
        "btn_unregister": "Cancel registration",
        "btn_classes": "Classes near me",
        "registered": ("You are registered for \"{title}\".\nWhen: {when}\nWhere: {place}\n"
                       "I will remind you the day before and two hours before."),
        "waiting": "\"{title}\" is full. You are number {pos} on the waiting list. I will tell you when a seat frees up.",
        "already": "You are already registered for this class.",
        "class_gone": "This class no longer takes registrations.",
        "unregistered": "Your registration for \"{title}\" is cancelled.",
        "not_registered": "You are not registered for this class.",
        "promoted": "Good news: a seat is free for you in \"{title}\".\nWhen: {when}\nWhere: {place}",
        "remind_day_before": "Reminder: \"{title}\" is tomorrow.\nWhen: {when}\nWhere: {place}",
        "remind_two_hours": "Reminder: \"{title}\" starts in 2 hours.\nWhen: {when}\nWhere: {place}",
        "class_cancelled": "Sorry, the class \"{title}\" ({when}) is cancelled.",
        "link_open": "Open the official page:",
        "gone": "This is no longer available.",
    },
}


def tx(lang: str, key: str, **kw: object) -> str:
    text = TEXTS.get(lang, TEXTS["vi"]).get(key) or TEXTS["vi"][key]
    return text.format(**kw) if kw else text
