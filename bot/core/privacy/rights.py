"""The citizen's rights over their data: /dulieu (see everything kept, as a readable summary and as
JSON) and /xoa (erase everything after a confirmation button). Pure: the storage is behind the
`PersonalData` port; ConversationService hands `/dulieu`, `/xoa` and `rights:*` buttons to this class.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from bot.core.messages import Button, ConversationState, InboundMessage, Reply
from bot.core.privacy.ports import PersonalData
from bot.core.texts import TEXTS, t
from bot.core.types import Source

log = logging.getLogger(__name__)

EXPORT_COMMANDS = ("dulieu", "data", "mydata")
ERASE_COMMANDS = ("xoa", "delete", "xoadulieu")


class RightsService:
    """`export_links` maps a channel to a download URL template with `{user_ref}` (the web chat's
    `/api/chat/{user_ref}/export`); channels without one get the JSON as a message."""

    def __init__(self, data: PersonalData, *, retention_days: int = 90,
                 export_links: Mapping[str, str] | None = None, max_json_chars: int = 30_000) -> None:
        self.data = data
        self.retention_days = retention_days
        self.export_links = dict(export_links or {})
        self.max_json_chars = max_json_chars

    # ---- /dulieu ---------------------------------------------------------------------------------
    def summary(self, lang: str, data: Mapping[str, list[dict[str, object]]]) -> str:
        if not data:
            return t(lang, "pd_none")
        lines = [t(lang, "pd_head")]
        for n, (name, records) in enumerate(data.items(), 1):
            key = f"pd_{name}"
            label = t(lang, key) if key in TEXTS["vi"] else name
            lines.append(f"{n}. " + t(lang, "pd_line", label=label, n=len(records)))
        consents = data.get("consent") or []
        if consents:
            last = consents[-1]
            at = str(last.get("at", ""))[:10]
            lines.append(t(lang, "pd_consent_given" if last.get("choice") == "given" else "pd_consent_declined", at=at))
        lines.append(t(lang, "pd_foot", days=self.retention_days))
        return "\n".join(lines)

    def export(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        lang = st.lang
        data = self.data.export(msg.channel, msg.user_ref)
        replies = []
        link = self.export_links.get(msg.channel)
        if link:
            source = Source(doc_id="privacy-export", title=t(lang, "pd_download"),
                            url=link.format(user_ref=msg.user_ref), score=0.0, snippet="")
            replies.append(Reply(self.summary(lang, data), sources=(source,), kind="info", lang=lang))
        else:
            replies.append(Reply(self.summary(lang, data), kind="info", lang=lang))
            if data:
                body = json.dumps(data, ensure_ascii=False, indent=1)
                if len(body) > self.max_json_chars:  # very long histories: compact form
                    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                replies.append(Reply(t(lang, "pd_json") + "\n" + body, kind="export", lang=lang))
        return replies

    # ---- /xoa ------------------------------------------------------------------------------------
    def ask_erase(self, st: ConversationState) -> list[Reply]:
        lang = st.lang
        return [Reply(t(lang, "erase_ask"), (Button(t(lang, "btn_erase_yes"), "rights:erase"),
                                             Button(t(lang, "btn_erase_no"), "rights:keep")), kind="question")]

    def erase(self, msg: InboundMessage, st: ConversationState) -> list[Reply]:
        lang = st.lang
        try:
            self.data.erase(msg.channel, msg.user_ref)
        except Exception:
            log.exception("erasure failed")
            return [Reply(t(lang, "erase_unavailable"), kind="info")]
        fresh = ConversationState(lang=lang)  # the conversation starts over; only the language stays
        st.__dict__.update(fresh.__dict__)
        return [Reply(t(lang, "erased"), kind="info")]

    def action(self, msg: InboundMessage, arg: str, st: ConversationState) -> list[Reply] | None:
        """`rights:erase` (confirmed), `rights:keep` (cancelled), `rights:export`; None for anything else."""
        if arg == "erase":
            return self.erase(msg, st)
        if arg == "keep":
            return [Reply(t(st.lang, "erase_kept"), kind="info")]
        if arg == "export":
            return self.export(msg, st)
        return None
