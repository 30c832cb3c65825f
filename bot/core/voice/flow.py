"""The voice conversation rules (issue 23): confirm a transcript before answering, and read answers aloud.

A voice note reaches the engine twice. First as it arrived (`kind="voice"`, `meta["heard"]` = queued |
busy | unavailable | too_large | too_long …, said by the runtime that hands it to the recogniser); then,
when the recogniser is done, as a second message with the (redacted) transcript and `meta["heard"]` =
ok | low | empty. An "ok" transcript is never answered at once: "Bác hỏi: «…» — đúng không?" with Đúng /
Nói lại / Gõ chữ; Đúng runs the normal text path on it (tone marks, abbreviations, scam check …). A
"low"/"empty" one goes straight to the choice of saying it again, typing, or a volunteer (who sees the
transcript in the ticket's context).

Voice out: answers get a "Nghe" button; pressing it (or the "luôn gửi giọng nói" preference) yields a
`Reply(kind="voice")` whose text is already normalised for speech (`speech.speakable`); the runtime
synthesises it. Pure: no audio, no I/O here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.texts import t
from bot.core.voice.speech import speakable

ANSWER_KINDS = ("answer",)
FAILURES = ("too_large", "too_long", "unreadable", "failed", "timeout")


@dataclass(frozen=True)
class Quality:
    """Thresholds on faster-whisper's per-segment scores (averaged over the segments, weighted by length)."""

    min_avg_logprob: float = -0.9
    max_no_speech_prob: float = 0.6
    min_chars: int = 3


def judge(text: str, *, avg_logprob: float, no_speech_prob: float, quality: Quality = Quality()) -> str:
    """ok | low | empty: whether a transcript is worth confirming or should go to the retry choice."""
    words = "".join(ch for ch in text if ch.isalnum())
    if len(words) < quality.min_chars or (no_speech_prob > quality.max_no_speech_prob and len(words) < 12):
        return "empty"
    if avg_logprob < quality.min_avg_logprob or no_speech_prob > quality.max_no_speech_prob:
        return "low"
    return "ok"


# App names the recogniser's prompt spells but Whisper sometimes splits into letters or pieces ("V NeID",
# "VN eID", "V-NeID"): written whole again, as the guides and the lexicon know them.
SPLIT_NAMES = tuple((name, re.compile(r"\b" + r"[\s.\-]?".join(map(re.escape, name)) + r"\b", re.IGNORECASE))
                    for name in ("VNeID", "VssID"))


def tidy(text: str) -> str:
    """A transcript as it is shown for confirmation and then asked: spaces collapsed, split app names joined."""
    text = " ".join(text.split())
    for name, pattern in SPLIT_NAMES:
        text = pattern.sub(name, text)
    return text


class VoiceChat:
    """The engine's voice flow. `max_seconds` is only used in the messages ("dưới 60 giây")."""

    def __init__(self, *, max_seconds: int = 60, speech_chars: int = 1500, offer_listen: bool = True) -> None:
        self.max_seconds = max_seconds
        self.speech_chars = speech_chars
        self.offer_listen = offer_listen

    # ---- voice in --------------------------------------------------------------------------------------
    def received(self, msg: InboundMessage, st: ConversationState,
                 volunteer_button: Button) -> list[Reply]:
        lang, heard = st.lang, msg.meta.get("heard", "")
        retry = (Button(t(lang, "btn_vc_again"), "voice:again"), Button(t(lang, "btn_vc_type"), "voice:type"))
        if heard == "queued":
            return [Reply(t(lang, "vc_queued"), kind="info", lang=lang)]
        if heard == "busy":
            return [Reply(t(lang, "vc_busy"), (retry[1],), kind="info", lang=lang)]
        if heard in ("too_large", "too_long"):
            return [Reply(t(lang, f"vc_{heard}", seconds=self.max_seconds), retry, kind="info", lang=lang)]
        if heard in FAILURES:
            return [Reply(t(lang, "vc_unreadable"), retry, kind="info", lang=lang)]
        text = tidy(msg.text)[:500]
        st.voice_kept = str(msg.meta.get("kept") or "")  # the recording, if voice.retention_s keeps it
        if heard == "ok" and text:
            st.voice_pending = text
            return [Reply(t(lang, "vc_confirm", text=text),
                          (Button(t(lang, "btn_vc_yes"), "voice:yes"), *retry), kind="question", lang=lang)]
        if heard in ("low", "empty"):
            st.voice_pending = text
            head = t(lang, "vc_low_heard", text=text) if text and heard == "low" else t(lang, "vc_low")
            return [Reply(f"{head}\n{t(lang, 'vc_low_choose')}", (*retry, replace(volunteer_button,
                          action="voice:volunteer")), kind="question", lang=lang)]
        return [Reply(t(lang, "vc_unavailable"), kind="info", lang=lang)]

    def action(self, msg: InboundMessage, arg: str, st: ConversationState, *,
               ask: Callable[[str], list[Reply]], volunteer: Callable[[str], list[Reply]]) -> list[Reply] | None:
        """voice:yes | again | type | volunteer | listen | always:on | always:off; None for anything else."""
        lang = st.lang
        verb, _, rest = arg.partition(":")
        if verb in ("yes", "again", "type"):
            st.voice_kept = ""  # only a volunteer asked for from the transcript gets the recording
        if verb == "yes":
            pending, st.voice_pending = st.voice_pending, ""
            if not pending:
                return [Reply(t(lang, "vc_nothing"), kind="info", lang=lang)]
            return ask(pending)
        if verb in ("again", "type"):
            st.voice_pending = ""
            return [Reply(t(lang, f"vc_{verb}"), kind="info", lang=lang)]
        if verb == "volunteer":
            pending, st.voice_pending = st.voice_pending, ""
            return volunteer(t("vi", "vc_context", text=pending) if pending else "")
        if verb == "listen":
            if not st.voice_last:
                return [Reply(t(lang, "vc_listen_none"), kind="info", lang=lang)]
            return [self._voice(st)]
        if verb == "always" and rest in ("on", "off"):
            st.voice_always = rest == "on"
            return [Reply(t(lang, "vc_always_on" if st.voice_always else "vc_always_off"), kind="info", lang=lang)]
        return None

    # ---- voice out ---------------------------------------------------------------------------------------
    def _voice(self, st: ConversationState) -> Reply:
        toggle = (Button(t(st.lang, "btn_vc_never"), "voice:always:off") if st.voice_always
                  else Button(t(st.lang, "btn_vc_always"), "voice:always:on"))
        return Reply(speakable(st.voice_last, max_chars=self.speech_chars), (toggle,), kind="voice", lang=st.lang)

    def decorate(self, replies: list[Reply], st: ConversationState) -> list[Reply]:
        """Answers get a "Nghe" button (first, so that it survives a channel's button limit) and are kept
        for it; with the "luôn gửi giọng nói" preference the voice note follows the answer at once."""
        out: list[Reply] = []
        for r in replies:
            if r.kind not in ANSWER_KINDS or not r.text:
                out.append(r)
                continue
            st.voice_last = r.text[:4000]
            listen = Button(t(st.lang, "btn_vc_listen"), "voice:listen")
            out.append(replace(r, buttons=(listen, *r.buttons)) if self.offer_listen and not st.voice_always else r)
            if st.voice_always:
                out.append(self._voice(st))
        return out
