"""Learning wiring (issue 6; docs/LEARNING.md): the curriculum from knowledge/lessons, the learning
policy, the learning service over its tables, reminders, certificate pictures and the dashboard's report."""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.core.communes import CommuneDirectory
from bot.core.learning.coverage import Target
from bot.core.learning.curriculum import CurriculumError, Module, parse_module
from bot.core.learning.policy import LearningPolicy
from bot.core.learning.service import LearningService
from bot.runtime.jobs import LearningReminders
from bot.storage.learning import LearningReports, SqlLearningStore
from bot.storage.messaging import MessageStore
from bot.wiring.channels import push_windows
from bot.wiring.storage import build_communes, build_sessions

log = logging.getLogger(__name__)


class Curriculum:
    """Implements the core's `Curriculum` port from `knowledge/lessons/*.yaml` (read once). A module that
    cannot be read is skipped with a warning (`binhdan kb check` reports the details)."""

    def __init__(self, directory: Path) -> None:
        self._modules: list[Module] = []
        for f in sorted(directory.glob("*.yaml")) if directory.exists() else []:
            try:
                self._modules.append(parse_module(yaml.safe_load(f.read_text(encoding="utf-8")), where=str(f)))
            except (yaml.YAMLError, UnicodeDecodeError, CurriculumError) as exc:
                log.warning("skipping lesson module %s: %s", f, exc)

    def modules(self) -> list[Module]:
        return list(self._modules)


def learning_policy(settings: Settings) -> LearningPolicy:
    """The learning rules from the `learning` section (docs/LEARNING.md)."""
    ls = settings.learning
    public = settings.server.public_url.rstrip("/")
    start, _, end = ls.quiet_hours.partition("-")
    h1, m1 = (int(x) for x in start.strip().split(":"))
    h2, m2 = (int(x) for x in end.strip().split(":"))
    return LearningPolicy(iri_base=ls.iri_base or (f"{public}/xapi" if public else "https://binhdan.invalid/xapi"),
                          public_url=public, pass_ratio=ls.pass_ratio, review_days=tuple(ls.review_days),
                          remind_after_days=ls.remind_after_days, quiet_start=_dt.time(h1 % 24, m1),
                          quiet_end=_dt.time(h2 % 24, m2), tz=ZoneInfo(ls.timezone), province=settings.app.province)


def learning_targets(settings: Settings) -> list[Target]:
    return [Target(tuple(x.groups), x.share, x.by) for x in settings.learning.targets]


def build_learning(settings: Settings, sessions: sessionmaker[Session], communes: CommuneDirectory,
                   *, clock: Callable[[], _dt.datetime] | None = None) -> tuple[LearningService, SqlLearningStore]:
    """(LearningService, SqlLearningStore): lessons in the chat over the learning tables."""
    policy = learning_policy(settings)
    store = SqlLearningStore(sessions, policy=policy)
    service = LearningService(Curriculum(settings.path(settings.knowledge.lessons_dir)), store, communes=communes,
                              policy=policy, clock=clock)
    return service, store


def build_reminders(settings: Settings, *, sessions: sessionmaker[Session] | None = None,
                    learning: tuple[LearningService, SqlLearningStore] | None = None,
                    clock: Callable[[], _dt.datetime] | None = None) -> LearningReminders:
    """The learning reminders job (bot.runtime.jobs.LearningReminders) without the rest of the services."""
    sessions = sessions or build_sessions(settings)
    service, store = learning or build_learning(settings, sessions, build_communes(settings), clock=clock)
    return LearningReminders(store, MessageStore(sessions), service, push_windows=push_windows(settings), clock=clock)


def certificate_png(settings: Settings, store: SqlLearningStore, code_or_link: str) -> bytes | None:
    """The PNG of a stored certificate, from its code or its /certificates/<code>.png link; None if unknown."""
    from bot.infra.certificates import render_certificate

    m = re.search(r"([0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{4})(?:\.png)?$", code_or_link)
    cert = store.certificate(m.group(1)) if m else None
    if cert is None:
        return None
    policy = learning_policy(settings)
    png: bytes = render_certificate(cert, verify_url=policy.link(f"/verify/{cert.code}"), province=policy.province,
                                    tz=policy.tz)
    return png


def learning_rows(settings: Settings, sessions: sessionmaker[Session],
                  communes: CommuneDirectory) -> Callable[[], list[dict[str, object]]]:
    """The learning report (LearningReports.progress, per commune × group) as plain rows for the dashboard,
    with the nearest target still ahead. The one adapter to adjust if it changes."""
    modules = [m.id for m in Curriculum(settings.path(settings.knowledge.lessons_dir)).modules()]

    def rows() -> list[dict[str, object]]:
        rep = LearningReports(sessions).progress(modules=modules, basic_modules=settings.learning.basic_skills_modules,
                                                 targets=learning_targets(settings), by=("commune", "group"),
                                                 communes=communes)
        today, out = _dt.date.today(), []
        for r in rep.rows:
            nxt = next((g for g in r.targets if g.by >= today), r.targets[-1] if r.targets else None)
            out.append({"commune": r.commune, "commune_name": r.commune_name, "group": r.group,
                        "population": r.population, "learners": r.learners, "skilled": r.skilled,
                        "coverage_pct": r.coverage_pct, "target_by": nxt.by.isoformat() if nxt else "",
                        "target_pct": nxt.target_pct if nxt else None, "gap": nxt.gap if nxt else None})
        return out

    return rows
