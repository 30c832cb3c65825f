"""The scam checker in the chat, the same on every channel: the menu button "Kiểm tra tin nhắn lạ", the
command /kiemtra (the next message is checked), and messages that are clearly forwarded or pasted.

The engine (`ConversationService`) hands over the `scam:*` buttons, /kiemtra, and every text before it
is answered as a question; `ScamChat` returns replies, or None to let the engine answer as usual. The
texts it sees were already redacted by the runtime (phone and account numbers are placeholders), and
the only text it keeps in the conversation state is that redacted text, while it asks "shall I check
this?". When the citizen says money or a code already went out, `urgent` (the engine's urgent ticket)
is called at once. Pure: no framework, no storage.

Screenshots (`kind == "image"`): the runtime has already read the picture's text (OCR) into `msg.text`
(redacted), with `meta["ocr"]` = ok | unreadable and the photo's caption in `meta["caption"]`. The text is
checked when the citizen is in /kiemtra mode, when the caption asks for a check, or when the text itself
reads like a message (links, numbers, a suspicious verdict). `record(channel, verdict, hosts)` keeps the
anonymous statistics (the hosts are only look-alike or reported ones).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.privacy.redaction import redact
from bot.core.scamcheck.checker import DANGER, SUSPICIOUS, CheckResult, ScamChecker, fold_text

COMMANDS = ("kiemtra", "kiem_tra", "check")
TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "btn": "Kiểm tra tin nhắn lạ",
        "prompt": "Hãy dán hoặc chuyển tiếp vào đây tin nhắn, đường link hoặc số điện thoại bạn thấy lạ "
                  "(có thể gửi ảnh chụp màn hình). Tôi sẽ xem giúp có dấu hiệu lừa đảo không.",
        "ask": "Bạn muốn kiểm tra tin nhắn này có phải lừa đảo không?",
        "btn_yes": "Có, kiểm tra giúp", "btn_no": "Không, trả lời câu hỏi",
        "reasons": "Vì sao:", "advice": "Bạn nên làm:", "btn_guide": "Xem hướng dẫn an toàn",
        "btn_human": "Gặp người hỗ trợ", "btn_again": "Kiểm tra tin khác", "btn_cancel": "Thôi",
        "cancelled": "Đã thôi kiểm tra. Bạn cần gì cứ nhắn nhé.",
        "empty": "Tôi chưa thấy nội dung. Hãy dán tin nhắn cần kiểm tra, hoặc bấm Thôi.",
        "unreadable": "Tôi không đọc được chữ trong ảnh này. Hãy gửi ảnh rõ hơn, hoặc dán nội dung tin nhắn.",
        "ocr_note": "(Tôi đọc chữ từ ảnh, có thể sai vài chữ.)",
    },
    "en": {
        "btn": "Check a strange message",
        "prompt": "Paste or forward here the message, link or phone number that looks strange (a screenshot "
                  "works too). I will look for signs of a scam.",
        "ask": "Do you want me to check whether this message is a scam?",
        "btn_yes": "Yes, check it", "btn_no": "No, answer my question",
        "reasons": "Why:", "advice": "What to do:", "btn_guide": "Read the safety guide",
        "btn_human": "Talk to a helper", "btn_again": "Check another", "btn_cancel": "Cancel",
        "cancelled": "Check cancelled. Write to me any time.",
        "empty": "I see no text yet. Paste the message to check, or press Cancel.",
        "unreadable": "I could not read the text in this picture. Send a clearer one, or paste the message.",
        "ocr_note": "(I read the text from the picture; a few words may be wrong.)",
    },
}
_QUESTION = re.compile(r"\?\s*$|\b(?:co phai|phai khong|co that|lam sao|lam gi|the nao|co nen|co sao|la gi|"
                       r"co lua|lua dao khong|ai biet)\b")
# How a citizen asks for help in their own words (not a message someone sent them)
_HOW_TO = re.compile(r"^(?:cach|huong dan|lam the nao|lam sao|toi muon|minh muon|em muon|cho (?:toi|minh|em) hoi|"
                     r"xin hoi|hoi|giup (?:toi|minh|em)|muon)\b|\b(?:the nao|nhu the nao|ntn|bao nhieu|o dau|khi nao|"
                     r"duoc khong|dc khong|dc ko|duoc ko|the nao vay|sao vay)\b")
_ASK_CHECK = re.compile(r"\b(?:kiem ?tra|lua dao|lua|that hay gia|that khong|gia mao|co phai|check|scam|xem giup)\b")
Urgent = Callable[[InboundMessage, ConversationState, str], list[Reply]]  # (…, context for the ticket)
CheckRecorder = Callable[[str, str, tuple[str, ...]], None]  # (channel, verdict, look-alike/reported hosts)


def tx(lang: str, key: str) -> str:
    return TEXTS.get(lang, TEXTS["vi"]).get(key) or TEXTS["vi"][key]


class ScamChat:
    def __init__(self, checker: ScamChecker, *, record: CheckRecorder | None = None) -> None:
        self.checker = checker
        self.record = record

    def menu_button(self, lang: str) -> Button:
        return Button(tx(lang, "btn"), "scam:start")

    def start(self, st: ConversationState) -> list[Reply]:
        st.scam_wait, st.scam_pending = True, ""
        return [Reply(tx(st.lang, "prompt"), (Button(tx(st.lang, "btn_cancel"), "scam:cancel"),), kind="question")]

    def action(self, msg: InboundMessage, arg: str, st: ConversationState, urgent: Urgent) -> list[Reply] | None:
        """`scam:start | cancel | yes | no`. None for `no`: the engine answers the kept text as a question."""
        if arg == "start":
            return self.start(st)
        if arg == "cancel":
            st.scam_wait, st.scam_pending = False, ""
            return [Reply(tx(st.lang, "cancelled"), kind="info")]
        if arg == "yes" and st.scam_pending:
            text, st.scam_pending = st.scam_pending, ""
            return self.verdict(msg, text, st, urgent)
        return None

    def take_pending(self, st: ConversationState) -> str:
        text, st.scam_pending = st.scam_pending, ""
        return text

    def text(self, msg: InboundMessage, text: str, st: ConversationState, urgent: Urgent) -> list[Reply] | None:
        """Replies when the text is to be checked (waited for, forwarded, or clearly pasted); the question
        "shall I check it?" when unsure; None when it is an ordinary question for the engine."""
        if st.scam_wait:
            st.scam_wait = False
            if not text.strip():
                st.scam_wait = True
                return [Reply(tx(st.lang, "empty"), (Button(tx(st.lang, "btn_cancel"), "scam:cancel"),))]
            return self.verdict(msg, text, st, urgent)
        if msg.forwarded:
            return self.verdict(msg, text, st, urgent)
        result = self.checker.check(text, lang=st.lang)
        if result.verdict not in (DANGER, SUSPICIOUS) or not (result.urls or result.phones or _asks(result)):
            return None
        if not (result.urls or result.phones) and (len(text) < 60 or _QUESTION.search(fold_text(text))
                                                   or _HOW_TO.search(fold_text(text))):
            return None  # a citizen's own question ("cài ứng dụng dịch vụ công", "chuyển tiền thế nào"): answer it
        if result.verdict == DANGER and len(text) >= 60 and not _QUESTION.search(fold_text(text)):
            return self.verdict(msg, text, st, urgent, result=result)  # a pasted message, plainly
        st.scam_pending = redact(text)[:1000]
        return [Reply(tx(st.lang, "ask"), (Button(tx(st.lang, "btn_yes"), "scam:yes"),
                                           Button(tx(st.lang, "btn_no"), "scam:no")), kind="question")]

    def image(self, msg: InboundMessage, st: ConversationState, urgent: Urgent) -> list[Reply] | None:
        """A photo whose text the runtime read; None when it is not a message to check (the engine says
        that it cannot look at pictures)."""
        caption = fold_text(msg.meta.get("caption", ""))
        asked = st.scam_wait or msg.forwarded or bool(_ASK_CHECK.search(caption))
        text = msg.text.strip()
        if msg.meta.get("ocr") != "ok" or not text:
            if not asked:
                return None
            st.scam_wait = False
            return [Reply(tx(st.lang, "unreadable"), (Button(tx(st.lang, "btn_again"), "scam:start"),
                                                       Button(tx(st.lang, "btn_human"), "volunteer")), kind="info")]
        if asked:
            st.scam_wait = False
            return self.verdict(msg, text, st, urgent, ocr=True)
        result = self.checker.check(text, lang=st.lang)
        if result.urls or result.phones or result.verdict in (DANGER, SUSPICIOUS):
            return self.verdict(msg, text, st, urgent, result=result, ocr=True)
        return None

    def verdict(self, msg: InboundMessage, text: str, st: ConversationState, urgent: Urgent, *,
                result: CheckResult | None = None, ocr: bool = False) -> list[Reply]:
        r = result or self.checker.check(text, lang=st.lang)
        if self.record is not None:
            self.record(msg.channel, r.verdict, r.lookalike_hosts)
        lang = st.lang
        parts = [r.headline]
        if ocr:
            parts.append(tx(lang, "ocr_note"))
        shown = [x for x in r.reasons if x.text][:4]
        if shown:
            parts.append(tx(lang, "reasons") + "\n" + "\n".join(f"• {x.text}" for x in shown))
        parts.append(tx(lang, "advice") + "\n" + r.advice)
        buttons: list[Button] = []
        if r.guide_id:
            buttons.append(Button(tx(lang, "btn_guide"), f"ask:{r.guide_id}"[:64]))
        buttons += [Button(tx(lang, "btn_human"), "volunteer"), Button(tx(lang, "btn_again"), "scam:start")]
        kind = "warning" if r.verdict in (DANGER, SUSPICIOUS) else "info"
        replies = [Reply("\n\n".join(parts), tuple(buttons), kind=kind, lang=lang)]
        if r.urgent:
            replies.append(Reply(r.urgent_advice, kind="warning", lang=lang))
            replies += urgent(msg, st, "scam check" + (": " + " ".join(r.suspect_hosts[:5]) if r.suspect_hosts else ""))
        return replies


def _asks(r: CheckResult) -> bool:
    return any(x.code.startswith("ask_") and x.severity in ("high", "medium") for x in r.reasons)

