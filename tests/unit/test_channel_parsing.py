"""Channel adapters parse recorded platform payloads into neutral messages."""

import hashlib
import json
from pathlib import Path

from bot.channels.base import numbered_options, split_text
from bot.channels.telegram import parse_update, to_html, verify_secret
from bot.channels.zalo import parse_event, signature_ok
from bot.core.messages import Button, Reply

P = Path(__file__).resolve().parents[1] / "data" / "payloads"


def load(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((P / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_telegram_updates() -> None:
    m = parse_update(load("telegram_message.json"))
    assert m and (m.channel, m.user_ref, m.platform_msg_id, m.kind, m.text) == (
        "telegram", "1111111", "10000", "text", "ko dang nhap dc vneid")
    s = parse_update(load("telegram_start_deeplink.json"))
    assert s and s.kind == "command" and s.text == "/start 02264"
    c = parse_update(load("telegram_callback.json"))
    assert c and c.kind == "action" and c.action == "topic:vneid" and c.meta["callback_query_id"] == "4382bfdwdsb323b2d9"
    photo = parse_update(load("telegram_photo.json"))
    assert photo and photo.kind == "image" and photo.meta["image"] == "tg:AgAD"  # a screenshot to read (issue 20)
    assert parse_update(load("telegram_group.json")) is None
    assert parse_update({"update_id": 1, "edited_message": {}}) is None
    assert parse_update({"no": "id"}) is None


def test_telegram_secret_and_html() -> None:
    assert verify_secret("abc", "abc") and not verify_secret("abd", "abc") and not verify_secret(None, "abc")
    assert not verify_secret("", "")  # no secret configured: nothing is accepted
    assert to_html("Bấm **Quên mật khẩu** <ngay> & xong") == "Bấm <b>Quên mật khẩu</b> &lt;ngay&gt; &amp; xong"


def test_zalo_events_and_signature() -> None:
    raw = (P / "zalo_user_send_text.json").read_bytes().strip()
    data = json.loads(raw)
    mac = hashlib.sha256(data["app_id"].encode() + raw + data["timestamp"].encode() + b"oa-key").hexdigest()
    assert signature_ok(raw, f"mac={mac}", app_id=data["app_id"], oa_secret_key="oa-key")
    assert not signature_ok(raw, f"mac={mac}", app_id=data["app_id"], oa_secret_key="other")
    assert not signature_ok(raw + b" ", f"mac={mac}", app_id=data["app_id"], oa_secret_key="oa-key")
    assert not signature_ok(raw, None, app_id=data["app_id"], oa_secret_key="oa-key")
    m = parse_event(data)
    assert m and (m.user_ref, m.platform_msg_id, m.kind, m.text) == (
        "246845883529197922", "96d3cdf3af150460909", "text", "quen mat khau vneid")
    f = parse_event(load("zalo_follow.json"))
    assert f and f.kind == "follow" and f.user_ref == "24684588352919792"
    img = parse_event(load("zalo_user_send_image.json"))
    assert img and img.kind == "image" and img.meta["image"].startswith("https://")  # read by OCR (issue 20)
    assert parse_event(load("zalo_oa_send_text.json")) is None  # our own echo


def test_text_splitting_and_numbered_options() -> None:
    text = "\n\n".join(f"Đoạn {i}: " + "chữ " * 200 for i in range(10))
    parts = split_text(text, 2000)
    assert all(len(p) <= 2000 for p in parts) and "".join(parts).count("Đoạn") == 10
    r = Reply("Chọn:", (Button("A", "a"), Button("B", "b"), Button("C", "c")))
    assert numbered_options(r).endswith("1. A\n2. B\n3. C\nGõ 1, 2 hoặc 3 để chọn.")
