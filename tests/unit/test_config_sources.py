"""bot.config on pydantic-settings: nested environment overrides, precedence over the file, secrets that never
leak into repr or str, one-line errors naming the key, the province key and its old name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import ConfigError, Settings, load_settings, secret_values

ROOT = Path(__file__).resolve().parents[2]


def _file(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "c.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def test_env_overrides_one_nested_key_and_keeps_the_rest_of_the_section(tmp_path: Path) -> None:
    f = _file(tmp_path, "server:\n  host: 0.0.0.0\n  port: 8100\n  workers: 3\n")
    s = load_settings(f, env={"BINHDAN_SERVER__PORT": "8200", "BINHDAN_HANDOFF__DAYS": "[0, 2, 4]",
                              "BINHDAN_ANSWER__CALIBRATION": "{accented: [1, 2], english: [3]}"})
    assert (s.server.host, s.server.port, s.server.workers) == ("0.0.0.0", 8200, 3)
    assert s.handoff.days == [0, 2, 4]  # lists and mappings are YAML, as in the file
    assert s.answer.calibration == {"accented": [1.0, 2.0], "english": [3.0]}


def test_precedence_env_over_yaml_over_defaults(tmp_path: Path) -> None:
    f = _file(tmp_path, "retrieval:\n  candidates: 60\n  max_query_chars: 900\n")
    s = load_settings(f, env={"BINHDAN_RETRIEVAL__CANDIDATES": "70"})
    assert s.retrieval.candidates == 70  # environment
    assert s.retrieval.max_query_chars == 900  # file
    assert s.retrieval.max_dense_chars == Settings().retrieval.max_dense_chars == 1000  # built-in default
    assert s.base_dir == tmp_path  # relative paths resolve against the file, whatever the environment says
    assert load_settings(f, env={"BINHDAN_BASE_DIR": "/elsewhere"}).base_dir == tmp_path


def test_variables_that_are_not_settings_are_ignored_and_settings_reads_only_the_given_env(tmp_path: Path,
                                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                                          ) -> None:
    f = _file(tmp_path, "")
    monkeypatch.setenv("BINHDAN_SERVER__PORT", "9999")  # os.environ is not read when env= is given …
    s = load_settings(f, env={"BINHDAN_TEST_CACHE": "/tmp/x", "BINHDAN_APP": "{mode: production}",
                              "binhdan_server__port": "1"})
    assert s.server.port == 8000 and s.app.mode == "development"
    assert Settings().server.port == 8000  # … and `Settings()` is the built-in defaults only
    assert load_settings(f).server.port == 9999  # without env=, os.environ is read


def test_secrets_are_secretstr_and_never_in_repr_or_str(tmp_path: Path) -> None:
    f = _file(tmp_path, "database:\n  url: postgresql+psycopg://bd:Db-Pass-4567@db:5432/bd\n"
                        "server:\n  rate_limit_storage: redis://:Redis-Pass-99@r:6379/0\n"
                        "llm:\n  api_key: ${LLM_API_KEY:}\n")
    raw = {"BINHDAN_TELEGRAM__TOKEN": "123456:Tg-Secret-Part", "BINHDAN_TELEGRAM__WEBHOOK_SECRET": "Hook-Secret",
           "BINHDAN_ZALO__APP_SECRET": "Zalo-App-Secret", "BINHDAN_ZALO__OA_SECRET_KEY": "Zalo-Oa-Key",
           "BINHDAN_ZALO__ACCESS_TOKEN": "Zalo-Access", "BINHDAN_ZALO__REFRESH_TOKEN": "Zalo-Refresh",
           "BINHDAN_SERVER__METRICS_TOKEN": "Metrics-Token", "LLM_API_KEY": "Llm-Key-From-Placeholder"}
    s = load_settings(f, env=raw)
    assert isinstance(s.telegram.token, SecretStr) and isinstance(s.llm.api_key, SecretStr)
    assert s.telegram.token.get_secret_value() == "123456:Tg-Secret-Part"
    assert s.llm.api_key.get_secret_value() == "Llm-Key-From-Placeholder"
    shown = (repr(s) + str(s) + repr(s.zalo) + repr(s.database) + repr(s.server)
             + s.model_dump_json(exclude={"database", "server"}))
    secrets = [v for k, v in raw.items() if k != "BINHDAN_TELEGRAM__TOKEN"]
    for secret in [*secrets, "Tg-Secret-Part", "Db-Pass-4567", "Redis-Pass-99"]:
        assert secret not in shown, secret
    assert "postgresql+psycopg://bd:***@db:5432/bd" in repr(s.database)
    masked = set(secret_values(s))  # the log filter masks every one of them
    assert {"Tg-Secret-Part", "Hook-Secret", "Zalo-Oa-Key", "Llm-Key-From-Placeholder", "Db-Pass-4567",
            "Redis-Pass-99", "Metrics-Token"} <= masked


@pytest.mark.parametrize(("text", "env", "message"), [
    ("", {"BINHDAN_SERVER__PORT": "eighty"}, "server.port: Input should be a valid integer"),
    ("server:\n  port: 70000\n", {}, "server.port: Input should be less than or equal to 65535"),
    ("outreach:\n  timezone: Mars/Olympus\n", {}, "outreach.timezone: Value error, unknown time zone"),
    ("handoff:\n  hours: 7-21\n", {}, "handoff.hours: Value error, must look like 07:00-21:00"),
    ("server: 5\n", {"BINHDAN_SERVER__PORT": "1"}, "server: must be a mapping"),
    ("", {"BINHDAN_SERVER__COLOUR": "red"}, "BINHDAN_SERVER__COLOUR: unknown key 'server.colour'"),
    ("app:\n  province: A\nknowledge:\n  province: B\n", {}, "knowledge.province: the old name of app.province"),
])
def test_a_bad_value_gives_one_clear_line_naming_the_key(tmp_path: Path, text: str, env: dict[str, str],
                                                         message: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(_file(tmp_path, text), env=env)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_the_cli_prints_the_error_without_a_traceback(tmp_path: Path) -> None:
    f = _file(tmp_path, "retrieval:\n  candidates: many\n")
    r = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "check"], capture_output=True, text=True, timeout=120,
                       cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BINHDAN_CONFIG": str(f)})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("binhdan: invalid configuration: retrieval.candidates:")


def test_the_province_comes_from_config_and_knowledge_province_is_its_old_name(tmp_path: Path) -> None:
    assert load_settings(ROOT / "config.yaml", env={}).app.province == "Tuyên Quang"
    assert load_settings(_file(tmp_path, "app:\n  province: Hà Giang\n"), env={}).app.province == "Hà Giang"
    old = load_settings(_file(tmp_path, "knowledge:\n  province: Cao Bằng\n"), env={})
    assert old.app.province == "Cao Bằng" and old.knowledge.province is None
    assert load_settings(_file(tmp_path, ""), env={"BINHDAN_KNOWLEDGE__PROVINCE": "Lào Cai"}).app.province == "Lào Cai"
