"""The learner profile flow: commune, group and age band asked once (each may be skipped), the profile
view where every field (and the name printed on certificates) is edited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.learning.flow import LearningFlow, Turn
from bot.core.learning.model import AGE_BANDS, GROUPS
from bot.core.messages import Button, Reply
from bot.core.texts import t


class ProfileFlow(LearningFlow):
    def _ask_commune(self, turn: Turn) -> list[Reply]:
        if not len(self.communes):
            return self._ask_group(turn)
        turn.st.learn_wait = "commune"
        buttons: list[Button] = []
        known = self.communes.get(turn.st.commune) if turn.st.commune else None
        if known is not None:
            buttons.append(Button(known.name[:60], f"prof:c:{known.code}"))
        buttons.append(self._btn(turn, "btn_ln_skip", "prof:skip:c"))
        if turn.st.learn_flow == "profile":
            buttons.append(self._btn(turn, "btn_ln_have_code", "learn:code"))
        return [Reply(t(turn.lang, "ln_ask_commune", province=self.communes.province), tuple(buttons), kind="question")]

    def _commune_choices(self, turn: Turn, text: str, found: Sequence[Any]) -> Reply:
        skip = self._btn(turn, "btn_ln_skip", "prof:skip:c")
        if not found:
            return Reply(t(turn.lang, "ln_commune_none", text=text[:40], province=self.communes.province), (skip,),
                         kind="question")
        return Reply(t(turn.lang, "ln_commune_choose"),
                     (*(Button(c.name[:60], f"prof:c:{c.code}") for c in found), skip), kind="question")

    def _ask_group(self, turn: Turn) -> list[Reply]:
        turn.st.learn_wait = ""
        buttons = [self._btn(turn, f"ln_group_{g}", f"prof:g:{g}") for g in GROUPS]
        return [Reply(t(turn.lang, "ln_ask_group"), (*buttons, self._btn(turn, "btn_ln_skip", "prof:skip:g")),
                      kind="question")]

    def _ask_age(self, turn: Turn) -> list[Reply]:
        turn.st.learn_wait = ""
        buttons = [self._btn(turn, f"ln_age_{a}", f"prof:a:{a}") for a in AGE_BANDS]
        return [Reply(t(turn.lang, "ln_ask_age"), (*buttons, self._btn(turn, "btn_ln_skip", "prof:skip:a")),
                      kind="question")]

    def _profile_next(self, turn: Turn, answered: str) -> list[Reply]:
        """After one answer: the next question of the first-time chain, or the profile view when editing."""
        if turn.st.learn_flow != "profile":
            return [self._profile_view(turn)]
        if answered == "c":
            return self._ask_group(turn)
        if answered == "g":
            return self._ask_age(turn)
        turn.st.learn_flow = ""
        return [Reply(t(turn.lang, "ln_profile_thanks"), kind="info"), self._home(turn)]

    def _profile_view(self, turn: Turn) -> Reply:
        lang, p = turn.lang, turn.learner
        dash = t(lang, "ln_not_given")
        text = t(lang, "ln_profile", commune=self.communes.name(p.commune) or p.commune or dash,
                 group=t(lang, f"ln_group_{p.group}") if p.group in GROUPS else dash,
                 age=t(lang, f"ln_age_{p.age_band}") if p.age_band in AGE_BANDS else dash,
                 name=p.name or dash, reminders=t(lang, "ln_on" if p.reminders else "ln_off"), code=p.code)
        remind = ("btn_ln_remind_off", "learn:remind:off") if p.reminders else ("btn_ln_remind_on", "learn:remind:on")
        buttons = [self._btn(turn, "btn_ln_edit_commune", "prof:edit:c"), self._btn(turn, "btn_ln_edit_group", "prof:edit:g"),
                   self._btn(turn, "btn_ln_edit_age", "prof:edit:a"), self._btn(turn, "btn_ln_edit_name", "prof:edit:n"),
                   self._btn(turn, *remind), self._btn(turn, "btn_ln_home", "learn")]
        return Reply(text, tuple(buttons), kind="menu")

    def _profile_action(self, turn: Turn, arg: str) -> list[Reply]:
        field_, _, value = arg.partition(":")
        learner, st = turn.learner, turn.st
        if field_ == "c" and self.communes.get(value) is not None:
            learner.commune = st.commune = self.communes.get(value).code  # type: ignore[union-attr]
            st.learn_wait = ""
            return self._profile_next(turn, "c")
        if field_ == "g" and value in GROUPS:
            learner.group = st.group = value
            return self._profile_next(turn, "g")
        if field_ == "a" and value in AGE_BANDS:
            learner.age_band = value
            return self._profile_next(turn, "a")
        if field_ == "skip" and value in ("c", "g", "a"):
            st.learn_wait = ""
            return self._profile_next(turn, value)
        if field_ == "edit":
            st.learn_flow = ""
            if value == "c":
                return self._ask_commune(turn)
            if value == "g":
                return self._ask_group(turn)
            if value == "a":
                return self._ask_age(turn)
            if value == "n":
                st.learn_wait = "name"
                return [Reply(t(turn.lang, "ln_ask_name_edit"), (self._btn(turn, "btn_ln_noname", "prof:noname"),),
                              kind="question")]
        if field_ == "noname":
            st.learn_wait = ""
            learner.name, learner.name_choice = "", "declined"
            return [self._profile_view(turn)]
        if field_ == "name":
            st.learn_wait = "name"
            return [Reply(t(turn.lang, "ln_ask_name_type"), (self._btn(turn, "btn_ln_noname", "learn:cert:noname"),),
                          kind="question")]
        return [self._profile_view(turn)]
