"""Generate tests/data/pii_corpus.jsonl: realistic citizen messages carrying personal data.

Every identifier is synthetic (random digits with the right shape: ID numbers with a province prefix,
Luhn-valid card numbers, mobile prefixes of Vietnamese carriers); none belongs to a real person. Each
record lists the exact personal items (must be redacted) and the ordinary numbers (dates, fees,
procedure codes, years, quantities, hotlines — must be kept):

    {"text": "...", "personal": [{"kind": "cccd", "value": "..."}], "ordinary": ["1.000028", ...]}

    python tests/data/make_pii_corpus.py            # rewrites the file (deterministic: seed 2026)
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
    raise KeyError(slot)


PERSONAL = {"cccd": cccd, "cmnd": cmnd, "phone": phone, "phone2": phone, "otp": otp, "pw": password,
            "pw2": password, "card": card, "acct": account, "email": email, "bhxh": bhxh}
ORDINARY_KEEP = {"fee", "amount", "date", "code", "year", "hotline", "time", "decree", "month"}


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
    return records


def main() -> None:
    records = generate()
    with OUT.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    items = sum(len(r["personal"]) for r in records)  # type: ignore[arg-type]
    print(f"wrote {len(records)} messages with {items} personal items to {OUT}")


if __name__ == "__main__":
    main()
