"""The audit log's pseudonyms are keyed: the key file is made once (0600, shared by processes), a configured
key wins, and without the key a chat id cannot be found again by hashing every candidate id."""

from __future__ import annotations

import hashlib
import os
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.storage.audit import subject_pseudonym
from bot.storage.keys import key_file, pseudonym_key
from tests.conftest import make_settings


def test_the_key_file_is_made_once_private_and_reused(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    with ThreadPoolExecutor(8) as pool:  # processes starting together agree on one key
        keys = set(pool.map(lambda _: pseudonym_key(s), range(16)))
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    path = key_file(s)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["pseudonym.key"]  # no temporary file left behind
    assert pseudonym_key(make_settings(tmp_path)) == next(iter(keys))


def test_a_configured_key_wins_and_a_short_one_is_refused(tmp_path: Path) -> None:
    s = make_settings(tmp_path, BINHDAN_PRIVACY__PSEUDONYM_KEY="k" * 40)
    assert pseudonym_key(s) == b"k" * 40 and not key_file(s).exists()
    with pytest.raises(ValueError, match="at least 16"):
        pseudonym_key(make_settings(tmp_path, BINHDAN_PRIVACY__PSEUDONYM_KEY="short"))


def test_a_pseudonym_cannot_be_reversed_by_enumerating_ids_without_the_key(tmp_path: Path) -> None:
    key = pseudonym_key(make_settings(tmp_path))
    who = subject_pseudonym("telegram", "123456789", key)
    assert who.startswith("telegram:") and "123456789" not in who
    assert who == subject_pseudonym("telegram", "123456789", key)  # stable: an admin can look it up
    assert who != subject_pseudonym("telegram", "123456789", os.urandom(32))
    unkeyed = {f"telegram:{hashlib.sha256(f'telegram:{i}'.encode()).hexdigest()[:16]}" for i in range(123456700, 123456800)}
    assert who not in unkeyed  # the old unkeyed scheme was reversible this way
    with pytest.raises(ValueError):
        subject_pseudonym("telegram", "1", b"short")


def test_the_cli_prints_the_name_the_audit_log_uses(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    env = {"BINHDAN_APP__DATA_DIR": str(tmp_path / "data"), "BINHDAN_DATABASE__URL": f"sqlite:///{tmp_path / 'x.db'}"}
    r = CliRunner().invoke(app, ["privacy", "pseudonym", "zalo", "8812345"], env=env)
    assert r.exit_code == 0, r.output
    assert r.output.strip() == subject_pseudonym("zalo", "8812345", pseudonym_key(s))
