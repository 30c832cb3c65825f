"""The outreach flow in the chat, the same on every channel: /nhantin (choose topics, give the commune,
consent recorded with its text), /huynhantin or "dừng" (opt out: pending sends are cancelled at once),
/lophoc or "lớp học gần tôi" (the next classes of the citizen's commune or the communes a class serves,
with "Đăng ký" buttons), registrations and the announcement buttons (`oc:<campaign>:<i>`: the click is
counted, then its guide / lesson / class / link is opened).

The engine (`ConversationService`) hands over the commands, the `sub:` `cls:` `oc:` buttons and texts;
this class returns replies or None. Pure: storage is the `OutreachStore` port.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from bot.core.communes import CommuneDirectory
from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.outreach.model import TOPICS, AnnouncementButton, ClassInfo
from bot.core.outreach.texts import CONSENT_VERSION, tx
from bot.core.text import fold, tokens
from bot.core.types import Source

SUBSCRIBE_COMMANDS = ("nhantin", "subscribe")
UNSUBSCRIBE_COMMANDS = ("huynhantin", "unsubscribe")
CLASS_COMMANDS = ("lophoc", "classes")
ACTIONS = ("sub", "cls", "oc")
_STOP = {"dung", "dung lai", "stop", "huy nhan tin", "dung nhan tin", "thoi nhan tin"}
_CLASSES = re.compile(r"\b(lop hoc|lop hoc gan toi|lop hoc cong dong|classes? near me)\b")
Delegate = Callable[[InboundMessage, str, ConversationState], list[Reply]]


class OutreachStore(Protocol):
    def subscription(self, channel: str, user_ref: str) -> tuple[frozenset[str], str] | None:
        """(topics, commune) of an active subscription, or None."""

    def subscribe(self, channel: str, user_ref: str, *, topics: frozenset[str], commune: str, group: str,
                  lang: str, consent_text: str, consent_version: str) -> None: ...

    def unsubscribe(self, channel: str, user_ref: str, *, consent_text: str) -> int:
        """Stop the subscription; returns how many pending sends were cancelled."""

    def click(self, campaign_id: int, index: int, channel: str, user_ref: str) -> AnnouncementButton | None: ...

    def upcoming(self, commune: str, now: datetime, *, limit: int = 5) -> list[ClassInfo]: ...

    def register(self, class_id: int, channel: str, user_ref: str, *, lang: str, commune: str,
                 group: str) -> tuple[str, int, ClassInfo] | None:
        """(status registered | waiting | already | closed, waiting position, class); None if unknown."""

    def unregister(self, class_id: int, channel: str, user_ref: str) -> ClassInfo | None:
        """Cancel a registration (the first waiting citizen is promoted and told); None if none."""

    def class_info(self, class_id: int) -> ClassInfo | None: ...


def _is_stop(text: str) -> bool:
    return " ".join(tokens(fold(text))) in _STOP


def when_text(c: ClassInfo, tz: tzinfo) -> str:
    s, e = c.starts_at.astimezone(tz), c.ends_at.astimezone(tz)
    return f"{s:%H:%M}–{e:%H:%M} ngày {s:%d/%m/%Y}"


class OutreachChat:
    def __init__(self, store: OutreachStore, *, communes: CommuneDirectory, tz: tzinfo,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.communes, self.tz = store, communes, tz
        self.clock = clock or (lambda: datetime.now(UTC))

    # ---- entry points called by the engine --------------------------------------------------------
    def command(self, msg: InboundMessage, name: str, st: ConversationState) -> list[Reply] | None:
        if name in SUBSCRIBE_COMMANDS:
            return self.start(st)
        if name in UNSUBSCRIBE_COMMANDS:
            return self.stop(msg, st)
        if name in CLASS_COMMANDS:
            return self.classes(msg, st)
        return None

    def text(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply] | None:
        """The commune we asked for, "dừng" from a subscriber, "lớp học gần tôi"; None: not ours."""
        if st.outreach_wait:
            return self._commune_text(msg, text, st)
        if _is_stop(text) and self.store.subscription(msg.channel, msg.user_ref) is not None:
            return self.stop(msg, st)
        folded = " ".join(tokens(fold(text)))
        if _CLASSES.search(folded) and len(folded) <= 40:
            return self.classes(msg, st)
        return None

    def action(self, msg: InboundMessage, action: str, st: ConversationState, delegate: Delegate) -> list[Reply]:
        name, _, arg = action.partition(":")
        if name == "sub":
            return self._sub_action(msg, arg, st)
        if name == "cls":
            return self._class_action(msg, arg, st)
        cid, _, idx = arg.partition(":")
        b = self.store.click(int(cid), int(idx), msg.channel, msg.user_ref) if cid.isdigit() and idx.isdigit() else None
        if b is None:
            return [Reply(tx(st.lang, "gone"), kind="info")]
        if b.kind == "guide":
            return delegate(msg, f"ask:{b.target}"[:64], st)
        if b.kind == "lesson":
            return delegate(msg, f"learn:mod:{b.target}"[:64], st)
        if b.kind == "class" and b.target.isdigit():
            return self._show_class(int(b.target), st)
        src = Source(doc_id="announcement-link", title=b.title, url=b.target, score=0.0, snippet="")
        return [Reply(f"{tx(st.lang, 'link_open')} {b.target}", sources=(src,), kind="info", lang=st.lang)]

    def menu_button(self, lang: str) -> Button:
        return Button(tx(lang, "btn_classes"), "cls:list")

    # ---- subscriptions ------------------------------------------------------------------------------
    def start(self, st: ConversationState) -> list[Reply]:
        lang = st.lang
        buttons = [Button(tx(lang, f"topic_{k}"), f"sub:t:{k}") for k in TOPICS]
        return [Reply(tx(lang, "sub_intro"), (*buttons, Button(tx(lang, "btn_all"), "sub:t:all")), kind="question")]

    def stop(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        lang = st.lang
        st.outreach_wait = ""
        if self.store.subscription(msg.channel, msg.user_ref) is None:
            return [Reply(tx(lang, "not_subscribed"), kind="info")]
        n = self.store.unsubscribe(msg.channel, msg.user_ref, consent_text="/huynhantin")
        return [Reply(tx(lang, "unsubscribed_cancelled", n=n) if n else tx(lang, "unsubscribed"), kind="info")]

    def _sub_action(self, msg: InboundMessage, arg: str, st: ConversationState) -> list[Reply]:
        verb, _, rest = arg.partition(":")
        if verb == "start":
            return self.start(st)
        if verb == "stop":
            return self.stop(msg, st)
        if verb == "t" and (rest in TOPICS or rest == "all"):
            st.outreach_topics = list(TOPICS) if rest == "all" else [rest]
            if not st.commune:
                st.outreach_wait = "sub"
                return [Reply(tx(st.lang, "ask_commune"), (Button(tx(st.lang, "btn_skip_commune"), "sub:c:skip"),),
                              kind="question")]
            return self._subscribe(msg, st)
        if verb == "c" and rest:
            return self._commune_chosen(msg, rest, st)
        return self.start(st)

    def _subscribe(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        lang = st.lang
        topics = frozenset(x for x in (st.outreach_topics or list(TOPICS)) if x in TOPICS)
        existing = self.store.subscription(msg.channel, msg.user_ref)
        if existing is not None:
            topics = topics | existing[0]
        self.store.subscribe(msg.channel, msg.user_ref, topics=topics, commune=st.commune, group=st.group,
                             lang=lang, consent_text=tx(lang, "consent"), consent_version=CONSENT_VERSION)
        st.outreach_wait, st.outreach_topics = "", []
        names = ", ".join(tx(lang, f"topic_{k}") for k in TOPICS if k in topics)
        where = self.communes.name(st.commune) if st.commune else tx(lang, "where_province")
        return [Reply(tx(lang, "subscribed", topics=names, where=where),
                      (Button(tx(lang, "btn_classes"), "cls:list"), Button(tx(lang, "btn_stop"), "sub:stop")),
                      kind="info")]

    # ---- the commune ---------------------------------------------------------------------------------
    def _commune_text(self, msg: InboundMessage, text: str, st: ConversationState) -> list[Reply]:
        found = self.communes.search(text, limit=5)
        skip = Button(tx(st.lang, "btn_skip_commune"), "sub:c:skip")
        if len(found) == 1 or (found and found[0].short.lower() == text.strip().lower()):
            return self._commune_chosen(msg, found[0].code, st)
        if not found:
            return [Reply(tx(st.lang, "commune_none", text=text[:40]), (skip,), kind="question")]
        return [Reply(tx(st.lang, "commune_choose"), (*(Button(c.name, f"sub:c:{c.code}") for c in found), skip),
                      kind="question")]

    def _commune_chosen(self, msg: InboundMessage, code: str, st: ConversationState) -> list[Reply]:
        wait, st.outreach_wait = st.outreach_wait, ""
        if code != "skip" and self.communes.get(code) is not None:
            st.commune = code
        return self.classes(msg, st, asked=True) if wait == "cls" else self._subscribe(msg, st)

    # ---- classes ---------------------------------------------------------------------------------------
    def classes(self, msg: InboundMessage, st: ConversationState, *, asked: bool = False) -> list[Reply]:
        lang = st.lang
        if not st.commune and not asked:
            st.outreach_wait = "cls"
            return [Reply(tx(lang, "ask_commune"), (Button(tx(lang, "btn_skip_commune"), "sub:c:skip"),),
                          kind="question")]
        where = self.communes.name(st.commune) if st.commune else tx(lang, "where_province")
        found = self.store.upcoming(st.commune, self.clock())
        if not found:
            return [Reply(tx(lang, "classes_none", where=where), (Button(tx(lang, "btn_sub"), "sub:t:classes"),),
                          kind="info")]
        local = [c for c in found if st.commune and c.for_commune(st.commune)]
        head = tx(lang, "classes_head", where=where) if local or not st.commune else tx(lang, "classes_head_province")
        lines = [head] + [self._line(n, c, lang) for n, c in enumerate(found, 1)]
        buttons = tuple(Button(tx(lang, "btn_register", title=c.title)[:60], f"cls:reg:{c.id}") for c in found)
        return [Reply("\n".join(lines), buttons, kind="menu", lang=lang)]

    def _line(self, n: int, c: ClassInfo, lang: str) -> str:
        contact = tx(lang, "class_contact", contact=c.contact) if c.contact else ""
        free = c.seats - c.registered
        key = "class_line" if free > 0 else "class_line_full"
        return tx(lang, key, n=n, title=c.title, when=when_text(c, self.tz), place=c.place, free=free, contact=contact)

    def _show_class(self, class_id: int, st: ConversationState) -> list[Reply]:
        c = self.store.class_info(class_id)
        if c is None or c.status != "open":
            return [Reply(tx(st.lang, "class_gone"), kind="info")]
        return [Reply(self._line(1, c, st.lang)[3:], (Button(tx(st.lang, "btn_register", title=c.title)[:60],
                                                             f"cls:reg:{c.id}"),), kind="menu", lang=st.lang)]

    def _class_action(self, msg: InboundMessage, arg: str, st: ConversationState) -> list[Reply]:
        lang = st.lang
        verb, _, rest = arg.partition(":")
        if verb == "list":
            return self.classes(msg, st)
        if verb == "show" and rest.isdigit():
            return self._show_class(int(rest), st)
        if verb == "reg" and rest.isdigit():
            done = self.store.register(int(rest), msg.channel, msg.user_ref, lang=lang, commune=st.commune,
                                       group=st.group)
            if done is None or done[0] == "closed":
                return [Reply(tx(lang, "class_gone"), kind="info")]
            status, pos, c = done
            unreg = (Button(tx(lang, "btn_unregister"), f"cls:unreg:{c.id}"),)
            if status == "already":
                return [Reply(tx(lang, "already"), unreg, kind="info")]
            key = "registered" if status == "registered" else "waiting"
            return [Reply(tx(lang, key, title=c.title, when=when_text(c, self.tz), place=c.place, pos=pos), unreg,
                          kind="info", lang=lang)]
        if verb == "unreg" and rest.isdigit():
            gone = self.store.unregister(int(rest), msg.channel, msg.user_ref)
            if gone is None:
                return [Reply(tx(lang, "not_registered"), kind="info")]
            return [Reply(tx(lang, "unregistered", title=gone.title), kind="info")]
        return self.classes(msg, st)


def reminder_text(kind: str, c: ClassInfo, lang: str, tz: tzinfo) -> str:
    return tx(lang, f"remind_{kind}", title=c.title, when=when_text(c, tz), place=c.place)


def promoted_text(c: ClassInfo, lang: str, tz: tzinfo) -> str:
    return tx(lang, "promoted", title=c.title, when=when_text(c, tz), place=c.place)


__all__: Sequence[str] = ("ACTIONS", "OutreachChat", "OutreachStore", "promoted_text", "reminder_text")
