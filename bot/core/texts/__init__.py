"""Every sentence the bot says to citizens and volunteers: one catalogue per language, split by feature.

- `vi.py` / `en.py`                    greeting, menu, answers, consent, personal data, voice messages
- `vi_handoff.py` / `en_handoff.py`    tickets, the wait, the helpdesk extras, the volunteers' Telegram chat
- `vi_learning.py` / `en_learning.py`  learning digital skills, quizzes, certificates

`t(lang, key, **kw)` is the one lookup: the key in `lang`'s catalogue (Vietnamese when the language or the
key is missing), formatted with `kw`. Placeholders such as `{province}` are filled by the caller (the province
name comes from the configuration). Every key exists in both languages with the same placeholders
(tests/unit/test_texts.py). To add a language, add its catalogue modules and list them in `_CATALOGUES`.
"""

from __future__ import annotations

from bot.core.texts import en, en_handoff, en_learning, vi, vi_handoff, vi_learning

NOTICE_VERSION = "2026-12-v2"  # issue 8: what is kept, why, how long, who sees it, rights

_CATALOGUES: dict[str, tuple[dict[str, str], ...]] = {
    "vi": (vi.TEXTS, vi_handoff.TEXTS, vi_learning.TEXTS),
    "en": (en.TEXTS, en_handoff.TEXTS, en_learning.TEXTS),
}


def _merge(parts: tuple[dict[str, str], ...]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in parts:
        twice = merged.keys() & part.keys()
        if twice:
            raise RuntimeError(f"text keys defined twice: {sorted(twice)}")
        merged.update(part)
    return merged


TEXTS: dict[str, dict[str, str]] = {lang: _merge(parts) for lang, parts in _CATALOGUES.items()}
LANGS: tuple[str, ...] = tuple(TEXTS)


def t(lang: str, key: str, **kw: object) -> str:
    table = TEXTS.get(lang, TEXTS["vi"])
    text = table.get(key) or TEXTS["vi"][key]
    return text.format(**kw) if kw else text
