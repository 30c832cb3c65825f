"""Issue 25, finding 6: weak passwords are refused everywhere a password is set (CLI, admin API, reset),
and log-in throttling is per (username, client address) with exponential back-off, so an attacker at one
address cannot lock a volunteer out at another. Real app on 127.0.0.1; the attacker connects from the
loopback address 127.0.0.2, the volunteer from 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.cli_inproc import run_cli
from tests.integration.admin_helpers import PW, Session, admin_app

WEAK = [("            ", "whitespace"), ("ngan", "at least 12"), ("password1234", "too common"),
        ("Password1234!", "too common"), ("123456789012", "too easy"), ("aaaaaaaaaaaa", "too easy"),
        ("qwertyuiop12", "too common"), ("iloveyou2026", "too common"), ("matkhau12345", "too common")]


def test_weak_passwords_are_refused_with_clear_messages_over_http(tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb)
    with server as srv:
        adm = Session(srv.url, "quantri")
        lan = next(u for u in adm.get("/api/admin/users").json()["users"] if u["username"] == "lan")
        for pw, why in WEAK:
            r = adm.post("/api/admin/users", json={"username": "minh.moi", "password": pw, "role": "volunteer"})
            assert r.status_code == 400 and why in r.text and "Mật khẩu" in r.text, (pw, r.text)
            r = adm.post(f"/api/admin/users/{lan['id']}/password", json={"password": pw})
            assert r.status_code == 400 and why in r.text, (pw, r.text)
        r = adm.post("/api/admin/users", json={"username": "minh.moi", "password": "minh.moi-2026-abc", "role": "volunteer"})
        assert r.status_code == 400 and "username" in r.text
        assert adm.post("/api/admin/users", json={"username": "minh.moi", "password": "Cay tre xanh ben song Lo",
                                                  "role": "volunteer"}).status_code == 200
        assert "minh.moi" in [u["username"] for u in adm.get("/api/admin/users").json()["users"]]


def test_weak_passwords_are_refused_by_the_cli(tmp_path: Path, db_url: str) -> None:
    env = {"BINHDAN_DATABASE__URL": db_url, "BINHDAN_INDEX__DIR": str(tmp_path / "i"), "BINHDAN_EMBEDDER__KIND": "fake"}
    for pw, why in WEAK[:4]:  # `binhdan user add` in-process (tests/cli_inproc.py): the command, not a new process
        r = run_cli(["user", "add", "hoa", "--role", "volunteer", "--password-stdin"], env, stdin=pw + "\n")
        assert r.returncode != 0 and why in r.stderr and "Traceback" not in r.stderr, (pw, r.stderr)


def _login(c: httpx.Client, password: str) -> httpx.Response:
    return c.post("/api/auth/login", json={"username": "lan", "password": password})


def test_an_attacker_elsewhere_cannot_lock_a_volunteer_out_and_gets_growing_back_off(
        tmp_path: Path, db_url: str, mini_kb: Path) -> None:
    _s, _app, server = admin_app(tmp_path, db_url, mini_kb, BINHDAN_AUTH__LOGIN_FREE_FAILURES="3",
                                 BINHDAN_AUTH__LOGIN_BACKOFF_S="1")
    with server as srv:
        attacker = httpx.Client(base_url=srv.url, timeout=30, transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        volunteer = httpx.Client(base_url=srv.url, timeout=30, transport=httpx.HTTPTransport(local_address="127.0.0.1"))
        codes = [_login(attacker, f"doan-mo-{i}-xxxxxx").status_code for i in range(20)]
        assert codes[:3] == [401, 401, 401] and set(codes[3:]) == {429}, codes
        # the real volunteer, from another address, logs in at once, again and again
        for _ in range(3):
            assert _login(volunteer, PW).status_code == 200
        # the attacker's lock doubles with each further failure (2 s, 4 s, 8 s after the first 1 s)
        waits = []
        for _ in range(3):
            while (r := _login(attacker, "van-doan-sai-xxxxxx")).status_code == 429:
                time.sleep(float(r.headers["Retry-After"]) + 0.1)
            assert r.status_code == 401
            r = _login(attacker, PW)  # right after a failure: locked, even with the right password
            assert r.status_code == 429 and "Hãy đợi" in r.json()["message"]
            waits.append(int(r.headers["Retry-After"]))
        print(f"attacker back-off (s): {waits}")
        assert waits == sorted(waits) and waits[-1] >= 4 * waits[0] - 1, waits
        assert _login(volunteer, PW).status_code == 200
        # admins see the repeated failures in the audit log (no password there)
        log = Session(srv.url, "quantri").get("/api/admin/audit?prefix=auth.").json()["entries"]
        assert log and all(e["action"] == "auth.login_failures" for e in log)
        assert log[0]["target"] == "user:lan" and log[0]["details"]["address"] == "127.0.0.2"
        assert "van-doan-sai" not in str(log) and "doan-mo" not in str(log)


def test_password_hash_cost_is_the_configured_one_and_old_hashes_move_to_it_at_log_in(tmp_path: Path,
                                                                                      db_url: str) -> None:
    from sqlalchemy import select

    from bot.storage.tables.accounts import UserRow
    from bot.wiring.storage import build_accounts, build_sessions
    from tests.conftest import make_settings

    strong = make_settings(tmp_path, db_url=db_url, BINHDAN_AUTH__PASSWORD_TIME_COST="3",
                           BINHDAN_AUTH__PASSWORD_MEMORY_KIB="65536", BINHDAN_AUTH__PASSWORD_PARALLELISM="4")
    build_accounts(strong).add_user("lan", PW, role="volunteer")
    sessions = build_sessions(strong)

    def stored() -> str:
        with sessions() as s:
            return str(s.scalar(select(UserRow.password_hash).where(UserRow.username == "lan")))

    assert "$m=65536,t=3,p=4$" in stored()
    cheap = make_settings(tmp_path, db_url=db_url)  # the tests' cost: 1 pass, 8 MiB, 1 lane
    acc = build_accounts(cheap)
    assert acc.login("lan", "sai-mat-khau-roi") is None and "$m=65536,t=3,p=4$" in stored()
    assert acc.login("lan", PW) is not None  # the old hash still verifies ...
    assert "$m=8192,t=1,p=1$" in stored()    # ... and is replaced by one at the configured cost
    assert acc.login("lan", PW) is not None and acc.login("nobody", PW) is None
