from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.privacy import redact


def test_typed_placeholders_with_and_without_tone_marks() -> None:
    cases = {
        "số căn cước 001203004567 nhé": "[CCCD]",
        "so dien thoai cua toi 0912.345.678": "[SĐT]",
        "goi +84 912 345 678 giup": "[SĐT]",
        "mã OTP là 482913": "[OTP]",
        "ma otp la 482913": "[OTP]",
        "mat khau la Abc@12345": "[MẬT KHẨU]",
        "thẻ 4111 1111 1111 1111 bị trừ tiền": "[THẺ]",
        "stk 0123456789012 vcb": "[STK]",
        "email nguyenvana@gmail.com": "[EMAIL]",
        "cmnd cũ 123456789": "[CMND]",
    }
    for text, tag in cases.items():
        assert tag in redact(text), text


def test_ordinary_numbers_are_kept() -> None:
    for text in ("phí 50.000 đồng", "thủ tục 1.000028", "ngày 01/07/2024", "năm 2025 có 124 xã",
                 "chuyển trên 10 triệu đồng", "hạn mức 500.000.000 đồng"):
        assert redact(text) == text


digits = st.text(alphabet="0123456789", min_size=11, max_size=11)
words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Zs")), max_size=30)


@settings(max_examples=200, deadline=None)
@given(prefix=words, suffix=words, body=digits)
def test_a_generated_id_number_is_always_removed(prefix: str, suffix: str, body: str) -> None:
    id_number = "0" + body
    out = redact(f"{prefix} {id_number} {suffix}")
    assert id_number not in out


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_redaction_never_crashes_and_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
