"""`binhdan kb check`, second-edition rules (issue 16), each on a tiny knowledge base in tmp_path: a guide
that follows every rule passes, and each broken rule fails with its own tag."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
import yaml

from ingest.kbcheck import Report, check_kb, quiz_stats
from ingest.stale import stale_report

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 2)
BODY = textwrap.dedent("""\
    Bạn tự lấy lại mật khẩu trên ứng dụng VNeID.

    ## Các bước
    1. Mở ứng dụng VNeID.
    2. Bấm **Quên mật khẩu**.

    ## Lưu ý
    - Tên nút có thể khác một chút tùy phiên bản ứng dụng.

    Nguồn: Bộ Công an (vneid.gov.vn), Báo VnExpress (11/2026).
    """)
FACT = {"text": "Lệ phí là 50.000 đồng.", "kind": "fee", "source": "https://dichvucong.gov.vn/p/1",
        "checked_on": dt.date(2026, 12, 2), "check_by": dt.date(2027, 6, 2)}


def front(**over: object) -> dict[str, object]:
    f: dict[str, object] = {
        "id": "vneid-test", "title": "Quên mật khẩu VNeID", "topic": "vneid", "audience": "all", "lang": "vi",
        "source_url": ["https://vneid.gov.vn/huong-dan", "https://vnexpress.net/a.html"],
        "reviewed_on": dt.date(2026, 12, 2), "tags": ["vneid"], "summary": "Lấy lại mật khẩu trên ứng dụng.",
        "questions": ["Quên mật khẩu VNeID phải làm sao?", "quen mat khau vneid", "mk vneid bi quen",
                      "Lấy lại mật khẩu VNeID thế nào?"]}
    f.update(over)
    return {k: v for k, v in f.items() if v is not None}


class _PlainDumper(yaml.SafeDumper):
    """Writes shared values out in full: guide front matter may not use YAML aliases (billion laughs)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def write_guide(kb: Path, meta: dict[str, object], body: str = BODY) -> None:
    d = kb / "guides" / str(meta["topic"])
    d.mkdir(parents=True, exist_ok=True)
    head = yaml.dump(meta, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False)
    (d / f"{meta['id']}.md").write_text(f"---\n{head}---\n{body}", encoding="utf-8")


def run(kb: Path, *, lessons: list[dict[str, object]] | None = None) -> Report:
    (kb / "guides").mkdir(parents=True, exist_ok=True)
    ldir = kb / "lessons"
    ldir.mkdir(exist_ok=True)
    for i, module in enumerate(lessons or []):
        (ldir / f"{i:02d}.yaml").write_text(yaml.safe_dump(module, allow_unicode=True), encoding="utf-8")
    return check_kb(guides_dir=kb / "guides", lessons_dir=ldir, lexicon_dir=ROOT / "knowledge" / "lexicon",
                    domains_file=ROOT / "knowledge" / "official_domains.txt",
                    denylist_file=ROOT / "knowledge" / "source_denylist.txt", today=TODAY)


def tags(messages: list[str]) -> set[str]:
    return {m.rsplit("[", 1)[-1].rstrip("]") for m in messages}


def guide_report(tmp_path: Path, body: str = BODY, **over: object) -> Report:
    write_guide(tmp_path, front(**over), body)
    return run(tmp_path)


def test_a_guide_that_follows_every_rule_passes_without_warnings(tmp_path: Path) -> None:
    rep = guide_report(tmp_path)
    assert rep.errors == [] and rep.warnings == []


# ---- facts ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("fact", "needle"), [
    ({**FACT, "kind": "price"}, "kind 'price'"),
    ({**FACT, "source": "dichvucong.gov.vn"}, "not an http(s) URL"),
    ({**FACT, "check_by": dt.date(2027, 7, 2)}, "more than 6 months"),
    ({**FACT, "kind": "hotline", "check_by": dt.date(2028, 1, 2)}, "more than 12 months"),
    ({**FACT, "check_by": dt.date(2026, 11, 1)}, "not after checked_on"),
    ({**FACT, "checked_on": "hôm qua"}, "checked_on is not a date"),
    ({**FACT, "text": ""}, "lacks 'text'"),
    ("Lệ phí 50.000 đồng", "is not a mapping"),
])
def test_malformed_facts_are_errors(tmp_path: Path, fact: object, needle: str) -> None:
    rep = guide_report(tmp_path, facts=[fact])
    assert any("[facts]" in e and needle in e for e in rep.errors), rep.errors


def test_fee_facts_may_wait_six_months_and_hotlines_twelve(tmp_path: Path) -> None:
    facts = [FACT, {**FACT, "kind": "hotline", "check_by": dt.date(2027, 12, 2)}]
    rep = guide_report(tmp_path, facts=facts)
    assert rep.errors == []


def test_a_passed_check_by_is_a_warning_not_an_error(tmp_path: Path) -> None:
    old = {**FACT, "checked_on": dt.date(2026, 5, 1), "check_by": dt.date(2026, 11, 1)}
    rep = guide_report(tmp_path, facts=[old])
    assert rep.errors == [] and tags(rep.warnings) == {"facts-due"}


@pytest.mark.parametrize(("sentence", "kind"), [
    ("Lệ phí là 50.000 đồng.", "fee"), ("Phí 20.000đ mỗi lần.", "fee"), ("Hạn mức 100 triệu mỗi ngày.", "limit"),
    ("Gọi tổng đài 1900 0368 để được hỗ trợ.", "hotline"), ("Gọi ngay **113**.", "hotline"),
    ("Gọi số 0912345678.", "hotline"), ("Theo Nghị định 59/2022/NĐ-CP, bạn cần làm.", "legal"),
    ("Theo Thông tư 17/2024 của Ngân hàng Nhà nước.", "legal"), ("Trẻ em dưới 14 tuổi cần bố mẹ.", "age"),
    ("Nộp trong 60 ngày kể từ ngày sinh.", "deadline"), ("Được giảm phí đến hết 31/12/2026.", "deadline"),
])
def test_a_stated_fee_hotline_law_age_or_deadline_needs_a_fact_of_its_kind(tmp_path: Path, sentence: str,
                                                                          kind: str) -> None:
    body = BODY.replace("Bạn tự lấy lại mật khẩu trên ứng dụng VNeID.", sentence)
    missing = guide_report(tmp_path / "a", body)
    assert "facts-required" in tags(missing.errors), (sentence, missing.errors)
    covered = guide_report(tmp_path / "b", body, facts=[{**FACT, "kind": kind, "text": sentence}])
    assert "facts-required" not in tags(covered.errors), (sentence, covered.errors)


def test_step_numbers_and_source_dates_are_not_mistaken_for_fees_or_deadlines(tmp_path: Path) -> None:
    body = BODY.replace("2. Bấm **Quên mật khẩu**.", "2. Bấm **Quên mật khẩu**.\n3. Ngân hàng gửi mã.\n4. Đồng ý.")
    rep = guide_report(tmp_path, body)
    assert rep.errors == [], rep.errors


# ---- reviewed_on ----------------------------------------------------------------------------------
def test_most_guides_sharing_one_reviewed_on_date_is_a_bulk_stamp_warning(tmp_path: Path) -> None:
    for i in range(5):
        write_guide(tmp_path / "same", front(id=f"g{i}"))
    rep = run(tmp_path / "same")
    assert "bulk-reviewed-on" in tags(rep.warnings) and rep.errors == []
    for i in range(5):
        write_guide(tmp_path / "mixed", front(id=f"g{i}", reviewed_on=dt.date(2026, 12, 1 + i % 2)))
    assert "bulk-reviewed-on" not in tags(run(tmp_path / "mixed").warnings)


# ---- domains --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Trang giả vneid-gov.com.", "Đừng vào [trang này](https://vneid-gov.com/login).",
    "Địa chỉ https://dichvucong-gov.vn/abc là giả.", "Trang vneid.gov.vn.evil.com là giả.",
    "Đừng vào [vneid-gov[.]com](hxxp://vneid-gov.com)."])
def test_a_non_official_domain_must_be_defanged_and_never_a_link(tmp_path: Path, text: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {text}\n- Tên nút"))
    assert "defang" in tags(rep.errors), rep.errors


@pytest.mark.parametrize("text", [
    "Trang giả vneid-gov[.]com.", "Địa chỉ hxxps://dichvucong-gov[.]vn/abc là giả.",
    "Vào https://dichvucong.gov.vn hoặc [VNeID](https://vneid.gov.vn).", "Nhắn Zalo qua zalo.me/123.",
    "Trang của Agribank là agribank.com.vn, của MoMo là momo.vn.", "Vào thanhtoan.evn.com.vn để xem hóa đơn."])
def test_official_domains_and_defanged_ones_pass(tmp_path: Path, text: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {text}\n- Tên nút"))
    assert "defang" not in tags(rep.errors), rep.errors


def test_undefanged_domains_in_the_title_or_questions_also_fail(tmp_path: Path) -> None:
    rep = guide_report(tmp_path, questions=["vneid-gov.com có thật không", "quen mat khau", "a b c", "d e f"])
    assert "defang" in tags(rep.errors)


# ---- sources --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "needle"), [
    ("http://118.69.201.251:801/phap-luat/a.html", "bare IP"),
    ("https://github.com/someone/copy/blob/main/vneid.md", "code-hosting"),
    ("https://raw.githubusercontent.com/someone/copy/main/vneid.md", "code-hosting"),
    ("https://alpha.antv.gov.vn/a.html", "non-production"), ("https://beta.thuvienphapluat.vn/a", "non-production"),
    ("https://sualaptopbacninhckv.com/a.html", "source_denylist"),
])
def test_weak_sources_are_errors_first_and_warnings_later(tmp_path: Path, url: str, needle: str) -> None:
    first = guide_report(tmp_path / "a", source_url=[url, "https://vneid.gov.vn/a"])
    assert any("[source-quality]" in e and needle in e for e in first.errors), first.errors
    later = guide_report(tmp_path / "b", source_url=["https://vneid.gov.vn/a", url])
    assert "source-quality" not in tags(later.errors)
    assert any("[source-quality]" in w and needle in w for w in later.warnings), later.warnings


def test_press_as_first_source_is_not_official(tmp_path: Path) -> None:
    rep = guide_report(tmp_path, source_url=["https://vnexpress.net/a.html"])
    assert any("not on an official domain" in e for e in rep.errors)


# ---- editor notes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("note", ["Số này chưa kiểm chứng được.", "Thông tin có thể đã thay đổi.",
                                  "Theo một số nguồn, phí là miễn.", "Cần kiểm tra lại mục này.",
                                  "chua xac minh so nay", "TODO: thêm ảnh", "FIXME", "Không rõ nguồn."])
def test_editor_notes_in_citizen_text_are_errors_with_or_without_tone_marks(tmp_path: Path, note: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {note}\n- Tên nút"))
    assert "editor-notes" in tags(rep.errors), rep.errors


@pytest.mark.parametrize("sentence", [
    "Tên nút có thể khác một chút tùy phiên bản ứng dụng.", "Không cài ứng dụng không rõ nguồn gốc.",
    "Không chuyển tiền khi chưa xác minh người nhận.", "Nếu cần xác minh thêm, cơ quan sẽ hẹn lại."])
def test_neutral_citizen_sentences_are_not_editor_notes(tmp_path: Path, sentence: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút có thể khác một chút tùy phiên bản ứng dụng.", f"- {sentence}"))
    assert "editor-notes" not in tags(rep.errors), rep.errors


# ---- example passwords ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Đặt mật khẩu mạnh như Abc@12345.", "Mật khẩu tốt, ví dụ: Matkhau123.",
                                  "A strong password such as Chetancuong@2025 is hard to guess."])
def test_an_example_password_is_an_error(tmp_path: Path, text: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {text}\n- Tên nút"))
    assert "password-example" in tags(rep.errors), rep.errors


@pytest.mark.parametrize("text", ["Mật khẩu 8–20 ký tự, có chữ hoa, chữ thường, chữ số và ký tự đặc biệt.",
                                  "The passcode is a 6-digit number.", "Mật khẩu Wi-Fi ghi ở mặt sau modem."])
def test_describing_the_password_pattern_passes(tmp_path: Path, text: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {text}\n- Tên nút"))
    assert "password-example" not in tags(rep.errors), rep.errors


# ---- ".gov.vn only" -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["Chỉ tin trang có đuôi .gov.vn.", "Hãy nhớ: chỉ .gov.vn là thật.",
                                  "Trang thật phải kết thúc bằng .gov.vn.", "Only trust sites ending in .gov.vn."])
def test_teaching_gov_vn_only_is_an_error(tmp_path: Path, text: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {text}\n- Tên nút"))
    assert "gov-vn-only" in tags(rep.errors), rep.errors


@pytest.mark.parametrize("text", ["Tự gõ đúng địa chỉ dichvucong.gov.vn.", "Chỉ vào đúng dichvucong.gov.vn.",
                                  "Trang của cơ quan nhà nước có địa chỉ kết thúc bằng .gov.vn."])
def test_checking_the_exact_official_address_passes(tmp_path: Path, text: str) -> None:
    rep = guide_report(tmp_path, BODY.replace("- Tên nút", f"- {text}\n- Tên nút"))
    assert "gov-vn-only" not in tags(rep.errors), rep.errors


# ---- plain-language structure ---------------------------------------------------------------------
def test_at_most_three_notes(tmp_path: Path) -> None:
    three = BODY.replace("- Tên nút", "- Một.\n- Hai.\n- Tên nút")
    assert "notes" not in tags(guide_report(tmp_path / "a", three).errors)
    four = BODY.replace("- Tên nút", "- Một.\n- Hai.\n- Ba.\n- Tên nút")
    assert "notes" in tags(guide_report(tmp_path / "b", four).errors)


def test_the_main_path_warns_over_250_words_and_fails_over_300(tmp_path: Path) -> None:
    def body(words: int) -> str:
        return BODY.replace("2. Bấm **Quên mật khẩu**.", "2. Bấm **Quên mật khẩu**. " + "chữ " * words)
    assert "main-path" in tags(guide_report(tmp_path / "a", body(250)).warnings)
    assert "main-path" in tags(guide_report(tmp_path / "b", body(300)).errors)
    ok = guide_report(tmp_path / "c", body(200))
    assert "main-path" not in tags(ok.errors + ok.warnings)


def test_each_way_numbers_its_steps_from_one(tmp_path: Path) -> None:
    two_ways = BODY.replace("## Các bước\n1. Mở ứng dụng VNeID.\n2. Bấm **Quên mật khẩu**.",
                            "## Cách 1: Trên ứng dụng\n1. Mở ứng dụng.\n2. Bấm nút.\n\n"
                            "## Cách 2: Đến Công an xã\n1. Mang điện thoại.\n2. Nhờ cán bộ.")
    assert "steps" not in tags(guide_report(tmp_path / "a", two_ways).errors)
    continued = two_ways.replace("1. Mang điện thoại.\n2. Nhờ cán bộ.", "3. Mang điện thoại.\n4. Nhờ cán bộ.")
    assert "steps" in tags(guide_report(tmp_path / "b", continued).errors)


def test_questions_need_four_and_one_without_tone_marks_strictly_in_the_second_edition(tmp_path: Path) -> None:
    few = ["Quên mật khẩu VNeID?", "quen mat khau vneid", "Mất mật khẩu?"]
    assert "questions" in tags(guide_report(tmp_path / "a", questions=few).errors)
    old = guide_report(tmp_path / "b", questions=few, reviewed_on=dt.date(2026, 11, 1))
    assert "questions" not in tags(old.errors) and "questions" in tags(old.warnings)
    toned = ["Quên mật khẩu VNeID?", "Mất mật khẩu?", "Lấy lại mật khẩu?", "Đổi mật khẩu?"]
    assert "questions" in tags(guide_report(tmp_path / "c", questions=toned).errors)


# ---- lessons and quiz statistics ------------------------------------------------------------------
def module(items: list[tuple[list[str], int]], card: str = "Một ý.") -> dict[str, object]:
    quiz = [{"id": f"q{i}", "question": "Câu?", "explanation": "Vì vậy.",
             "options": [{"text": t, **({"correct": True} if k == c else {})} for k, t in enumerate(opts)]}
            for i, (opts, c) in enumerate(items)]
    lessons = [{"id": f"l{j}", "title": "Bài", "cards": [card, "Hai.", "Ba."], "practice": {"task": "Làm."},
                "quiz": quiz[j * 4:(j + 1) * 4]} for j in range((len(quiz) + 3) // 4)]
    return {"id": "m1", "order": 1, "title": "Chủ đề", "title_en": "Topic", "lessons": lessons}


def test_quiz_statistics_count_longest_correct_options_and_positions() -> None:
    stats = quiz_stats([[("ngắn", False), ("dài hơn nhiều", True)], [("a", True), ("b", False), ("c", False)],
                        [("xx", True), ("yy", False)]])
    assert stats["items"] == 3 and stats["correct_is_longest"] == 3  # the ties count as longest
    assert stats["positions"] == {"2": {"A": 1, "B": 1}, "3": {"A": 1}}


def test_quiz_where_the_longest_option_is_the_answer_fails(tmp_path: Path) -> None:
    items = [(["Lựa chọn A", "Lựa chọn B", "Lựa chọn C"], k % 3) for k in range(8)]
    items = [([o if i != c else o + " và thêm nhiều chữ nữa" for i, o in enumerate(opts)], c) for opts, c in items]
    rep = run(tmp_path, lessons=[module(items)])
    assert "quiz-longest" in tags(rep.errors) and rep.quiz["correct_is_longest"] == 8


def test_quiz_where_one_position_holds_most_answers_fails(tmp_path: Path) -> None:
    items = [(["Một lựa chọn dài", "Hai", "Ba lựa chọn", "Bốn"], 2) for _ in range(8)]
    rep = run(tmp_path, lessons=[module(items)])
    assert "quiz-position" in tags(rep.errors) and rep.quiz["positions"]["4"] == {"C": 8}


def test_a_balanced_quiz_passes(tmp_path: Path) -> None:
    def opts(c: int) -> list[str]:  # the answer is neither the longest nor the shortest
        return ["Đáp án đúng" if i == c else "Sai" if i == (c + 1) % 4 else f"Lựa chọn sai {i}" for i in range(4)]
    items = [(opts(k % 4), k % 4) for k in range(8)]
    rep = run(tmp_path, lessons=[module(items)])
    assert rep.errors == [], rep.errors
    assert rep.quiz["positions"]["4"] == {"A": 2, "B": 2, "C": 2, "D": 2}


def test_a_quiz_item_needs_exactly_one_correct_option(tmp_path: Path) -> None:
    m = module([(["Lựa chọn một", "Lựa chọn hai", "Lựa chọn ba"], k % 3) for k in range(4)])
    m["lessons"][0]["quiz"][0]["options"][1]["correct"] = True  # type: ignore[index]
    rep = run(tmp_path, lessons=[m])
    assert any("[quiz]" in e and "2 correct options" in e for e in rep.errors)


def test_lesson_text_follows_the_citizen_text_rules(tmp_path: Path) -> None:
    items = [(["Lựa chọn một", "Lựa chọn hai", "Lựa chọn ba"], k % 3) for k in range(4)]
    rep = run(tmp_path, lessons=[module(items, card="Mật khẩu tốt, ví dụ Chetancuong@2025. Trang giả vneid-gov.com.")])
    assert {"password-example", "defang"} <= tags(rep.errors)


# ---- the stale report and the CLI -----------------------------------------------------------------
class Doc:
    def __init__(self, doc_id: str, meta: dict[str, object]) -> None:
        self.id, self.title, self.kind, self.topic, self.lang, self.url = doc_id, doc_id, "guide", "vneid", "vi", ""
        self.meta = meta


def test_the_stale_report_lists_facts_whose_check_by_has_passed() -> None:
    facts = [{"text": "Phí 50.000 đồng", "kind": "fee", "check_by": "2026-11-30", "source": "https://a.gov.vn"},
             {"text": "Gọi 113", "kind": "hotline", "check_by": "2027-06-01", "source": "https://a.gov.vn"}]
    docs = [Doc("due", {"reviewed_on": "2026-12-01", "facts": facts}),
            Doc("fresh", {"reviewed_on": "2026-12-01", "facts": facts[1:]})]
    rows = {r["id"]: r for r in stale_report(docs, today=TODAY, stale_after_days=180, bad_urls=set())}
    assert set(rows) == {"due"} and not rows["due"]["stale"]
    assert rows["due"]["facts_due"] == [{"text": "Phí 50.000 đồng", "kind": "fee", "source": "https://a.gov.vn",
                                         "check_by": "2026-11-30"}]


def test_read_guide_keeps_the_facts_for_the_stale_report(tmp_path: Path) -> None:
    from ingest.readers import read_guide

    write_guide(tmp_path, front(facts=[FACT]))
    doc = read_guide(tmp_path / "guides" / "vneid" / "vneid-test.md")
    assert doc.meta["facts"] == [{"text": FACT["text"], "kind": "fee", "source": FACT["source"],
                                  "checked_on": "2026-12-02", "check_by": "2027-06-02"}]
    json.dumps(doc.meta)  # stored as JSON


def test_kb_check_json_prints_counts_per_rule_and_quiz_statistics(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    write_guide(tmp_path, front(), BODY.replace("- Tên nút", "- Trang giả vneid-gov.com.\n- Tên nút"))
    r = CliRunner().invoke(app, ["kb", "check", "--guides", str(tmp_path / "guides"), "--json"])
    out = json.loads(r.stdout)
    mine = [e for e in out["errors"] if "vneid-test.md" in e]
    assert r.exit_code == 1 and len(mine) == 1 and mine[0].endswith("[defang]") and out["by_rule"]["error:defang"] >= 1
    assert out["quiz"]["items"] > 0 and set(out["quiz"]["positions"]) >= {"3"}


def test_quiz_where_the_shortest_option_is_the_answer_fails(tmp_path: Path) -> None:
    items = [([f"Một lựa chọn sai khá dài số {i}" if i != k % 3 else "Đúng" for i in range(3)], k % 3) for k in range(8)]
    rep = run(tmp_path, lessons=[module(items)])
    assert "quiz-shortest" in tags(rep.errors) and rep.quiz["correct_is_shortest"] == 8
