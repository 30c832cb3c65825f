"""Channel-neutral messages: what a channel adapter parses in and what the engine sends out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.types import Source


@dataclass(frozen=True)
class InboundMessage:
    """One event from a citizen, already verified and parsed by its channel adapter.

    `kind`: text | action (a button's payload) | command (/start …) | follow | voice (a voice note:
    `meta["audio"]` says where it is, `meta["heard"]` what the recogniser made of it) | unsupported (image,
    sticker, file, location …). `user_ref` is the platform's chat/user id used to reply.
    """

    channel: str
    user_ref: str
    platform_msg_id: str
    received_at: datetime
    kind: str = "text"
    text: str = ""
    action: str = ""
    display_name: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def forwarded(self) -> bool:
        """Forwarded from elsewhere (Telegram `forward_origin`…) or a shared link (Zalo `user_send_link`):
        kept in `meta["forwarded"]` so that it survives the inbox."""
        return self.meta.get("forwarded", "") in ("1", "link")


@dataclass(frozen=True)
class Button:
    title: str
    action: str  # ASCII, at most 64 bytes (Telegram's callback_data limit)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()
    sources: tuple[Source, ...] = ()
    kind: str = "info"  # answer | not_covered | menu | notice | info | warning
    lang: str = "vi"
    image: str = ""  # a picture to send with the text (a certificate: its /certificates/<code>.png link)
    audio: str = ""  # a voice reply's clip (issue 23): its /voice/clips/<token>.ogg path, set by the runtime

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "kind": self.kind,
            "lang": self.lang,
            "buttons": [{"title": b.title, "action": b.action} for b in self.buttons],
            "sources": [{"doc_id": s.doc_id, "title": s.title, "url": s.url} for s in self.sources],
            **({"image": self.image} if self.image else {}),
            **({"audio": self.audio} if self.audio else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> Reply:
        buttons = d.get("buttons") or []
        sources = d.get("sources") or []
        assert isinstance(buttons, list) and isinstance(sources, list)
        return cls(
            text=str(d.get("text", "")),
            kind=str(d.get("kind", "info")),
            lang=str(d.get("lang", "vi")),
            image=str(d.get("image") or ""),
            audio=str(d.get("audio") or ""),
            buttons=tuple(Button(str(b["title"]), str(b["action"])) for b in buttons),
            sources=tuple(Source(doc_id=str(s["doc_id"]), title=str(s["title"]), url=str(s["url"]), score=0.0,
                                 snippet="") for s in sources),
        )


@dataclass
class ConversationState:
    """What the engine remembers about one citizen on one channel (stored as JSON)."""

    state: str = "bot"  # bot | lesson | ask_commune | waiting_volunteer | with_volunteer
    lang: str = "vi"
    lang_chosen: bool = False
    consent: str = ""  # "" (not asked yet) | given | declined
    consent_version: str = ""
    consent_at: str = ""
    greeted: bool = False
    commune: str = ""
    previous_questions: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)  # actions of the last buttons, for "gõ 1, 2 …"
    misses: int = 0  # consecutive not-covered answers
    last_question_id: int = 0
    last_feedback: str = ""
    turns: list[dict[str, str]] = field(default_factory=list)  # last questions (redacted), answer titles
    commune_skipped: bool = False  # asked once for the commune, the citizen skipped
    pending_reason: str = ""  # a volunteer request waiting for the commune answer
    pending_context: str = ""
    # learning (issue 6): the learner's own record lives in the learning store, shared by all channels
    group: str = ""  # the learner's group, kept in sync with the learning profile
    learn_wait: str = ""  # text the learning flow waits for: commune | name | code
    learn_flow: str = ""  # "profile" while the first-time profile questions run
    # answers (issue 19): a clarifying question waiting for its choice, and the last answer's alternatives
    clarify_q: str = ""  # the (redacted) question that was asked back
    clarify_opts: list[str] = field(default_factory=list)  # its candidate guide ids
    last_doc: str = ""  # the guide of the last answer
    alternatives: list[str] = field(default_factory=list)  # the next guides of the last answer
    # scam checker (issue 20): /kiemtra waits for the message; "shall I check it?" keeps the REDACTED text
    scam_wait: bool = False
    scam_pending: str = ""
    hx_wait: str = ""  # hand-off extras (issue 22): "comment:<ticket>" after a satisfaction score
    # voice (issue 23): the transcript waiting for "Đúng" (redacted), the last answer for "Nghe", the preference
    voice_pending: str = ""
    voice_last: str = ""
    voice_always: bool = False
    voice_kept: str = ""  # the token of the last voice note kept for a volunteer (only when voice.retention_s > 0)
    # outreach (issue 21): the commune question of /nhantin or /lophoc ("sub" | "cls"), the topics chosen
    outreach_wait: str = ""
    outreach_topics: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, d: dict[str, object] | None) -> ConversationState:
        s = cls()
        for k, v in (d or {}).items():
            if hasattr(s, k):
                setattr(s, k, v)
        return s
