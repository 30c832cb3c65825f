"""What the checker says to citizens: one plain line per reason, the verdict and what to do now.
Vietnamese first, English second; `{name}` and `{host}` are filled in by the checker."""

from __future__ import annotations

REASONS: dict[str, tuple[str, str]] = {
    "link_reported": ("Đường link {host} đã bị báo cáo là lừa đảo.", "The link {host} has been reported as a scam."),
    "link_lookalike": ("Đường link {host} giả tên “{name}” nhưng không phải địa chỉ chính thức.",
                       "The link {host} borrows the name “{name}” but is not the official address."),
    "link_mixed_script": ("Địa chỉ {host} dùng chữ cái lạ, trông giống chữ thường, để giả mạo.",
                          "The address {host} uses look-alike letters from another alphabet."),
    "link_install_file": ("Đường link tải về tệp cài ứng dụng. Ứng dụng thật chỉ tải từ CH Play hoặc App Store.",
                          "The link downloads an app file. Real apps come only from Google Play or the App Store."),
    "link_ip": ("Đường link là một dãy số, không phải địa chỉ trang chính thức.",
                "The link is a bare number (an IP address), not an official site."),
    "link_shortener": ("Đường link bị rút gọn ({host}), không biết dẫn tới đâu.",
                       "The link is shortened ({host}), so you cannot see where it goes."),
    "link_risky_tld": ("Tên miền {host} có đuôi hay bị kẻ gian dùng.", "The domain {host} has an ending scammers often use."),
    "link_http_login": ("Trang {host} đòi đăng nhập nhưng không có bảo mật (không có https).",
                        "The page {host} asks you to log in without a secure connection (no https)."),
    "link_unknown": ("Đường link {host} không có trong danh sách địa chỉ chính thức.",
                     "The link {host} is not on the list of official addresses."),
    "link_official": ("Đường link {host} là địa chỉ chính thức.", "The link {host} is an official address."),
    "phone_reported": ("Số điện thoại {name} đã bị báo cáo là lừa đảo.", "The number {name} has been reported as a scam."),
    "phone_not_official": ("Tin nhắn xưng là cơ quan, ngân hàng nhưng số {name} không phải số chính thức.",
                           "The message claims to be an authority or bank, but {name} is not an official number."),
    "phone_foreign": ("Số {name} là số nước ngoài.", "The number {name} is a foreign number."),
    "phone_official": ("Số {name} là số chính thức của {host}.", "The number {name} is the official number of {host}."),
    "ask_otp": ("Tin nhắn đòi mã OTP. Cơ quan, ngân hàng thật không bao giờ hỏi mã OTP.",
                "It asks for an OTP code. Real banks and agencies never ask for it."),
    "ask_password": ("Tin nhắn đòi mật khẩu hoặc mã PIN. Không ai được hỏi những thứ này.",
                     "It asks for a password or PIN. Nobody may ask for these."),
    "ask_card": ("Tin nhắn đòi số thẻ hoặc mã CVV sau thẻ.", "It asks for a card number or the CVV code."),
    "ask_transfer_verify": ("Tin nhắn bảo chuyển tiền để “xác minh”, nộp phí hoặc vào “tài khoản tạm giữ”. Công an, "
                            "ngân hàng thật không làm vậy.",
                            "It asks you to transfer money “to verify”, pay a fee or move it to a “safe account”."),
    "ask_screen_share": ("Tin nhắn bảo chia sẻ màn hình hoặc cài ứng dụng điều khiển điện thoại từ xa.",
                         "It asks you to share your screen or install a remote-control app."),
    "ask_id_photo": ("Tin nhắn đòi ảnh thẻ căn cước hoặc video khuôn mặt.",
                     "It asks for photos of your ID card or a face video."),
    "ask_install": ("Tin nhắn bảo cài ứng dụng theo hướng dẫn của người lạ.",
                    "It asks you to install an app a stranger points to."),
    "ask_money": ("Tin nhắn đòi chuyển tiền vào một tài khoản.", "It asks you to send money to an account."),
    "ask_transfer_account": ("Tin nhắn đòi chuyển tiền vào một số tài khoản cụ thể. Hãy gọi hỏi lại người thân hoặc "
                             "cơ quan bằng số bạn đã biết trước khi chuyển.",
                             "It asks you to send money to a specific account number. Call the person or office on a "
                             "number you already know before sending anything."),
    "ask_scan_qr": ("Tin nhắn bảo quét mã QR để “nhận tiền” hoặc “xác minh”. Quét mã QR trong ứng dụng ngân hàng là để "
                    "TRẢ tiền, không phải nhận tiền.",
                    "It asks you to scan a QR code to “receive money” or “verify”. Scanning a QR code in a bank app "
                    "PAYS money; it never receives it."),
    "ask_topup_card": ("Tin nhắn đòi nạp hoặc gửi mã thẻ cào.", "It asks you to buy or send phone top-up card codes."),
    "ask_account_info": ("Tin nhắn hỏi số tài khoản hoặc số dư của bạn.", "It asks for your account number or balance."),
    "ask_open_link": ("Tin nhắn giục bấm vào đường link.", "It urges you to open a link."),
    "ask_fee": ("Tin nhắn đòi nộp phí hoặc tiền phạt.", "It asks you to pay a fee or a fine."),
    "ask_callback": ("Tin nhắn bảo gọi lại hoặc kết bạn Zalo với một số lạ.",
                     "It asks you to call back or add a stranger on Zalo."),
    "bait_locked": ("Tin nhắn dọa khóa tài khoản, thẻ hoặc SIM.", "It threatens to lock your account, card or SIM."),
    "bait_fine": ("Tin nhắn báo “phạt nguội” hoặc vi phạm giao thông.", "It announces a traffic fine."),
    "bait_legal": ("Tin nhắn dọa liên quan vụ án, giấy triệu tập, lệnh bắt.",
                   "It threatens you with a criminal case, a summons or an arrest."),
    "bait_prize": ("Tin nhắn báo trúng thưởng hoặc quà tặng.", "It announces a prize or a gift."),
    "bait_job": ("Tin nhắn mời việc nhẹ lương cao, làm nhiệm vụ ăn hoa hồng.",
                 "It offers easy, well-paid work or paid “tasks”."),
    "bait_loan": ("Tin nhắn mời vay tiền nhanh, không cần thế chấp.", "It offers a fast loan without checks."),
    "bait_relative": ("Tin nhắn báo người thân gặp nạn, cần tiền gấp.", "It says a relative is in trouble and needs money now."),
    "bait_wrong_transfer": ("Tin nhắn báo “chuyển nhầm” và đòi chuyển trả lại.",
                            "It claims a wrong transfer and asks you to send it back."),
    "bait_invest": ("Tin nhắn hứa lãi cao khi đầu tư.", "It promises high returns on an investment."),
    "bait_refund": ("Tin nhắn hứa hoàn tiền hoặc tiền hỗ trợ.", "It promises a refund or an allowance."),
    "bait_customs": ("Tin nhắn nói có quà, kiện hàng từ nước ngoài bị hải quan giữ, đòi nộp phí.",
                     "It says a gift or parcel from abroad is held by customs and asks for a fee."),
    "bait_upgrade": ("Tin nhắn bảo nâng cấp, cập nhật tài khoản định danh hoặc SIM.",
                     "It asks you to upgrade or update your ID account or SIM."),
    "bait_utility_cut": ("Tin nhắn dọa cắt điện, cắt nước hoặc cắt SIM.", "It threatens to cut your power, water or SIM."),
    "bait_parcel": ("Tin nhắn báo đơn hàng gặp sự cố, đòi cập nhật hoặc nộp phí.",
                    "It says a parcel has a problem and asks for details or a fee."),
    "pressure_secrecy": ("Tin nhắn bảo giữ bí mật, không nói với người thân.",
                         "It tells you to keep it secret from your family."),
    "pressure_urgent": ("Tin nhắn giục làm gấp.", "It rushes you."),
    "claims_authority": ("Người gửi tự xưng là cơ quan, ngân hàng.", "The sender claims to be an authority or a bank."),
}

VERDICTS: dict[str, tuple[str, str]] = {
    "danger": ("🚫 Rất có thể là LỪA ĐẢO.", "🚫 This is very likely a SCAM."),
    "suspicious": ("⚠️ Có dấu hiệu đáng ngờ.", "⚠️ This looks suspicious."),
    "no_signs": ("Chưa thấy dấu hiệu lừa đảo rõ ràng. Nhưng như vậy chưa chắc là an toàn.",
                 "No clear signs of a scam. That is not a guarantee it is safe."),
    "official": ("✅ Đường link và số điện thoại trong tin là của nơi chính thức.",
                 "✅ The links and numbers in it are official."),
}

ADVICE: dict[str, tuple[str, str]] = {
    "danger": ("1. Không bấm link, không gọi lại, không chuyển tiền.\n2. Không đọc mã OTP, mật khẩu cho ai.\n"
               "3. Xóa tin nhắn, chặn số gửi.\n4. Nếu lo lắng, hỏi Công an xã hoặc người thân.",
               "1. Do not open the link, call back or send money.\n2. Never give an OTP or password.\n"
               "3. Delete the message and block the sender.\n4. If worried, ask the commune police or family."),
    "suspicious": ("1. Chưa bấm link, chưa làm theo tin nhắn.\n2. Tự gọi số tổng đài in trên thẻ hoặc trang chính thức "
                   "để hỏi lại.\n3. Không đọc mã OTP, mật khẩu cho ai.",
                   "1. Do not follow the message yet.\n2. Call the hotline printed on your card or the official site.\n"
                   "3. Never give an OTP or password."),
    "no_signs": ("1. Vẫn không đọc mã OTP, mật khẩu cho ai.\n2. Nếu tin nhắn đòi tiền, tự gọi lại số chính thức để hỏi.",
                 "1. Still never give an OTP or password.\n2. If it asks for money, call the official number yourself."),
    "official": ("1. Vẫn không đọc mã OTP, mật khẩu cho ai, kể cả người xưng là nhân viên.\n"
                 "2. Chỉ làm theo trong ứng dụng hoặc trang chính thức.",
                 "1. Still never give an OTP or password, even to staff.\n2. Act only in the official app or site."),
}

URGENT: tuple[str, str] = (
    "Nếu bạn ĐÃ chuyển tiền hoặc đã đưa mã OTP, mật khẩu, hãy làm ngay:\n"
    "1. Gọi tổng đài ngân hàng (số in sau thẻ) để khóa tài khoản, khóa thẻ.\n"
    "2. Đổi mật khẩu ứng dụng ngân hàng, VNeID, Zalo.\n"
    "3. Báo Công an xã nơi gần nhất, mang theo tin nhắn, số tài khoản đã chuyển.\n"
    "4. Bấm “Gặp người hỗ trợ” để tình nguyện viên giúp bạn.",
    "If you ALREADY sent money or gave a code or password, act now:\n"
    "1. Call your bank's hotline (printed on the card) to freeze the account and card.\n"
    "2. Change your banking, VNeID and Zalo passwords.\n"
    "3. Report to the nearest commune police with the message and the account you paid.\n"
    "4. Press “Talk to a person” so a volunteer can help.",
)


def reason_text(code: str, lang: str, **values: str) -> str:
    vi, en = REASONS[code]
    return (en if lang == "en" else vi).format(**{"name": "", "host": "", **values})
