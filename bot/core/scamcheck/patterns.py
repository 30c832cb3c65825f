"""What a scam message asks for and how it presses: patterns over the folded text (no tone marks,
lower case, one space), so "cung cấp mã OTP", "cung cap ma otp" and "CUNG CAP MA OTP" read the same.

Each pattern has a code (stable, shown in JSON) and a severity: `high` is a request real services never
make (an OTP, a password, money "to verify", remote control), `medium` is bait or pressure, `low` is a
weak hint that only counts together with others. A request preceded in the same clause by a negation
("KHÔNG cung cấp mã OTP cho bất kỳ ai", the wording of genuine OTP messages) is not a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GIVE = (r"(?:cung cap|gui|doc|dua|chia se|cho (?:toi|minh|em|chung toi|ben (?:toi|minh|em))|bao (?:lai|cho)|chup|"
         r"khai bao|nhan tin|dien|ib|inbox|ghi|noi)")
_OTP = (r"(?:ma otp|otp|ma xac thuc|ma xac nhan|ma kich hoat|ma bao mat|ma giao dich|smart ?otp|ma (?:gom )?6 so|"
        r"ma vua (?:nhan|gui|duoc gui)|ma so vua gui|ma code|verification code|mã otp)")
_SECRET = r"(?:mat khau|\bmk\b|password|\bpass\b|ma pin|\bpin\b|mat ma|passcode|ma dang nhap)"
_CARD = (r"(?:so the|ma cvv|\bcvv\b|\bcvc\b|(?:3|ba) so (?:o )?(?:mat )?sau (?:cua )?the|ngay het han (?:cua )?the|"
         r"thong tin the|so tai khoan va mat khau)")
_NEG = re.compile(r"\b(?:khong|ko|k|dung|chua|cam|never|not|don'?t|no one|tuyet doi khong|khong bao gio|khong duoc|"
                  r"khong nen|khong ai|nghiem cam)\b")
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]|\b(?:vui long|hay|de nghi|yeu cau|xin|neu|roi|sau do|va)\b")


@dataclass(frozen=True)
class Pattern:
    code: str
    severity: str  # high | medium | low
    regex: re.Pattern[str]
    negatable: bool = False


def _p(code: str, severity: str, rx: str, *, negatable: bool = False) -> Pattern:
    return Pattern(code, severity, re.compile(rx), negatable)


PATTERNS: tuple[Pattern, ...] = (
    # requests real services never make
    _p("ask_otp", "high", rf"\b{_GIVE}\b.{{0,30}}?{_OTP}|{_OTP}.{{0,40}}?\b(?:gui|doc|bao|nhan tin|chuyen) (?:lai )?"
       r"(?:cho|qua|toi) (?:toi|minh|em|chung toi|ben|nhan vien|can bo|so|tong dai)|nhap (?:ma )?(?:otp|ma xac thuc)"
       r".{0,20}?(?:vao|tren|o) (?:link|duong link|duong dan|trang|web)", negatable=True),
    _p("ask_password", "high", rf"\b{_GIVE}\b.{{0,30}}?{_SECRET}|{_SECRET}.{{0,20}}?\b(?:gui|doc|bao) (?:lai )?(?:cho|qua)"
       r" (?:toi|minh|em|chung toi|nhan vien)", negatable=True),
    _p("ask_card", "high", rf"\b{_GIVE}\b.{{0,30}}?{_CARD}", negatable=True),
    _p("ask_transfer_verify", "high",
       r"chuyen (?:tien|khoan|so tien|toan bo)\b.{0,60}?(?:xac minh|de kiem tra|tam giu|tai khoan an toan|tai khoan tam|"
       r"phong toa|chung minh|bao lanh|dong bang|kich hoat|giai ngan|mo khoa|xac thuc|nhan thuong|nhan qua|ky quy|"
       r"nang han muc|bao ve tai khoan|dieu tra|ngan hang nha nuoc|kho bac)|"
       r"(?:nop|dong|chuyen|dat) (?:truoc )?(?:phi|tien) (?:xu ly|ho so|giai ngan|van chuyen|nhan thuong|bao hiem khoan vay|"
       r"kich hoat|mo khoa|bao lanh|coc|dat coc|thu tuc|ky quy)|tai khoan (?:tam giu|an toan|chuyen dung) (?:cua|do) "
       r"(?:co quan|cong an|bo cong an|toa|vien kiem sat)", negatable=True),
    _p("ask_screen_share", "high", r"chia se man hinh|share man hinh|dieu khien (?:may |dien thoai )?tu xa|teamviewer|"
       r"anydesk|ultraviewer|airdroid|rustdesk|quicksupport|screen ?shar", negatable=True),
    _p("ask_id_photo", "high", r"(?:chup|gui|cung cap|up|tai len)\b.{0,20}?(?:anh|hinh)?.{0,10}?(?:cccd|can cuoc|cmnd|"
       r"chan dung|2 mat the|hai mat the)|quay video (?:khuon mat|chan dung|mat|quay dau)", negatable=True),
    _p("ask_install", "medium", r"(?:tai|cai|cai dat|download|setup)\s+(?:ve\s+)?(?:ung dung|app|phan mem|apk)\b"
       r"(?!.{0,30}(?:ch play|google play|app store|kho ung dung))", negatable=True),
    _p("ask_money", "medium", r"(?:hay|vui long|can|phai|nho|giup|lam on|de nghi|yeu cau|\bmau\b|gap|ngay) (?:\w+ ){0,3}?"
       r"chuyen (?:khoan |tien |gap |ngay )?(?:\d|tien|cho|vao|qua|truoc|so tien)|chuyen (?:gap|giup|ngay|truoc) "
       r"|chuyen (?:khoan )?.{0,25}?vao (?:stk|so tai khoan|tai khoan|tk)\b|(?:gui|chuyen) (?:tien )?qua "
       r"(?:stk|so tai khoan)|vay (?:tam|gap) .{0,15}?(?:trieu|tien)|can (?:gap )?(?:\d+ ?(?:trieu|tr\b|k\b)|tien) (?:gap|ngay)",
       negatable=True),
    _p("ask_open_link", "low", r"(?:truy cap|bam|nhan|click|vao|mo) (?:vao |ngay )?(?:link|duong link|duong dan|dia chi|"
       r"trang|web|website|tai day|day)|(?:dang nhap|xac thuc|cap nhat|xac minh|khai bao|dien thong tin) (?:lai )?"
       r"(?:tai|qua|theo|o) (?:link|duong link|duong dan|day|trang|dia chi)", negatable=True),
    _p("ask_fee", "low", r"(?:nop|dong|thanh toan|chuyen) (?:le phi|phi|tien phat|khoan phi)", negatable=True),
    _p("ask_callback", "low", r"(?:goi|lien he|lien lac|ket ban zalo|ket ban|nhan tin|alo) (?:ngay |gap |lai )?(?:den |toi |"
       r"voi |qua |cho )?(?:so|sdt|hotline|zalo|tong dai|can bo|dieu tra vien|\+?\d)", negatable=True),
    # bait and pressure
    _p("bait_locked", "medium", r"(?:tai khoan|\bthe\b|\bsim\b|thue bao|so dien thoai|vneid|zalo|facebook|dich vu)"
       r".{0,40}?(?:bi|se bi|da bi|sap bi|dang bi|tam) (?:khoa|tam khoa|dong bang|phong toa|vo hieu hoa|ngung|cat|thu hoi|"
       r"huy)|khoa (?:2|hai) chieu|bi khoa vinh vien"),
    _p("bait_fine", "medium", r"phat nguoi|bien ban (?:phat|vi pham)|vi pham (?:giao thong|an toan giao thong)|"
       r"quyet dinh xu phat|xu phat (?:hanh chinh|vi pham)|tien phat|hinh anh vi pham|no phat"),
    _p("bait_legal", "medium", r"lenh bat|truy na|khoi to|\bdieu tra\b|rua tien|buon lau|ma tuy|duong day|giay trieu tap|"
       r"trieu tap|toa an|vien kiem sat|vu an|tam giam|bi can|lien quan (?:den|toi) (?:vu|duong day|an)|bi kien|ho so vu"),
    _p("bait_prize", "medium", r"trung thuong|trung giai|qua tang|tri an|nhan thuong|quay so|phan thuong|may man|"
       r"giai dac biet|giai nhat|voucher|nhan qua|duoc tang|khach hang than thiet (?:duoc|nhan)"),
    _p("bait_job", "medium", r"viec nhe luong cao|cong tac vien|\bctv\b|lam (?:viec )?tai nha|lam online|kiem tien online|"
       r"hoa hong|lam nhiem vu|\bnhiem vu\b|like (?:tiktok|video|facebook|youtube)|tha tim|don hang ao|"
       r"thu nhap (?:tu )?\d|\d+ ?k ?/ ?(?:ngay|gio|don)|tuyen dung gap|tuyen (?:nhan vien|ctv) (?:online|tai nha)"),
    _p("bait_loan", "medium", r"vay (?:tien )?(?:nhanh|online|tin chap|khong the chap|khong can the chap|lai suat (?:0|thap))|"
       r"giai ngan (?:nhanh|ngay|trong|sau)|chi can (?:cccd|can cuoc|cmnd)|ho tro (?:no xau|vay)|khong tham dinh|"
       r"duyet (?:nhanh|ngay|100)|khoan vay (?:cua ban|da duoc)"),
    _p("bait_relative", "medium", r"\b(?:con|chong|vo|bo|me|em|chau|anh|chi|ba|ong)\b.{0,40}?(?:cap cuu|tai nan|"
       r"nhap vien|phau thuat|mo gap|nguy kich|bi bat|bi cong an giu|dang o benh vien)"),
    _p("bait_wrong_transfer", "medium", r"chuyen nham|gui nham|nham (?:so )?tai khoan|chuyen lai (?:giup|cho|so tien)|"
       r"hoan tra (?:lai )?(?:so tien|tien)|tra lai (?:so )?tien"),
    _p("bait_invest", "medium", r"dau tu (?:tien ao|tien so|chung khoan|forex|vang|san|du an|sinh loi)|"
       r"loi nhuan (?:\d|cao|khung|dam bao|hang ngay)|nhan doi (?:tien|so tien)|sinh loi|san giao dich|\bcoin\b|"
       r"crypto|usdt|bitcoin"),
    _p("bait_refund", "medium", r"hoan (?:tien|thue|phi)|tien ho tro|goi ho tro|chi tra (?:tien )?(?:ho tro|bao hiem)|"
       r"rut bhxh (?:ho|nhanh)|lam ho (?:ho so|bhxh|giay to)"),
    _p("bait_upgrade", "low", r"(?:nang cap|cap nhat|kich hoat|tich hop|dong bo|chuan hoa|xac thuc lai|dinh danh lai)"
       r".{0,30}?(?:muc 2|muc hai|vneid|dinh danh|can cuoc|cccd|thong tin thue bao|sim|sinh trac)"),
    _p("bait_utility_cut", "medium", r"cat dien|ngung cap dien|cat nuoc|ngung cap nuoc|no tien dien|no cuoc|"
       r"cat (?:sim|thue bao|song|dich vu)"),
    _p("bait_parcel", "medium", r"(?:don hang|buu pham|buu kien|kien hang|goi hang).{0,40}?(?:khong thanh cong|that bai|"
       r"bi giu|bi hoan|chua nhan|cap nhat dia chi|xac nhan dia chi|phi|hai quan)|giao hang (?:khong thanh cong|that bai)"),
    _p("pressure_secrecy", "medium", r"khong (?:duoc )?(?:noi|ke|bao|tiet lo) (?:chuyen nay |viec nay )?(?:voi|cho) "
       r"(?:ai|bat ky ai|nguoi than|"
       r"gia dinh|vo|chong|con)|giu bi mat|bi mat (?:dieu tra|cuoc goi)|khong tiet lo (?:cuoc goi|noi dung)"),
    _p("pressure_urgent", "low", r"\b(?:gap|khan cap|ngay lap tuc|ngay bay gio|truoc \d+ ?(?:h|gio)|trong (?:vong )?\d+ ?"
       r"(?:h|gio|phut|tieng)|het han|lan cuoi|cuoi cung|som nhat|ngay hom nay|trong ngay|urgent)\b"),
    _p("claims_authority", "low", r"\b(?:toi|minh|em|chung toi) (?:la|ben|o) (?:can bo|dieu tra vien|canh sat|cong an|"
       r"nhan vien|chuyen vien|thanh tra|kiem sat vien|tham phan)|(?:day la|goi tu|thong bao tu|tu) (?:cong an|ngan hang|"
       r"toa an|vien kiem sat|bhxh|co quan thue|cuc thue|dien luc|nha mang|tong dai)"),
)

AUTHORITY = re.compile(r"cong an|canh sat|ngan hang|toa an|vien kiem sat|bhxh|bao hiem|co quan thue|cuc thue|"
                       r"dien luc|\bevn\b|nha mang|viettel|vinaphone|mobifone|vneid|tong dai|cskh|"
                       r"cham soc khach hang|vietcombank|bidv|agribank|vietinbank|techcombank|mb ?bank|momo|zalopay")
ALREADY_ACTED = re.compile(
    r"(?:toi|minh|em|tui|me|bo|ong|ba|chau|con|da|lo|vua)\b.{0,20}?(?:da |lo |vua |mat )(?:chuyen|gui|nop|dua|doc|"
    r"cung cap|nhap|bam|cai|chia se|bi tru|bi lay|bi rut|mat)\b|(?:bi|da bi) (?:lua|tru tien|lay mat|rut tien|mat tien|"
    r"chiem doat)|mat (?:het )?tien|da chuyen (?:tien|khoan)|lo (?:bam|nhap|dua|doc|cai|chuyen)"
)


def _negated(folded: str, start: int) -> bool:
    window = folded[max(0, start - 40):start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end():]
    return bool(_NEG.search(window))


def find_patterns(folded: str) -> list[tuple[Pattern, tuple[str, ...]]]:
    """Every pattern that matches, with its distinct matched phrases (at most 3; the first is shown)."""
    out: list[tuple[Pattern, tuple[str, ...]]] = []
    for pat in PATTERNS:
        hits: list[str] = []
        for m in pat.regex.finditer(folded):
            if pat.negatable and _negated(folded, m.start()):
                continue
            if m.group(0) not in hits:
                hits.append(m.group(0))
            if len(hits) == 3:
                break
        if hits:
            out.append((pat, tuple(hits)))
    return out
