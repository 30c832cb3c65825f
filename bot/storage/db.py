"""Engine creation and Alembic migrations (applied by `binhdan db upgrade` and on start)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x62696E6864616E00  # pg advisory lock key ("binhdan\0")


def make_engine(url: str, *, echo: bool = False, ping_idle_s: float = 5.0) -> Engine:
    """Create an engine; a SQLite file's folder is created, foreign keys and WAL are switched on. A server
    database's connection is pinged when it was idle in the pool for `ping_idle_s` (`_ping_when_idle`)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            # deleted or overwritten rows are zeroed in the file (and its WAL frames), not left in free pages
            # until reused: erased text must not be recoverable from the file (docs/security, finding 8)
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        return engine
    engine = create_engine(url, echo=echo)
    _ping_when_idle(engine, ping_idle_s)
    return engine


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Pessimistic disconnect handling, but only for a connection that sat in the pool for `idle_s` or more.

    `pool_pre_ping=True` pings on every checkout: one more round trip to PostgreSQL per session, and a message
    opens several (the HTTP benchmark spent 17 % of a worker's time in those pings). A connection checked in
    moments ago is alive — a PostgreSQL restart or an idle timeout is noticed on the next checkout after a quiet
    spell, and a ping that fails raises DisconnectionError, which makes the pool discard the connection and
    check out a fresh one (SQLAlchemy's documented recipe for custom pessimistic handling)."""
    import time

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record):  # type: ignore[no-untyped-def]
        record.info["binhdan_checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy):  # type: ignore[no-untyped-def]
        last = record.info.get("binhdan_checked_in")
        if last is None or time.monotonic() - last < idle_s:
            return  # a new connection (just made) or one in use moments ago
        try:
            cur = dbapi_conn.cursor()
            try:
                cur.execute("SELECT 1")
            finally:
                cur.close()
            dbapi_conn.rollback()
        except Exception as e:  # any failure of the ping means a dead connection
            raise exc.DisconnectionError() from e


def relaxed_commit(s: Session) -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk (`SET LOCAL
    synchronous_commit = off`; a flush costs 4–5 ms here, the biggest wait of a web-chat message).

    For a write made while a message is processed (the question log is written there; from elsewhere its
    analytics row is all a server crash could lose): the message's completion (`MessageStore.complete`)
    commits synchronously afterwards, and PostgreSQL flushes its WAL in order, so once the message is done
    every relaxed write before it is on disk too. Should the database server itself crash in between, the
    message is not done either: it is processed again (its lease) or the web chat's retry stores it again.
    Visibility, locking and isolation are unchanged; a crash of this process loses nothing committed."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SET LOCAL synchronous_commit = off"))


def scrub_deleted(engine: Engine, *, attempts: int = 5) -> bool:
    """After an erasure: make deleted text unrecoverable from the database files where the engine can.

    SQLite: `secure_delete` (set on every connection) has zeroed the freed cells in the pages written;
    `wal_checkpoint(TRUNCATE)` copies the WAL into the main file and truncates the WAL, so the frames that
    still held the text before the deletion are gone too. A checkpoint is blocked while another
    connection reads an older snapshot; it is retried a few times. Returns True when it completed.
    PostgreSQL: nothing here (VACUUM cannot run inside a transaction and is scheduled apart:
    `vacuum_tables`)."""
    if engine.dialect.name != "sqlite":
        return True
    import time

    for i in range(attempts):
        with engine.connect() as conn:
            busy = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
        if busy is None or int(busy[0]) == 0:
            return True
        time.sleep(0.05 * (i + 1))
    return False


def vacuum_tables(engine: Engine, tables: tuple[str, ...]) -> None:
    """PostgreSQL: `VACUUM` the given tables (autocommit: VACUUM refuses to run in a transaction), so the
    dead tuples of erased rows are removed now instead of whenever autovacuum reaches them."""
    if engine.dialect.name != "postgresql" or not tables:
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in tables:
            conn.exec_driver_sql(f'VACUUM "{name}"')


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (idempotent). On PostgreSQL an advisory lock makes processes
    that start together (several workers) migrate one after the other instead of racing."""
    from alembic import command

    if engine.dialect.name != "postgresql":
        command.upgrade(_alembic_config(engine), revision)
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        try:
            command.upgrade(_alembic_config(engine), revision)
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
