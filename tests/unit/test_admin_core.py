"""The pure parts of the admin console: grouping of unanswered questions by similarity, and the validation
of the citizen-facing settings an admin may change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.answering.triage import AskedQuestion, group_questions, suggested_phrasing, words
from bot.core.botsettings import KEYS, validate

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def q(i: int, text: str, *, covered: bool = False, feedback: str | None = None, minutes: int = 0,
      src: tuple[str, ...] = ()) -> AskedQuestion:
    return AskedQuestion(i, text, T0 + timedelta(minutes=minutes), "web", covered, feedback, 0.3, src)


def test_similar_questions_group_whatever_the_tone_marks_and_function_words() -> None:
    items = [
        q(1, "làm sao đổi số điện thoại trên VNeID", minutes=1),
        q(2, "doi so dien thoai vneid the nao", minutes=2),
        q(3, "Tôi muốn đổi số điện thoại VNeID ạ", minutes=3, src=("vneid-sdt",)),
        q(4, "cách nộp thuế đất online", minutes=4),
        q(5, "nop thue dat online o dau", minutes=5),
        q(6, "mã OTP là gì", minutes=6, covered=True, feedback="not_helpful"),
        q(7, "", minutes=7),  # erased by the citizen: left out
    ]
    groups = group_questions(items)
    assert [sorted(x.id for x in g.questions) for g in groups] == [[1, 2, 3], [4, 5], [6]]
    first = groups[0].as_dict()
    assert first["count"] == 3 and first["not_covered"] == 3 and first["nearest_guide"] == "vneid-sdt"
    assert first["question_ids"] == [1, 2, 3] and len(first["examples"]) == 3  # type: ignore[arg-type]
    assert groups[2].as_dict()["not_helpful"] == 1


def test_folding_does_not_drop_topic_words() -> None:
    # "mã" (code) folds to "ma" like the function word "mà"; "thẻ" (card) to "the" like "thế": both kept
    assert {"ma", "otp"} <= words("mã OTP là gì")
    assert "the" in words("mất thẻ ngân hàng thì làm sao")
    assert "dang" in words("đăng ký tài khoản")


def test_different_questions_stay_apart_and_a_stricter_threshold_splits_more() -> None:
    items = [q(1, "đổi mật khẩu VNeID"), q(2, "quên mật khẩu VNeID"), q(3, "chuyển nhầm tiền ngân hàng")]
    assert len(group_questions(items, threshold=0.5)) == 2
    assert len(group_questions(items, threshold=0.9)) == 3


def test_suggested_phrasing_is_the_most_frequent_wording() -> None:
    items = [q(1, "đổi sđt vneid"), q(2, "Đổi số điện thoại VNeID"), q(3, "Đổi số điện thoại VNeID")]
    assert suggested_phrasing(items) == "Đổi số điện thoại VNeID"


CURRENT: dict[str, object] = {"hours": "07:00-21:00", "days": [0, 1, 2, 3, 4, 5, 6], "pool_after_min": 10,
                              "urgent_pool_after_min": 2, "silence_remind_min": 30, "silence_close_min": 60,
                              "expire_after_hours": 72, "greeting_vi": "Xin chào bà con", "greeting_en": "Hello there"}


def test_valid_changes_are_cleaned() -> None:
    clean, errors = validate({"hours": " 8:00 - 17:30 ", "days": [4, 0, 0], "pool_after_min": "15",
                              "greeting_vi": "  Chào bà con!\r\nTôi   giúp được gì?  "}, CURRENT)
    assert errors == {}
    assert clean == {"hours": "08:00-17:30", "days": [0, 4], "pool_after_min": 15,
                     "greeting_vi": "Chào bà con!\nTôi giúp được gì?"}
    assert validate({"hours": None}, CURRENT) == ({"hours": None}, {})  # back to config.yaml


@pytest.mark.parametrize("changes,key", [
    ({"hours": "7h-21h"}, "hours"),
    ({"hours": "21:00-07:00"}, "hours"),
    ({"hours": "25:00-26:00"}, "hours"),
    ({"days": []}, "days"),
    ({"days": [7]}, "days"),
    ({"days": [True]}, "days"),
    ({"pool_after_min": 0}, "pool_after_min"),
    ({"pool_after_min": "mười"}, "pool_after_min"),
    ({"expire_after_hours": 10_000}, "expire_after_hours"),
    ({"silence_close_min": 20}, "silence_close_min"),  # must be longer than the reminder (30)
    ({"urgent_pool_after_min": 30}, "urgent_pool_after_min"),  # urgent must go to the pool sooner
    ({"greeting_vi": "hi"}, "greeting_vi"),
    ({"greeting_en": "x" * 2000}, "greeting_en"),
    ({"colour": "red"}, "colour"),
])
def test_bad_changes_are_refused_with_a_message_per_field(changes: dict[str, object], key: str) -> None:
    clean, errors = validate(changes, CURRENT)
    assert clean == {} and key in errors and errors[key]


def test_one_bad_field_saves_nothing() -> None:
    clean, errors = validate({"pool_after_min": 20, "hours": "bad"}, CURRENT)
    assert clean == {} and set(errors) == {"hours"}
    assert set(KEYS) == set(CURRENT)
