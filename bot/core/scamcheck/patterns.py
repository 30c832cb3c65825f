"""What a scam message asks for and how it presses: patterns over the folded text (no tone marks,
lower case, one space), so "cung cấp mã OTP", "cung cap ma otp" and "CUNG CAP MA OTP" read the same.

Each pattern has a code (stable, shown in JSON), a role and a severity. The role says what the phrase
does: an `ask` wants something from the reader (a code, money, an install, a click, a call back), a
`bait` gives the reason to obey (a locked account, a fine, a prize, a relative in hospital), a
`pressure` hurries or isolates the reader, a `hint` is weak context. Severity: `high` is a request real
services never make (an OTP, a password, money to a "safe account", remote control), `medium` is clear
bait or a plain request, `low` only counts together with others. The checker combines them: a scam
nearly always pairs a bait with an ask. A request preceded in the same clause by a negation ("KHÔNG cung
cấp mã OTP cho bất kỳ ai", the wording of genuine OTP messages) or told as something that already
happened ("đã được chuyển vào tài khoản") is not a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GIVE = (r"(?:cung cap|gui|doc|dua|chia se|cho (?:toi|minh|em|chung toi|ben (?:toi|minh|em))|bao (?:lai|cho)|chup|"
         r"khai bao|nhan tin|dien|ib|inbox|ghi|noi|(?<!dang )nhap|xac thuc|send|give|tell|enter|share)")
_GAP = r"[^.!?\n]"  # within one sentence
_OTP = (r"(?:ma otp|otp|ma xac thuc|ma xac nhan|ma kich hoat|ma bao mat|ma giao dich|smart ?otp|ma (?:gom )?[46] so|"
        r"ma vua (?:nhan|gui|duoc gui)|ma so vua gui|ma code|verification code|ma nhan hang)")
_SECRET = r"(?:mat khau|\bmk\b|password|\bpass\b|ma pin|\bpin\b|mat ma|passcode|ma dang nhap)"
_CARD = (r"(?:so the|ma cvv|\bcvv\b|\bcvc\b|(?:3|ba) so (?:o )?(?:mat )?sau (?:cua )?the|ngay het han (?:cua )?the|"
         r"thong tin the|2 mat the|hai mat the|anh (?:chup )?the ngan hang|card number)")
_ACCOUNT_WORD = r"(?:stk|so tk|so tai khoan|tai khoan|\btk\b|account)"
# Folded "dung" is also "dụng" (ứng dụng, sử dụng) and "cam" also "cảm"/"cam kết": those are not negations.
_NEG = re.compile(r"\b(?:khong|ko|k|(?<!ung )(?<!su )(?<!ap )(?<!tin )dung|chua|cam(?! on| ket)|never|not|don'?t|"
                  r"no one|tuyet doi khong|khong bao gio|khong duoc|khong nen|khong ai|nghiem cam|chang)\b")
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]|\b(?:vui long|hay|neu|roi|sau do|nhung|tuy nhien)\b")
# "đã được chuyển vào tài khoản", "vừa gửi": something that happened, not a request.
_DONE = re.compile(r"\b(?:da|da duoc|vua|vua duoc|duoc|se duoc|dang duoc)\s*$")
# "cập nhật tại ứng dụng My VNPT": after these verbs an unaccented "tai" is "tại" (at), not "tải" (download).
_AT_VERBS = re.compile(r"(?:cap nhat|xem|tra cuu|thanh toan|dang nhap|nop|kiem tra|su dung|theo doi|dang ky|co|"
                       r"thuc hien|nhan|giao dich|ho tro|mua)\s+$")
_MAINTENANCE = re.compile(r"bao duong|sua chua|thi cong|nang cap luoi|lich (?:cat|ngung|tam ngung)|ke hoach (?:cat|ngung)")

ROLES = ("ask", "bait", "pressure", "hint")


@dataclass(frozen=True)
class Pattern:
    code: str
    role: str  # ask | bait | pressure | hint
    severity: str  # high | medium | low
    regex: re.Pattern[str]
    negatable: bool = False


def _p(code: str, role: str, severity: str, rx: str, *, negatable: bool = False) -> Pattern:
    return Pattern(code, role, severity, re.compile(rx), negatable)


_MONEY_VERB = r"(?:chuyen|gui|hoan tra|tra lai|nop|dong|nap|thanh toan|transfer|send|pay|deposit)"

PATTERNS: tuple[Pattern, ...] = (
    # -- requests real services never make
    _p("ask_otp", "ask", "high", rf"\b{_GIVE}\b{_GAP}{{0,30}}?{_OTP}|{_OTP}{_GAP}{{0,40}}?\b(?:gui|doc|bao|nhan tin|chuyen|chup) "
       r"(?:lai )?(?:cho|qua|toi|giup) (?:toi|minh|em|chung toi|ben|nhan vien|can bo|so|tong dai|shipper|shop)|"
       r"(?:doc|gui|chup)\b.{0,25}?(?:ma|tin nhan)\b.{0,20}?(?:vua|moi) (?:gui|nhan|toi|den)|"
       r"nhap (?:ma )?(?:otp|ma xac thuc).{0,20}?(?:vao|tren|o|de) ", negatable=True),
    _p("ask_password", "ask", "high", rf"\b{_GIVE}\b{_GAP}{{0,30}}?{_SECRET}|{_SECRET}{_GAP}{{0,20}}?\b(?:gui|doc|bao) (?:lai )?"
       r"(?:cho|qua) (?:toi|minh|em|chung toi|nhan vien)|(?:ten dang nhap|tai khoan internet banking|"
       r"tai khoan ngan hang) (?:va|,) mat khau|dang nhap bang tai khoan (?:internet banking|ngan hang)", negatable=True),
    _p("ask_card", "ask", "high", rf"\b{_GIVE}\b{_GAP}{{0,40}}?{_CARD}", negatable=True),
    _p("ask_transfer_verify", "ask", "high",
       r"(?:chuyen|gui|nop) (?:tien|khoan|so tien|toan bo|het|so du)\b.{0,60}?(?:xac minh|de kiem tra|tam giu|"
       r"tai khoan an toan|tai khoan tam|phong toa|chung minh|bao lanh|dong bang|mo khoa|nhan thuong|nhan qua|ky quy|"
       r"nang han muc|bao ve tai khoan|dieu tra|ngan hang nha nuoc|kho bac|doi chieu)|"
       r"tai khoan (?:tam giu|an toan|chuyen dung) (?:cua|do) (?:co quan|cong an|bo cong an|toa|vien kiem sat|ngan hang)|"
       r"tai khoan an toan", negatable=True),
    _p("ask_scan_qr", "ask", "high", r"quet (?:ma )?qr\b.{0,60}?(?:nhan (?:lai )?tien|hoan tien|hoan lai|xac minh|"
       r"nhan tien hoan|de nhan)", negatable=True),
    _p("ask_topup_card", "ask", "high", r"(?:nap|mua) the cao|gui (?:ma|so seri|seri) the|ma the cao", negatable=True),
    _p("ask_screen_share", "ask", "high", r"chia se man hinh|share man hinh|dieu khien (?:may |dien thoai )?tu xa|"
       r"(?:ho tro|thao tac|truy cap|kiem tra) tu xa|teamviewer|anydesk|ultraviewer|airdroid|rustdesk|quicksupport|"
       r"screen ?shar|quyen tro nang|accessibility|hien thi tren (?:cac )?ung dung khac|cho phep (?:tat ca|moi) quyen|"
       r"cap (?:tat ca |moi |day du )?quyen", negatable=True),
    _p("ask_id_photo", "ask", "high", r"(?:chup|gui|cung cap|up|tai len)\b.{0,20}?(?:anh|hinh)?.{0,10}?(?:cccd|"
       r"can cuoc|cmnd|chan dung)|quay video (?:khuon mat|chan dung|mat|quay dau)|(?:cap nhat|lay|quet) (?:dau )?"
       r"van tay|quet khuon mat", negatable=True),
    _p("ask_account_info", "ask", "medium", r"(?:cung cap|cho biet|doc|gui|khai|bao)\b.{0,15}?(?:so tai khoan|so du|"
       r"thong tin tai khoan|so tien (?:hien co|trong tai khoan))", negatable=True),
    _p("ask_install", "ask", "medium", r"(?:\btai|\bcai|cai dat|download|setup|install)\s+(?:\w+\s+){0,2}?(?:ve\s+)?"
       r"(?:ung dung|app\b|phan mem|apk|ban (?:vneid|cap nhat|moi))(?!.{0,30}(?:ch play|google play|app store|"
       r"kho ung dung))", negatable=True),
    _p("ask_money", "ask", "medium",
       r"(?:hay|vui long|can|phai|nho|giup|lam on|de nghi|yeu cau|\bmau\b|gap|ngay|please) (?:\w+ ){0,3}?"
       rf"{_MONEY_VERB} (?:khoan |tien |gap |ngay |giup |ho )?(?:\d|tien|cho|vao|qua|truoc|so tien|phi|the)|"
       r"chuyen (?:khoan )?(?:gap|giup|ngay|truoc|ho)\b|"
       rf"{_MONEY_VERB}\b.{{0,40}}?(?:vao|qua|toi|sang|to) {_ACCOUNT_WORD}|(?:gui|chuyen) (?:tien )?qua (?:stk|so tai khoan)|"
       r"(?:vay|muon) (?:tam|gap)? ?.{0,15}?(?:\d+ ?(?:trieu|tr\b)|tien)|cho (?:minh|em|toi|chi|anh) muon|"
       r"can (?:gap )?(?:\d+ ?(?:trieu|tr\b|k\b)|tien) (?:gap|ngay|de)|(?:nop|nap) (?:them )?tien\b|"
       r"(?:coc|dat coc|ung) truoc|(?:tra|chuyen) (?:lai|tra) (?:vao|qua|cho)", negatable=True),
    _p("ask_fee", "ask", "low", r"(?:nop|dong|thanh toan|chuyen|tra|pay)(?: \w+){0,2}? (?:le phi|phi\b|tien phat|"
       r"khoan phi|thue\b|tam ung|the fee|fee\b)", negatable=True),
    _p("ask_open_link", "ask", "low", r"(?:truy cap|bam|nhan|click|vao|mo|an) (?:vao |ngay |)(?:link|duong link|"
       r"duong dan|dia chi|trang|web|website|tai_? day|day|lien ket)|(?:dang nhap|xac thuc|cap nhat|xac minh|"
       r"khai bao|dien thong tin|xem chi tiet|nop phat|gia han|xac nhan|nhan qua|nhan tien|doi diem|tra cuu)"
       r"(?: \w+){0,3}? (?:lai )?(?:tai_?|qua|theo|o|ngay|:) ?(?:link|duong link|duong dan|day|trang|dia chi|web|"
       r"(?=\S+\.\S))|click here|tap the link", negatable=True),
    _p("ask_callback", "ask", "low", r"(?:goi(?! nho)|lien he|lien lac|ket ban zalo|ket ban|nhan tin|alo|ib|inbox|call)"
       r"(?: \w+){0,4}? (?:ngay |gap |lai )?(?:den |toi |voi |qua |cho )?(?:so|sdt|hotline|zalo|tong dai|can bo|"
       r"dieu tra vien|telegram|\+?\d|@)|(?:qua|tren) telegram|t\.me/", negatable=True),
    # -- bait
    _p("bait_locked", "bait", "medium", r"(?:tai khoan|\bthe\b|\bsim\b|thue bao|so dien thoai|vneid|zalo|facebook|"
       r"dich vu|ma so thue|ma khach hang)\b.{0,40}?(?:bi|se bi|da bi|sap bi|dang bi|tam) (?:khoa|tam khoa|dong bang|"
       r"phong toa|vo hieu hoa|ngung|cat|thu hoi|huy|loi|han che|xam nhap)|khoa (?:2|hai) chieu|bi khoa vinh vien|"
       r"(?:tai khoan|dinh danh|vneid)\b[^.!?\n]{0,40}?het han (?:trong|sau) \d|thiet bi la|"
       r"dang nhap (?:bat thuong|khac vung|tu thiet bi)|giao dich (?:bat thuong|la tu|dang cho xu ly)|"
       r"dau hieu (?:bi )?xam nhap|(?:bi|dang bi) loi\b|nhiem ma doc|tieu dung o nuoc ngoai"),
    _p("bait_fine", "bait", "medium", r"phat nguoi|bien ban (?:phat|vi pham)|vi pham (?:giao thong|an toan giao thong)|"
       r"quyet dinh xu phat|xu phat (?:hanh chinh|vi pham)|tien phat|hinh anh vi pham|no phat|nop phat"),
    _p("bait_legal", "bait", "medium", r"lenh bat|truy na|khoi to|\bdieu tra\b|rua tien|buon lau|ma tuy|duong day|"
       r"giay trieu tap|trieu tap|toa an|vien kiem sat|vu an|tam giam|tam giu|bi can|lien quan (?:den|toi) (?:vu|duong day|"
       r"an)|bi kien|khoi kien|ho so vu|cuong che|truy to|lenh phong toa"),
    _p("bait_prize", "bait", "medium", r"trung thuong|trung giai|qua tang|tri an|nhan thuong|quay so|phan thuong|"
       r"may man|giai dac biet|giai nhat|giai nhi|voucher|nhan qua|duoc tang|tang (?:ngay|qua|the|tien)|"
       r"khach hang than thiet (?:duoc|nhan)|gia 0 ?d|mien phi 100|duoc chon nhan"),
    _p("bait_job", "bait", "medium", r"viec nhe luong cao|cong tac vien|\bctv\b|lam (?:viec )?tai nha|lam online|"
       r"kiem tien online|hoa hong|lam nhiem vu|\bnhiem vu\b|like (?:tiktok|video|facebook|youtube)|tha tim|don hang ao|"
       r"thu nhap (?:tu )?\d|\d+ ?k ?/ ?(?:ngay|gio|don|luot)|tuyen (?:dung )?gap|tuyen (?:nhan vien|ctv) (?:online|"
       r"tai nha)|khong can kinh nghiem|chot don|xuat khau lao dong|bay nhanh"),
    _p("bait_loan", "bait", "medium", r"vay (?:tien )?(?:nhanh|online|tin chap|khong the chap|khong can the chap|"
       r"lai suat (?:0|thap)|\d)|giai ngan (?:nhanh|ngay|trong|sau|24)|chi can (?:cccd|can cuoc|cmnd)|ho tro (?:no xau|vay)|"
       r"khong tham dinh|duyet (?:nhanh|ngay|100|trong)|khoan vay (?:cua|da duoc)|(?:da|duoc) giai ngan|"
       r"no xau van duyet|(?:ho so|khoan) vay .{0,20}?(?:duoc duyet|da duyet)|lai (?:\d+ ?% ?/ ?ngay)"),
    _p("bait_relative", "bait", "medium", r"\b(?:con|chong|vo|bo|me|em|chau|anh|chi|ba|ong|nguoi nha|nguoi than|be)\b"
       r".{0,40}?(?:cap cuu|tai nan|nhap vien|phau thuat|mo gap|nguy kich|bi bat|bi cong an giu|dang o (?:benh )?vien|"
       r"bi giu|chuoc|bi no)|(?:doi|dung|day la|nhan bang) so (?:moi|khac|nay)|dien thoai (?:\w+ )?(?:bi )?hong|"
       r"mat dien thoai|(?:dang )?(?:ket|ban) (?:chut )?viec|dang hop|khong nghe may|ko nghe may|binh chon|vote giup"),
    _p("bait_wrong_transfer", "bait", "medium", r"chuyen nham|gui nham|nham (?:so )?tai khoan|chuyen lai (?:giup|cho|"
       r"so tien)|hoan tra (?:lai )?(?:so tien|tien|vao|ngay)|tra lai (?:so )?tien|xin lai \d|cong ty thu hoi no|"
       r"thu hoi no"),
    _p("bait_invest", "bait", "medium", r"dau tu (?:tien ao|tien so|chung khoan|forex|vang|san|du an|sinh loi|coin)|"
       r"loi nhuan (?:\d|cao|khung|dam bao|hang ngay|khong duoi)|nhan doi (?:tien|so tien)|sinh loi|san giao dich|"
       r"\bcoin\b|crypto|usdt|bitcoin|(?:lai|loi nhuan|lai suat)(?: \w+){0,2}? \d+(?:[.,]\d+)? ?% ?(?:/ ?|mot |moi )"
       r"(?:ngay|tuan|thang)|cam ket (?:lai|loi nhuan|hoan)|an toan 100|chac chan tang|tang tran|rut (?:tien )?sieu toc|"
       r"tin hieu mua ban|profit|investment platform|choi thu"),
    _p("bait_refund", "bait", "medium", r"hoan (?:tien|thue|phi)|tien ho tro|goi ho tro|chi tra (?:tien )?(?:ho tro|"
       r"bao hiem)|rut bhxh (?:ho|nhanh)|lam ho (?:ho so|bhxh|giay to)|giai ngan truoc han|tien (?:thua|nop thua)|"
       r"du dieu kien nhan"),
    _p("bait_customs", "bait", "medium", r"hai quan|thong quan|phi van chuyen quoc te|buu gui quoc te|customs|clearance|"
       r"kien hang (?:qua|tu)|gui (?:qua|vang|tien|kien hang|hop qua|goi hang)(?: \w+){0,3}? (?:cho em|cho chi|cho ban|"
       r"ve viet nam|qua cong ty)|(?:quan nhan|bac si|ky su|si quan|doanh nhan)(?: nguoi)? (?:my|anh|phap|duc|uc|"
       r"nuoc ngoai)|i sent you|my love|darling|package"),
    _p("bait_upgrade", "bait", "low", r"(?:nang cap|cap nhat|kich hoat|tich hop|dong bo|chuan hoa|xac thuc lai|"
       r"dinh danh lai|xac nhan lai|gia han)(?: \w+){0,5}? (?:muc 2|muc hai|vneid|dinh danh|can cuoc|cccd|"
       r"thong tin thue bao|sim|sinh trac|5g|vssid|dia chi|noi cu tru|thuong tru|que quan)"),
    _p("bait_utility_cut", "bait", "medium", r"(?:se bi|bi|sap bi|chieu nay|hom nay|ngay|de) cat (?:dien|nuoc)|"
       r"cat dien|no tien dien|no cuoc|cat (?:sim|thue bao|song)|ngung dich vu|ngung cap (?:dien|nuoc)"),
    _p("bait_parcel", "bait", "medium", r"(?:don hang|buu pham|buu kien|kien hang|goi hang|buu gui)\b.{0,40}?(?:khong "
       r"thanh cong|that bai|bi giu|bi hoan|cap nhat dia chi|xac nhan dia chi|phi|hai quan|luu kho|xuat kho|"
       r"tai khoan noi bo)|giao hang (?:khong thanh cong|that bai)|phi (?:xuat kho|luu kho|giao lai|ship)"),
    # -- pressure
    _p("pressure_secrecy", "pressure", "medium", r"khong (?:duoc )?(?:noi|ke|bao|tiet lo) (?:chuyen nay |viec nay )?"
       r"(?:voi|cho) (?:ai|bat ky ai|nguoi than|nguoi nha|gia dinh|vo|chong|con)|giu bi mat|bi mat (?:dieu tra|"
       r"cuoc goi)|dung (?:goi|noi|bao|ke)(?: cho| voi)? (?:bo|me|ai|nguoi nha|chong|vo)"),
    _p("pressure_urgent", "pressure", "low", r"\b(?:gap|khan cap|ngay lap tuc|ngay bay gio|truoc \d+ ?(?:h|gio)|trong "
       r"(?:vong )?\d+ ?(?:h|gio|phut|tieng)|sau \d+ ?(?:h|gio|tieng)|lan cuoi|som nhat|ngay hom nay|han (?:chot|cuoi)|"
       r"qua han|urgent|so luong co han)\b"),
    _p("claims_authority", "hint", "low", r"\b(?:toi|minh|em|chung toi|chau) (?:la|ben|o) (?:can bo|dieu tra vien|"
       r"canh sat|cong an|truong cong an|nhan vien|chuyen vien|thanh tra|kiem sat vien|tham phan|tro ly|hr)|"
       r"(?:day la|goi tu|thong bao tu|tu) (?:cong an|ngan hang|toa an|vien kiem sat|bhxh|co quan thue|cuc thue|"
       r"dien luc|nha mang|tong dai)"),
)

AUTHORITY = re.compile(r"cong an|canh sat|ngan hang|toa an|vien kiem sat|bhxh|bao hiem|co quan thue|cuc thue|"
                       r"dien luc|\bevn\b|nha mang|viettel|vinaphone|mobifone|vneid|tong dai|cskh|truc ban|"
                       r"cham soc khach hang|vietcombank|bidv|agribank|vietinbank|techcombank|mb ?bank|momo|zalopay|"
                       r"sacombank|tpbank|vpbank|acb|shopee|lazada|buu dien|shipper|giao hang|benh vien|hai quan")
ALREADY_ACTED = re.compile(
    r"(?:toi|minh|em|tui|me|bo|ong|ba|chau|con|da|lo|vua)\b.{0,20}?(?:da |lo |vua |mat )(?:chuyen|gui|nop|dua|doc|"
    r"cung cap|nhap|bam|cai|chia se|bi tru|bi lay|bi rut|mat)\b|(?:bi|da bi) (?:lua|tru tien|lay mat|rut tien|mat tien|"
    r"chiem doat)|mat (?:het )?tien|da chuyen (?:tien|khoan)|lo (?:bam|nhap|dua|doc|cai|chuyen)"
)


def _negated(folded: str, start: int) -> bool:
    window = folded[max(0, start - 45):start]
    if _DONE.search(window):
        return True
    breaks = list(_CLAUSE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end():]
    return bool(_NEG.search(window))


def find_patterns(folded: str) -> list[tuple[Pattern, tuple[str, ...]]]:
    """Every pattern that matches, with its distinct matched phrases (at most 3; the first is shown)."""
    out: list[tuple[Pattern, tuple[str, ...]]] = []
    maintenance = bool(_MAINTENANCE.search(folded))
    for pat in PATTERNS:
        if pat.code == "bait_utility_cut" and maintenance:
            continue  # a planned outage notice ("tạm ngừng cấp điện để bảo dưỡng") is not a threat
        hits: list[str] = []
        for m in pat.regex.finditer(folded):
            if pat.negatable and _negated(folded, m.start()):
                continue
            if pat.code == "ask_install" and m.group(0).startswith("tai") and _AT_VERBS.search(
                    folded[max(0, m.start() - 20):m.start()]):
                continue
            if m.group(0) not in hits:
                hits.append(m.group(0))
            if len(hits) == 3:
                break
        if hits:
            out.append((pat, tuple(hits)))
    return out
