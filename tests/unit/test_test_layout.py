"""Issue 18: shared fakes and helpers live in non-test modules (tests/fakes*.py, tests/**/helpers_*.py, …);
no test module imports another test module."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def imported_modules(source: str, package: str) -> set[str]:
    """Every module the imports in `source` (a module of `package`) name: relative imports resolved, and
    `from p import m` counted as `p` and `p.m`, since `m` may be a module."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_test_module(name: str) -> bool:
    parts = name.split(".")
    return parts[0] == "tests" and parts[-1].startswith("test_") and (ROOT.joinpath(*parts).with_suffix(".py")).is_file()


def test_no_test_module_imports_another_test_module() -> None:
    offenders = sorted(f"{path.relative_to(ROOT)} imports {name}"
                       for path in TESTS.rglob("test_*.py")
                       for name in imported_modules(path.read_text(encoding="utf-8"), module_name(path).rsplit(".", 1)[0])
                       if is_test_module(name) and name != module_name(path))
    assert not offenders, "move shared helpers into tests/fakes*.py or a helpers module:\n" + "\n".join(offenders)


def test_the_check_sees_every_import_form() -> None:
    assert is_test_module("tests.unit.test_answering") and not is_test_module("tests.fakes_core")
    assert not is_test_module("tests.unit.test_no_such_module") and not is_test_module("bot.test_x")
    for source in ("import tests.unit.test_answering\n", "from tests.unit import test_answering\n",
                   "from tests.unit.test_answering import CAL\n", "from .test_answering import CAL\n",
                   "from . import test_answering as t\n", "def f():\n    from ..unit.test_answering import CAL\n"):
        assert "tests.unit.test_answering" in imported_modules(source, "tests.unit"), source
    assert not any(is_test_module(n) for n in imported_modules("from tests.fakes_core import CAL\n", "tests.unit"))
