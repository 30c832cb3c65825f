from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
CFG = ROOT / "config.yaml"


def test_defaults_load_and_relative_paths_resolve_against_the_config_file() -> None:
    s = load_settings(CFG, env={})
    assert s.embedder.kind == "e5-small-onnx"
    assert s.path(s.index.dir) == ROOT / "var" / "index"
    assert s.database_url == f"sqlite:///{ROOT / 'var' / 'binhdan.db'}"


def test_environment_overrides_any_key_with_typed_values() -> None:
    s = load_settings(CFG, env={"BINHDAN_DATABASE__URL": "postgresql+psycopg://u@h:5432/d",
                                "BINHDAN_INDEX__DIR": "/srv/idx", "BINHDAN_RETRIEVAL__CANDIDATES": "77",
                                "BINHDAN_KNOWLEDGE__PATHS": "[a, b]"})
    assert s.database.url.startswith("postgresql+psycopg://")
    assert s.index.dir == Path("/srv/idx") and s.retrieval.candidates == 77
    assert s.knowledge.paths == [Path("a"), Path("b")]


@pytest.mark.parametrize(("env", "key"), [
    ({"BINHDAN_RETRIEVAL__CANDIDATS": "5"}, "retrieval.candidats"),
    ({"BINHDAN_NOPE__X": "1"}, "nope"),
    ({"BINHDAN_RETRIEVAL__CANDIDATES": "many"}, "retrieval.candidates"),
    ({"BINHDAN_EMBEDDER__KIND": "word2vec"}, "embedder.kind"),
    ({"BINHDAN_DATABASE__URL": "mysql://x"}, "database.url"),
])
def test_bad_keys_and_values_name_the_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_settings(CFG, env=env)


def test_unknown_key_in_the_file_and_placeholders(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("server:\n  port: 8000\n  colour: red\n")
    with pytest.raises(ConfigError, match=r"server\.colour: unknown key"):
        load_settings(f, env={})
    f.write_text("database:\n  url: ${DB_URL:sqlite:///x.db}\nembedder:\n  model: ${MODEL}\n")
    with pytest.raises(ConfigError, match=r"embedder\.model: environment variable MODEL is not set"):
        load_settings(f, env={})
    s = load_settings(f, env={"MODEL": "m"})
    assert s.database.url == "sqlite:///x.db" and s.embedder.model == "m"


def test_binhdan_config_selects_another_file(tmp_path: Path) -> None:
    f = tmp_path / "other.yaml"
    f.write_text("server:\n  port: 9123\n")
    assert load_settings(env={"BINHDAN_CONFIG": str(f)}).server.port == 9123
    with pytest.raises(ConfigError, match="not found"):
        load_settings(env={"BINHDAN_CONFIG": str(tmp_path / "missing.yaml")})
