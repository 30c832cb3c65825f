"""The grounding checks that decide whether a language model's answer may be sent."""

from __future__ import annotations

import pytest

from bot.core.answering.grounding import (
    BAD_CITATION,
    EMPTY,
    NO_CITATION,
    TOO_LONG,
    UNGROUNDED_NUMBER,
    UNGROUNDED_PHONE,
    UNGROUNDED_URL,
    UNOFFICIAL_URL,
    StreamGuard,
    check_answer,
    citations,
    is_refusal,
    renumber,
    urls,
)

PASSWORD = (
    "Quên mật khẩu VNeID\nBạn tự lấy lại mật khẩu VNeID ngay trên ứng dụng bằng mã OTP.\n"
    "1. Mở ứng dụng VNeID, bấm Quên mật khẩu.\n2. Nhập số định danh cá nhân.\n3. Nhập mã OTP gồm 6 số.\n"
    "Tổng đài hỗ trợ: 1900 0368 hoặc 069.234.5678.\nNguồn: https://vneid.gov.vn/huong-dan"
)
FEES = ("Đăng ký thường trú\nLệ phí: 20.000 đồng khi nộp trực tiếp, 10.000 đồng khi nộp trực tuyến, trong 7 ngày.\n"
        "Nộp tại dichvucong.gov.vn. Cảnh giác trang giả mạo vneid-xacminh.com.")
PASSAGES = [PASSWORD, FEES]
OFFICIAL = ["gov.vn"]


def check(text: str, **kw):  # type: ignore[no-untyped-def]
    return check_answer(text, PASSAGES, official_domains=OFFICIAL, **kw)


def test_a_grounded_answer_with_steps_and_citations_passes() -> None:
    text = ("Bạn lấy lại mật khẩu ngay trên ứng dụng [1].\n1. Mở VNeID, bấm Quên mật khẩu [1].\n"
            "2. Nhập mã OTP gồm 6 số [1].\nNếu cần, gọi 1900 0368 [1]. Lệ phí thường trú trực tuyến là "
            "10.000 đồng, xem dichvucong.gov.vn [2].")
    v = check(text)
    assert v.ok and v.reason == "" and v.cited == (1, 2)


@pytest.mark.parametrize("text,reason", [
    ("", EMPTY),
    ("   \n ", EMPTY),
    ("Bạn mở ứng dụng VNeID và bấm Quên mật khẩu.", NO_CITATION),
    ("Bạn mở ứng dụng VNeID [3].", BAD_CITATION),
    ("Bạn mở ứng dụng VNeID [0].", BAD_CITATION),
    ("Bạn mở ứng dụng [1], rồi xem thêm [1-4].", BAD_CITATION),
    ("Gọi tổng đài 0912 345 678 để được giúp [1].", UNGROUNDED_PHONE),
    ("Gọi 1900 1234 [1].", UNGROUNDED_PHONE),
    ("Lệ phí là 50.000 đồng [2].", UNGROUNDED_NUMBER),
    ("Nhập mã OTP gồm 8 số [1].", UNGROUNDED_NUMBER),
    ("Xem hướng dẫn tại https://vneid.gov.vn/khac [1].", UNGROUNDED_URL),
    ("Bạn vào vneid-xacminh.com để xác minh [2].", UNOFFICIAL_URL),
    ("Gửi ảnh căn cước tới hotro@vneid-xacminh.com [2].", UNGROUNDED_URL),
])
def test_each_failure_has_its_reason(text: str, reason: str) -> None:
    v = check(text)
    assert not v.ok and v.reason == reason


def test_numbers_must_be_in_the_cited_passage_not_just_any_given_one() -> None:
    assert check("Lệ phí nộp trực tuyến là 10.000 đồng [2].").ok
    v = check("Lệ phí nộp trực tuyến là 10.000 đồng [1].")  # the fee is in passage 2, not 1
    assert not v.ok and v.reason == UNGROUNDED_NUMBER and v.detail == "10000"


def test_phone_numbers_match_whatever_the_grouping() -> None:
    assert check("Gọi 19000368 hoặc 069 234 5678 [1].").ok
    assert check("Gọi 069-234-5678 [1].").ok


def test_a_number_written_across_groups_is_found_but_not_a_cut_down_one() -> None:
    passages = ["Gọi tổng đài 1900 0368 24/7 để được hỗ trợ."]
    assert check_answer("Gọi 1900 0368 [1].", passages).ok
    assert check_answer("Gọi 1900 036 [1].", passages).reason == UNGROUNDED_NUMBER  # cut down
    assert check_answer("Gọi 1900 0369 [1].", passages).reason == UNGROUNDED_PHONE  # one digit changed


def test_an_e_mail_address_must_be_in_the_cited_passage() -> None:
    passages = ["Gửi phản ánh tới hotro@dichvucong.gov.vn."]
    assert check_answer("Gửi phản ánh tới hotro@dichvucong.gov.vn [1].", passages, official_domains=OFFICIAL).ok


def test_step_numbers_and_citations_are_not_taken_for_claims() -> None:
    text = "\n".join(f"{i}. Làm bước này [1]." for i in range(1, 10))  # passage 1 has no "9"
    assert check(text).ok


def test_too_long_answers_are_refused() -> None:
    v = check("Mở ứng dụng VNeID [1]. " * 200, max_chars=1500)
    assert not v.ok and v.reason == TOO_LONG


def test_without_a_domain_list_any_url_in_the_cited_passage_passes() -> None:
    assert check_answer("Cảnh giác vneid-xacminh.com [2].", PASSAGES).ok


def test_refusal_marker_is_found_however_it_is_written() -> None:
    for t in ("KHONG_CO_TRONG_TAI_LIEU", " khong co trong tai lieu. ", "KHÔNG_CÓ_TRONG_TÀI_LIỆU",
              "Xin lỗi. KHONG-CO-TRONG-TAI-LIEU"):
        assert is_refusal(t), t
    assert not is_refusal("Không có gì phải lo, bạn làm theo các bước sau [1].")


def test_citation_forms_and_renumbering() -> None:
    assert citations("a [2] b [1, 3] c [2-3] d [ 4 ]") == [2, 1, 3, 2, 3, 4]
    assert renumber("Bước một [3]. Bước hai [1]. Cả hai [1, 3].", (3, 1)) == "Bước một [1]. Bước hai [2]. Cả hai [2, 1]."


def test_urls_are_normalised() -> None:
    assert urls("Vào https://www.DichVuCong.gov.vn/, hoặc vneid.gov.vn.") == ["dichvucong.gov.vn", "vneid.gov.vn"]
    assert urls("Số 1.2 và v.v. không phải là địa chỉ.") == []


def test_stream_guard_lets_checked_lines_through_and_stops_at_an_invented_number() -> None:
    g = StreamGuard(PASSAGES, official_domains=OFFICIAL)
    shown = "".join(g.feed(piece) for piece in ["1. Mở VNeID", " [1].\n2. Nhập mã", " OTP [1].\n3. Gọi 0912 ", "345 678 [1].\n",
                                                 "4. Đặt mật khẩu [1].\n"])
    assert shown == "1. Mở VNeID [1].\n2. Nhập mã OTP [1].\n"
    assert g.stopped


def test_stream_guard_holds_back_the_refusal_marker_and_bad_citations() -> None:
    g = StreamGuard(PASSAGES)
    assert g.feed("KHONG_CO_TRONG_TAI_LIEU\n") == "" and g.stopped
    g = StreamGuard(PASSAGES)
    assert g.feed("Mở ứng dụng [5].\nTiếp [1].\n") == "" and g.stopped
    g = StreamGuard(PASSAGES)
    assert g.feed("Mở ứng dụng [1].") == ""  # an unfinished line waits
    assert g.feed("\n") == "Mở ứng dụng [1].\n"
