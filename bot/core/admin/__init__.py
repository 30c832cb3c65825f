"""The admin console's use cases, pure, over ports (issue 7; docs/ADMIN.md). Wired by the composition root
(bot/wiring/admin.py).

Online knowledge-base management:

    model.py    what an upload may be, Preview, Change (before/after for the audit log + undo), KbError
    rules.py    the front matter's rules, id conflicts, a FAQ table row's rules, the editor messages
    checks.py   GuideChecker: a guide checked and read as the ingest run would index it
    uploads.py  Uploads: preview an upload, save it as a draft
    manager.py  KnowledgeManager: list, drafts, publish / unpublish, linked phrasings
    ports.py    KnowledgeFiles (bot/storage/kbfiles.py), FrontMatter + KnowledgeReader (ingest/preview.py),
                Catalogue (bot/storage/admin.py)

Application services of the console:

    faq.py      FaqPublisher: publishing a volunteer's approved FAQ proposal
    settings.py BotSettingsService: applying the console's bot settings to the running process

The managed files' layout (`knowledge.managed_dir`) is the storage adapter's:

    guides/<topic>/<id>.md    published guides written from the console (uploads, edits, linked phrasings)
    tables/<name>.csv         published FAQ tables (only the rows that passed the checks)
    faq/faq-tnv-<n>.md        approved volunteer FAQ proposals (faq.FaqPublisher)
    .drafts/<id>.md|<name>.csv  drafts: a hidden folder, so never indexed
"""

from bot.core.admin.faq import FaqPublisher
from bot.core.admin.manager import KnowledgeManager
from bot.core.admin.model import Change, KbError, Preview
from bot.core.admin.settings import BotSettingsService

__all__ = ["BotSettingsService", "Change", "FaqPublisher", "KbError", "KnowledgeManager", "Preview"]
