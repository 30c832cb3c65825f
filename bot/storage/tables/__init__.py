"""SQLAlchemy table definitions, one module per feature. ORM rows never leave `bot.storage`.

Importing any of them (`bot.storage.tables.base.Base` too) runs this package first, which imports every
table module: `Base.metadata` always has every table (the Alembic environment and the migration tests
compare the migrations with it). A new table module must be imported here.
"""

from bot.storage.tables import (  # noqa: F401  (registers the tables on Base.metadata)
    accounts,
    admin,
    helpdesk,
    knowledge,
    learning,
    messaging,
    outreach,
    privacy,
    scam,
    tickets,
)
