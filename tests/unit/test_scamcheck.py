"""The scam checker's core (issue 20): de-obfuscation, extraction, look-alike domains, verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.scamcheck import DANGER, NO_SIGNS, OFFICIAL, SUSPICIOUS, ScamChecker
from bot.core.scamcheck.domains import DomainJudge, edit_distance, skeleton
from bot.core.scamcheck.extract import deobfuscate, find_links, find_phones
from bot.infra.scamlists import load_scam_lists

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checker() -> ScamChecker:
    lists = load_scam_lists(ROOT / "knowledge" / "official_domains.txt", ROOT / "knowledge" / "official_hotlines.txt",
                            reported_domains=["nhanqua-tet.com"], reported_phones=["0899 123 456"])
    return ScamChecker(lists, guide_ids={"at-web-gia", "at-gia-danh-cong-an", "at-khong-chia-se-otp", "at-tin-nhan-gia"})


@pytest.mark.parametrize(("text", "host"), [
    ("vao hxxps://vneid-gov[.]com/login ngay", "vneid-gov.com"),
    ("truy cap vneid .gov .vn de kiem tra", "vneid.gov.vn"),
    ("dichvucong(dot)gov(dot)vn", "dichvucong.gov.vn"),
    ("ｖｎｅｉｄ．ｇｏｖ．ｖｎ", "vneid.gov.vn"),
    ("vne\u200bid.gov.vn", "vneid.gov.vn"),
    ("link: bit.ly/3xYz", "bit.ly"),
    ("http://103.45.67.89/dang-nhap", "103.45.67.89"),
    ("xn--vnid-w4d.gov.vn", "vnеid.gov.vn"),
])
def test_obfuscated_links_are_found(text: str, host: str) -> None:
    links = find_links(deobfuscate(text))
    assert [link.host for link in links] == [host]


def test_ordinary_sentences_give_no_links() -> None:
    assert find_links(deobfuscate("Tôi muốn hỏi v.v. về thủ tục. Cảm ơn. Lệ phí 1.500.000 đồng, ngày 12.3.2025")) == ()


def test_phone_numbers_are_normalised() -> None:
    assert find_phones("goi 0912.345.678 hoac +84 912 345 679 hoac 1900 545 413 hoac 113") == (
        "0912345678", "0912345679", "1900545413", "113")
    assert find_phones("so nuoc ngoai +1 202 555 0143") == ("+12025550143",)


@pytest.mark.parametrize(("host", "name"), [
    ("vneid.gov.vn.xyz.com", "gov.vn"),
    ("dichvucong-gov.vn", "gov.vn"),
    ("vietcornbank.com", "vietcombank"),
    ("vietcombank-vn.top", "vietcombank"),
    ("vietinbamk.com", "vietinbank"),
    ("agrlbank.com.vn", "agribank"),
])
def test_lookalikes_name_the_official_name_they_borrow(host: str, name: str) -> None:
    judge = DomainJudge(["gov.vn", "vietcombank.com.vn", "vietinbank.vn", "agribank.com.vn"])
    assert not judge.is_official(host)
    assert judge.lookalike(host)[0] == name


def test_official_hosts_and_subdomains_are_official() -> None:
    judge = DomainJudge(["gov.vn", "napas.com.vn"])
    assert judge.is_official("dichvucong.gov.vn") and judge.is_official("www.napas.com.vn")
    assert not judge.is_official("napas.com.vn.evil.top") and not judge.is_official("fakegov.vn")


def test_skeleton_and_edit_distance() -> None:
    assert skeleton("vietcornbank") == "vietcombank"
    assert skeleton("vnеid") == "vneid"  # Cyrillic е
    assert edit_distance("vietinbamk", "vietinbank") == 1
    assert edit_distance("abc", "xyzxyz", limit=2) == 3


@pytest.mark.parametrize("text", [
    "Tai khoan dinh danh cua ban se bi khoa. Truy cap hxxps://vneid-gov[.]com de nang cap muc 2",
    "Tôi là cán bộ công an, anh liên quan đến vụ án rửa tiền, yêu cầu chuyển tiền vào tài khoản tạm giữ để xác minh.",
    "Chuc mung ban trung thuong xe SH, nhan qua tai quatang-tri-an.xyz",
    "Mẹ ơi con đang cấp cứu ở bệnh viện, mẹ chuyển gấp 20 triệu vào stk 0123456789 nhé",
    "Minh chuyen nham 2 trieu vao tai khoan cua ban, ban chuyen lai giup minh nhe",
    "Nhân viên ngân hàng đây, chị đọc giúp em mã OTP vừa gửi về máy để hoàn tất hồ sơ",
    "Tai ung dung Dich vu cong tai dichvucong-bocongan.com/app.apk de cap nhat dia chi",
    "Thong bao: ban co bien ban phat nguoi, tra cuu va nop phat tai csgt-vn.top",
    "Tuyển CTV làm tại nhà, like video TikTok nhận 300k/ngày, ib Zalo 0987654321",
    "Vay tien online chi can CCCD, giai ngan trong 5 phut, khong tham dinh",
    "Để được hỗ trợ, chị cài ứng dụng UltraViewer và chia sẻ màn hình cho em nhé",
    "Vao nhanqua-tet.com de nhan lai tien",
])
def test_clear_scams_are_danger(checker: ScamChecker, text: str) -> None:
    r = checker.check(text)
    assert r.verdict == DANGER, (r.verdict, [x.code for x in r.reasons])
    assert r.reasons and all(x.text for x in r.reasons)


@pytest.mark.parametrize("text", [
    "Ma OTP cua quy khach la 834121, hieu luc 3 phut. KHONG cung cap OTP cho bat ky ai, ke ca nhan vien ngan hang.",
    "TK 1026123456 +500,000VND luc 10:20 02/12. SD: 2,300,000VND. ND: NGUYEN VAN A chuyen tien",
    "Me oi con chuyen tien hoc phi roi nhe",
    "Cuoc goi nho tu 0912345678 luc 10:05",
])
def test_genuine_messages_without_links_have_no_signs(checker: ScamChecker, text: str) -> None:
    r = checker.check(text)
    assert r.verdict == NO_SIGNS, (r.verdict, [x.code for x in r.reasons])
    assert "chưa chắc" in r.headline  # never "safe"


def test_only_official_links_give_official(checker: ScamChecker) -> None:
    r = checker.check("Ho so 000.00.22.H61-251202-0001 da duoc tiep nhan. Tra cuu tai https://dichvucong.gov.vn")
    assert r.verdict == OFFICIAL
    assert [x.code for x in r.reasons] == ["link_official"]


def test_a_single_bait_is_suspicious(checker: ScamChecker) -> None:
    assert checker.check("Chúc mừng bạn đã trúng thưởng").verdict == SUSPICIOUS


def test_reported_phone_is_danger_and_urgent_path_is_offered(checker: ScamChecker) -> None:
    r = checker.check("toi da chuyen tien cho so 0899123456 roi, gio lam sao")
    assert r.verdict == DANGER and r.urgent
    assert "Công an" in r.urgent_advice and "ngân hàng" in r.urgent_advice


def test_guide_points_to_the_matching_safety_guide(checker: ScamChecker) -> None:
    r = checker.check("Tôi là điều tra viên, bà liên quan đến đường dây ma túy, phải chuyển tiền để xác minh")
    assert r.guide_id == "at-gia-danh-cong-an"


def test_hostile_input_is_bounded(checker: ScamChecker) -> None:
    import time

    t0 = time.perf_counter()
    r = checker.check("a." * 200_000 + "vneid-gov.com " * 5000)
    assert time.perf_counter() - t0 < 2.0
    assert r.verdict in (DANGER, SUSPICIOUS, NO_SIGNS)


def test_english_reasons(checker: ScamChecker) -> None:
    r = checker.check("Your account is locked, verify at vietcombank-vn.top", lang="en")
    assert r.verdict == DANGER and "official" in r.reasons[0].text
