"""Generate tests/data/pii_corpus.jsonl: realistic citizen messages carrying personal data.

Every identifier is synthetic (random digits with the right shape: ID numbers with a province prefix,
Luhn-valid card numbers, mobile prefixes of Vietnamese carriers); none belongs to a real person. Each
record lists the exact personal items (must be redacted) and the ordinary numbers (dates, fees,
procedure codes, years, quantities, hotlines — must be kept):

    {"text": "...", "personal": [{"kind": "cccd", "value": "..."}], "ordinary": ["1.000028", ...]}

    python tests/data/make_pii_corpus.py            # rewrites the file (deterministic: seed 2026)

The first 400 records are the original corpus (issue 8). Issue 25 appends `EXTRA_NEGATIVE` records
(ordinary citizen questions with numbers: dates, fees, hotlines, procedure and commune codes, plates,
versions; many unaccented or in teencode — none may be redacted, none may get a warning) and
`EXTRA_POSITIVE` records for the gaps found by the review (full-width, Arabic-Indic and invisibly split
digits, spaced or dotted OTPs, codes and account numbers without a keyword).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent / "pii_corpus.jsonl"

# (template, personal slots, ordinary slots). Slots: {cccd} {cmnd} {phone} {otp} {pw} {card} {acct} {email}
# {bhxh}; ordinary: {fee} {date} {code} {year} {qty} {hotline} {amount} {time} {pct} {decree}.
TEMPLATES = [
    "Số căn cước của tôi là {cccd}, tôi muốn đăng ký VNeID mức 2 thì làm thế nào? Phí {fee} đồng phải không?",
    "Cho em hỏi thủ tục {code} cấp lại căn cước, CCCD cũ {cccd} bị mất ngày {date}",
    "Có người gọi từ số {phone} xưng là công an, bảo tôi đọc mã OTP {otp} để cập nhật VNeID. Có đúng không?",
    "Tôi vừa nhận tin nhắn mã xác thực là {otp} từ ngân hàng lúc {time}, có ai hỏi thì có nên đưa không?",
    "mật khẩu VNeID của tôi là {pw} mà đăng nhập không được, đã thử {qty} lần rồi",
    "Con tôi đổi mật khẩu thành {pw} rồi quên mất, số điện thoại đăng ký là {phone}",
    "Tôi chuyển nhầm {amount} đồng vào tài khoản {acct} ngày {date}, làm sao lấy lại?",
    "STK của em là {acct} ngân hàng Agribank, nhận tiền hỗ trợ năm {year} được không ạ",
    "Thẻ {card} của tôi bị trừ {amount} đồng lúc {time} mà tôi không giao dịch",
    "Tôi nhập số thẻ {card} vào trang lạ rồi, giờ phải làm gì? Gọi {hotline} được không",
    "Email của tôi là {email}, gửi hướng dẫn nộp hồ sơ thủ tục {code} giúp tôi",
    "Chứng minh thư cũ số {cmnd}, năm {year} đổi sang căn cước có mất phí {fee} đồng không?",
    "CMND {cmnd} của bố tôi hết hạn từ {date}, ông {qty} tuổi rồi có phải làm lại không",
    "Số điện thoại {phone} của tôi bị khóa, muốn đổi số trên VNeID sang {phone2}",
    "liên hệ mình qua zalo {phone} hoặc email {email} nhé, cảm ơn tổ công nghệ số",
    "Mã số BHXH của mẹ tôi là {bhxh}, tra cứu quá trình đóng từ năm {year} ở đâu?",
    "Bên ngân hàng nhắn mã OTP: {otp}, hạn mức chuyển {amount} đồng một ngày, có an toàn không",
    "{otp} là mã xác thực giao dịch của bạn. Không chia sẻ mã này. Có người bảo tôi gửi lại cho họ",
    "Tôi là {name}, CCCD {cccd}, SĐT {phone}, đăng ký tài khoản dịch vụ công mức {level} bị lỗi",
    "Nộp lệ phí {fee} đồng cho thủ tục {code} bằng thẻ {card} được không?",
    "Tài khoản ngân hàng {acct} bị trừ {pct}% phí, hotline {hotline} không nghe máy",
    "Người lạ gọi {phone} bảo cài app, rồi hỏi mật khẩu: {pw}. Tôi đã đưa, có sao không",
    "Tôi sinh năm {year}, căn cước {cccd}, muốn tích hợp giấy phép lái xe vào VNeID theo Nghị định {decree}",
    "Mã OTP {otp} gửi về số {phone} lúc {time} ngày {date} nhưng tôi không yêu cầu",
    "em gửi số tk {acct} vietcombank và sdt {phone} để nhận tiền hoàn {amount} đồng",
    "Số định danh cá nhân {cccd} của cháu sinh ngày {date} đã có chưa, làm khai sinh thủ tục {code}",
    "Mật khẩu mới là {pw}, mật khẩu cũ là {pw2}, cả {qty} cái đều không vào được",
    "Trang web bảo nhập số thẻ {card} và mã OTP {otp} để nhận {amount} đồng hỗ trợ",
    "Có {qty} hồ sơ đang chờ, tôi nộp ngày {date}, liên hệ {phone} hoặc {email}",
    "Số CMND cũ {cmnd} và số CCCD mới {cccd} khác nhau, ngân hàng yêu cầu cập nhật trước {date}",
    "cho hỏi sđt {phone} đăng ký VNeID rồi, giờ đổi sim mới thì mất phí {fee} đồng không",
    "MST cá nhân {bhxh} của tôi bị sai, kê khai năm {year} thế nào",
    "Bác tôi {qty} tuổi, CCCD {cccd}, không biết dùng điện thoại, nhờ cán bộ xã gọi {phone}",
    "Mã kích hoạt {otp} của VNeID có hiệu lực mấy phút? Tôi nhận lúc {time}",
    "Chuyển khoản vào STK: {acct} nội dung 'nop phi {code}' số tiền {fee} đồng đúng không",
    "Tôi ở xã có {qty} thôn, đăng ký tài khoản cho người già bằng số {phone}, mật khẩu đặt là {pw}",
    "Số thẻ ATM {card} hết hạn tháng {month}, đổi thẻ chip có mất {fee} đồng không",
    "Gửi hồ sơ về {email} trước ngày {date}, mọi thắc mắc gọi {hotline}",
    "Tôi bị lừa chuyển {amount} đồng vào stk {acct}, kẻ gian dùng số {phone}",
    "Số căn cước: {cccd}. Số điện thoại: {phone}. Mã OTP: {otp}. Tôi phải làm gì tiếp theo?",
]

# Messages without personal data whose ordinary numbers sit next to the context words the redactor
# looks for ("tài khoản", "OTP", "mật khẩu", "số"): the false-positive test.
NO_PII = [
    "Tài khoản ngân hàng của tôi bị trừ {amount} đồng ngày {date}, gọi {hotline} có được không?",
    "Mã OTP có hiệu lực trong {qty}0 giây phải không? Tôi nhận lúc {time} ngày {date}",
    "Mật khẩu VNeID phải có ít nhất 8 ký tự à? Tôi đặt từ năm {year} rồi",
    "Thủ tục {code} lệ phí {fee} đồng, nộp trước ngày {date} theo Nghị định {decree}",
    "Số tiền {amount} đ chuyển vào tài khoản của xã ngày {date} lúc {time} đã nhận chưa",
    "Năm {year} xã có {qty} hộ được hỗ trợ tổng cộng {amount} đồng, mã thủ tục {code}",
    "stk của xã nhận {fee} đồng lệ phí thủ tục {code} hay {amount} đồng?",
    "Tổng đài {hotline} làm việc từ {time}, hỏi về thủ tục {code} ngày {date}",
    "Hạn mức chuyển tiền tài khoản cá nhân là {amount} đồng một ngày từ {date} phải không",
    "OTP gửi lúc {time} ngày {date} mà {qty} phút sau mới tới, phí SMS {fee} đồng",
    "Thông tư 59/2021/TT-BCA và Nghị định {decree}, hiệu lực từ {date}, năm {year}",
    "Mật khẩu là gì? Mã OTP là gì? Tôi {qty} tuổi, sinh năm {year}, chưa biết dùng",
]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Ma", "Hà", "Nông", "Triệu", "Bàn"]
GIVEN = ["Văn An", "Thị Bình", "Đức Cường", "Thị Dung", "Văn Hùng", "Thị Lan", "Minh Tuấn", "Thị Hoa"]
PROVINCES = ["008", "001", "002", "019", "022", "024", "025", "030", "079", "015"]
MOBILE = ["086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088", "091",
          "094", "083", "084", "085", "081", "082", "089", "090", "093", "070", "079", "077", "076", "078", "092",
          "056", "058", "099", "059"]
BANK_BINS = ["970405", "970436", "970418", "970415", "970422", "411111", "512345", "356600"]
PROCEDURE_CODES = ["1.000028", "2.001234", "1.001612", "1.004222", "2.000986", "1.003003", "1.010843"]
HOTLINES = ["1900 1234", "18001091", "1900 0368", "1800 6688", "113", "19009095"]
DECREES = ["13/2023/NĐ-CP", "59/2022/NĐ-CP", "70/2024/NĐ-CP"]
WORDS = ["hoa", "lan", "mai", "bich", "tuanh", "sonla", "binh", "thuy"]


# Ordinary citizen questions: nothing personal in them (the second review found "làm" read as "là" + a
# password). Slots as in NO_PII plus {plate} {version} {commune} {ccode} {fee_k} {proc} {emergency}.
EXTRA_NEGATIVE = [
    "quên mật khẩu làm sao",
    "quen mat khau vneid thi lam sao",
    "quên mật khẩu VNeID thì làm thế nào?",
    "quen mk vneid lam the nao a",
    "mk vneid bi khoa thi lam sao, em nhap sai {qty} lan",
    "mật khẩu phải có bao nhiêu ký tự?",
    "mat khau la gi vay, em {qty} tuoi chua biet",
    "mật khẩu là ngày sinh được không?",
    "doi mat khau dich vu cong o dau, phien ban app {version}",
    "Lệ phí cấp đổi căn cước là {fee} đồng đúng không?",
    "phi lam cccd {fee_k} ha ad",
    "thu tuc {proc} nop o dau, le phi bao nhieu",
    "Thủ tục {proc} có làm trực tuyến được không?",
    "Tổng đài {hotline} có mất phí không?",
    "goi {emergency} hay {hotline} khi bi lua dao",
    "ngay {date} em nop ho so, bao lau co ket qua",
    "Đăng ký khai sinh cho con sinh năm {year} cần giấy tờ gì?",
    "app vneid phien ban {version} bi loi khong dang nhap duoc",
    "Xe biển số {plate} bị phạt nguội, tra cứu ở đâu?",
    "xe bien so {plate} co bi phat ko ad",
    "{commune} (mã {ccode}) có điểm hỗ trợ cài VNeID không?",
    "ma xa {ccode} la xa nao vay",
    "lai suat {pct}% mot nam co cao ko",
    "chuyen khoan {amount} dong co mat phi khong",
    "rut {fee_k} o cay atm mat phi ko",
    "lúc {time} sáng mai bộ phận một cửa có làm việc không?",
    "e k bik cai vneid, a chi giup e vs, e {qty} tuoi",
    "ko nhan dc otp thi lam s, cho {qty} phut r",
    "otp co hieu luc {qty} phut ha",
    "mã OTP gồm mấy số vậy?",
    "Mức 2 cần những gì, nộp trước ngày {date} được không?",
    "nghi dinh {decree} quy dinh gi ve dinh danh dien tu",
    "BHYT hết hạn ngày {date}, gia hạn online được không?",
    "Trẻ em dưới 14 tuổi làm căn cước được không? Cháu sinh năm {year}",
    "số điện thoại của công an xã là bao nhiêu?",
    "sdt dang ky vneid doi sang so moi dc ko",
    "co 2 cai tk ngan hang thi lien ket cai nao voi vneid",
    "tài khoản bị trừ {fee} đ phí SMS mỗi tháng là sao",
    "so tk cua toi bi khoa tu ngay {date}, lam sao mo",
    "thoi han cccd {qty} tuoi la bao lau",
    "nam {year} em lam cccd, nam {year2} co phai doi ko",
    "giờ làm việc {time} - 17h00 phải không?",
    "dien thoai samsung a{qty} cai vneid dc ko, android {version}",
    "Mã tỉnh Tuyên Quang trên căn cước là 008 phải không?",
    "Hỗ trợ {fee} đồng/tháng cho người cao tuổi nhận qua tài khoản nào?",
    "mình ở {commune}, muốn gặp tổ công nghệ số cộng đồng",
    "thông tư 59/2021/TT-BCA còn hiệu lực không, ngày {date}",
    "Tỷ lệ {pct}% người dân đã có VNeID mức 2 ở xã phải không?",
    "nop phat {amount} dong qua dich vu cong dc ko",
    "hom qua {time} em goi {hotline} ma ko ai nghe",
    "Đổi giấy phép lái xe hết {fee} đồng, mất {qty} ngày làm việc?",
    "cài VNeID bản {version} trên iPhone được không?",
    "Mã hồ sơ {dossier} đã xử lý xong chưa?",
    "ma buu chinh tuyen quang la {postal} a",
    "ad oi mk dich vu cong quen r, lam lai the nao",
    "Tôi quên mật khẩu, làm sao lấy lại?",
    "quen mat khau thi lam gi",
    "mat khau thi lam sao de nho",
    "pass vneid quen mat roi lam the nao",
    "Số tiền {amount} đồng nộp thuế đất năm {year} ở đâu?",
]

# The gaps of the first redactor. Slots: {phone_fw} {cccd_ar} {phone_zw} {cccd_shy} {otp_sp} {otp_dot}
# {otp6} {acct_bare} plus the original ones.
EXTRA_POSITIVE = [
    "số điện thoại của tôi là {phone_fw}, đăng ký VNeID được không?",
    "cccd {cccd_ar} bi loi khi dang ky muc 2",
    "sdt cua em {phone_zw} nhe, goi lai giup em",
    "Căn cước {cccd_shy} của tôi hết hạn ngày {date}",
    "ma otp la {otp_sp} co nen dua cho ho khong",
    "Mã OTP: {otp_dot}, người ta bảo đọc lại",
    "ho bao toi doc so {otp6} cho ho de nhan qua",
    "{otp6}",
    "Tôi vừa nhận {otp6} qua tin nhắn, có ai hỏi thì đưa không?",
    "chuyen vao {acct_bare} giup em {amount} dong",
    "nhan tien ho tro qua {acct_bare} duoc ko",
    "mật khẩu là {pw} mà không vào được, làm sao?",
    "mk: {pw} dung chua ad",
    "quen mat khau, mat khau cu la {pw}",
]


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _luhn_complete(prefix: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(prefix + "0")):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


def cccd(rng: random.Random) -> str:
    n = rng.choice(PROVINCES) + rng.choice("0123") + _digits(rng, 2) + _digits(rng, 6)
    return n if rng.random() < 0.8 else f"{n[:3]} {n[3:6]} {n[6:9]} {n[9:]}"


def cmnd(rng: random.Random) -> str:
    return rng.choice(["07", "09", "01", "12", "13"]) + _digits(rng, 7)


def phone(rng: random.Random) -> str:
    p = rng.choice(MOBILE)
    rest = _digits(rng, 7)
    n = p + rest
    style = rng.randrange(8)
    if style == 0:
        return f"{n[:4]} {n[4:7]} {n[7:]}"
    if style == 1:
        return f"{n[:4]}.{n[4:7]}.{n[7:]}"
    if style == 2:
        return f"+84 {n[1:4]} {n[4:7]} {n[7:]}"
    if style == 3:
        return f"+84{n[1:]}"
    if style == 4:
        return f"{n[:3]}-{n[3:6]}-{n[6:]}"
    if style == 5:
        return f"(+84) {n[1:]}"
    if style == 6:
        return "0207 " + _digits(rng, 3) + " " + _digits(rng, 4)  # a Tuyên Quang landline
    return n


def otp(rng: random.Random) -> str:
    return _digits(rng, rng.choice([4, 6, 6, 6, 8]))


def password(rng: random.Random) -> str:
    w = rng.choice(WORDS)
    forms = [f"{w.capitalize()}@{rng.randint(1950, 2010)}", f"{w}{_digits(rng, 4)}", f"{w.upper()}#{_digits(rng, 3)}",
             f"Abc{_digits(rng, 5)}", f"{w}{rng.randint(10, 99)}!", _digits(rng, 6)]
    return rng.choice(forms)


def card(rng: random.Random) -> str:
    n = _luhn_complete(rng.choice(BANK_BINS) + _digits(rng, 9))
    return n if rng.random() < 0.4 else " ".join(n[i:i + 4] for i in range(0, 16, 4))


def account(rng: random.Random) -> str:
    n = _digits(rng, rng.choice([8, 10, 12, 13, 14]))
    n = str(rng.randint(1, 9)) + n[1:]
    if rng.random() < 0.25:
        return " ".join(n[i:i + 4] for i in range(0, len(n), 4))
    return n


def email(rng: random.Random) -> str:
    user = rng.choice(WORDS) + rng.choice(["", ".", "_"]) + rng.choice(WORDS) + str(rng.randint(1, 99))
    return f"{user}@{rng.choice(['gmail.com', 'yahoo.com.vn', 'tuyenquang.gov.vn', 'outlook.com'])}"


def bhxh(rng: random.Random) -> str:
    return rng.choice(["08", "01", "22", "80"]) + _digits(rng, 8)


FULL_WIDTH = {ord(c): 0xFF10 + int(c) for c in "0123456789"}
ARABIC_INDIC = {ord(c): 0x0660 + int(c) for c in "0123456789"}


def _split(n: str, sep: str, rng: random.Random) -> str:
    cut = sorted(rng.sample(range(1, len(n)), 2))
    return n[:cut[0]] + sep + n[cut[0]:cut[1]] + sep + n[cut[1]:]


def gap(rng: random.Random, slot: str) -> str:
    """A personal item written to slip past a plain regular expression."""
    if slot == "phone_fw":
        return (rng.choice(MOBILE) + _digits(rng, 7)).translate(FULL_WIDTH)
    if slot == "cccd_ar":
        return (rng.choice(PROVINCES) + _digits(rng, 9)).translate(ARABIC_INDIC)
    if slot == "phone_zw":
        return _split(rng.choice(MOBILE) + _digits(rng, 7), rng.choice(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]), rng)
    if slot == "cccd_shy":
        return _split(rng.choice(PROVINCES) + _digits(rng, 9), "\u00ad", rng)
    if slot == "otp_sp":
        return " ".join(_digits(rng, 6))
    if slot == "otp_dot":
        n = _digits(rng, 6)
        return rng.choice([".", "-", " "]).join([n[:2], n[2:4], n[4:]])
    if slot == "otp6":
        n = _digits(rng, 6)
        return n if not n.endswith("000") and not n.startswith(("1900", "1800")) else "4" + n[1:5] + "7"
    if slot == "acct_bare":
        n = str(rng.randint(1, 9)) + _digits(rng, rng.choice([9, 12, 13]))
        return n if not n.endswith("000") else n[:-1] + "7"
    raise KeyError(slot)


def ordinary(rng: random.Random, slot: str) -> str:
    if slot == "fee":
        return rng.choice(["15.000", "20.000", "30.000", "50.000", "70.000", "100.000", "1.500.000"])
    if slot == "amount":
        return rng.choice(["2.000.000", "5.000.000", "10.000.000", "500.000", "150.000.000", "1.200.000.000",
                           "100000000", "3500000"])
    if slot == "date":
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2019, 2026)
        return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{d:02d}-{m:02d}-{y}"])
    if slot == "code":
        return rng.choice(PROCEDURE_CODES)
    if slot == "year":
        return str(rng.randint(1945, 2026))
    if slot == "qty":
        return str(rng.randint(2, 95))
    if slot == "hotline":
        return rng.choice(HOTLINES)
    if slot == "time":
        return rng.choice([f"{rng.randint(6, 22)}h{rng.choice(['00', '15', '30', '45'])}",
                           f"{rng.randint(6, 22)}:{rng.choice(['05', '20', '40'])}"])
    if slot == "pct":
        return rng.choice(["0,5", "1", "2", "10"])
    if slot == "decree":
        return rng.choice(DECREES)
    if slot == "level":
        return rng.choice(["1", "2"])
    if slot == "month":
        return f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}"
    if slot == "year2":
        return str(rng.randint(2025, 2035))
    if slot == "plate":
        return f"{rng.choice(['22', '23', '29', '30'])}{rng.choice('ABCDFGH')}{rng.choice(['', '1', '2'])}-" \
               f"{_digits(rng, 3)}.{_digits(rng, 2)}"
    if slot == "version":
        return rng.choice(["2.1.5", "2.0.12", "17.4", "8.0", "1.9.3", "3.2", "12"])
    if slot == "commune":
        return rng.choice(COMMUNES)[1]
    if slot == "ccode":
        return rng.choice(COMMUNES)[0]
    if slot == "fee_k":
        return rng.choice(["50k", "100k", "20k", "500k", "1tr", "200 nghìn"])
    if slot == "proc":
        return rng.choice(["1.001234.000.00.00.H12", "2.000986.000.00.00.H60", "1.010843.000.00.00.H60", *PROCEDURE_CODES])
    if slot == "emergency":
        return rng.choice(["111", "113", "114", "115"])
    if slot == "dossier":
        return f"H60.22-{rng.randint(240101, 251231)}-{_digits(rng, 4)}"
    if slot == "postal":
        return rng.choice(["22000", "20000", "22100"])
    raise KeyError(slot)


PERSONAL = {"cccd": cccd, "cmnd": cmnd, "phone": phone, "phone2": phone, "otp": otp, "pw": password,
            "pw2": password, "card": card, "acct": account, "email": email, "bhxh": bhxh}
ORDINARY_KEEP = {"fee", "amount", "date", "code", "year", "hotline", "time", "decree", "month"}


COMMUNES = [("00691", "Phường Hà Giang 2"), ("00700", "Xã Ngọc Đường"), ("00706", "Xã Phú Linh"),
            ("00694", "Phường Hà Giang 1")]
GAPS = {"phone_fw", "cccd_ar", "phone_zw", "cccd_shy", "otp_sp", "otp_dot", "otp6", "acct_bare"}
GAP_KIND = {"phone_fw": "phone", "cccd_ar": "cccd", "phone_zw": "phone", "cccd_shy": "cccd", "otp_sp": "otp",
            "otp_dot": "otp", "otp6": "otp", "acct_bare": "acct"}


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def generate(n: int = 400, seed: int = 2026) -> list[dict[str, object]]:
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    while len(records) < n:
        i = len(records)
        template = NO_PII[(i // 4) % len(NO_PII)] if i % 4 == 3 else TEMPLATES[(i - i // 4) % len(TEMPLATES)]
        values: dict[str, str] = {"name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"}
        personal: list[dict[str, str]] = []
        ordinary_items: list[str] = []
        for slot in re.findall(r"\{(\w+)\}", template):
            if slot in values:
                continue
            if slot in PERSONAL:
                values[slot] = PERSONAL[slot](rng)
                personal.append({"kind": slot.rstrip("2"), "value": values[slot]})
            else:
                values[slot] = ordinary(rng, slot)
                # quantities/levels/percentages are too short to tell apart in a scan; the rest are checked
                if slot in ORDINARY_KEEP or len(values[slot]) >= 3:
                    ordinary_items.append(values[slot])
        text = template.format(**values)
        if len(records) % 2 == 1 or len(records) % 8 == 6:  # every other message typed without tone marks, as many citizens do
            text = fold(text)
            ordinary_items = [fold(o) for o in ordinary_items]
        records.append({"text": text, "personal": personal, "ordinary": ordinary_items})
    records += _extra(rng, EXTRA_NEGATIVE, 220, start=len(records))
    records += _extra(rng, EXTRA_POSITIVE, 100, start=len(records))
    return records


def _extra(rng: random.Random, templates: list[str], n: int, *, start: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i in range(n):
        template = templates[i % len(templates)]
        values: dict[str, str] = {}
        personal: list[dict[str, str]] = []
        ordinary_items: list[str] = []
        for slot in re.findall(r"\{(\w+)\}", template):
            if slot in values:
                continue
            if slot in GAPS:
                values[slot] = gap(rng, slot)
                personal.append({"kind": GAP_KIND[slot], "value": values[slot]})
            elif slot in PERSONAL:
                values[slot] = PERSONAL[slot](rng)
                personal.append({"kind": slot.rstrip("2"), "value": values[slot]})
            else:
                values[slot] = ordinary(rng, slot)
                if slot not in ("qty", "pct", "level") or len(values[slot]) >= 3:
                    ordinary_items.append(values[slot])
        text = template.format(**values)
        if (start + i) % 3 == 1 and not any(c in text for c in "\u00ad"):  # a third typed without tone marks
            text = fold(text)
            ordinary_items = [fold(o) for o in ordinary_items]
            personal = [{**p, "value": fold(p["value"])} for p in personal]
        out.append({"text": text, "personal": personal, "ordinary": ordinary_items})
    return out


def main() -> None:
    records = generate()
    with OUT.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    items = sum(len(r["personal"]) for r in records)  # type: ignore[arg-type]
    print(f"wrote {len(records)} messages with {items} personal items to {OUT}")


if __name__ == "__main__":
    main()
