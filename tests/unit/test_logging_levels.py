"""The configured log level holds for libraries that set their own logger's level after start-up."""

from __future__ import annotations

import logging

import pytest

from bot.infra.logs import setup_logging


def test_a_library_turning_its_logger_to_debug_after_setup_prints_nothing_below_the_level(
        capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("WARNING")
    try:
        lib = logging.getLogger("some_library_imported_later")
        lib.setLevel(logging.DEBUG)  # what bm25s does at import
        lib.debug("Building index from tokens")
        lib.warning("a real warning")
        err = capsys.readouterr().err
        assert "Building index" not in err and "a real warning" in err
    finally:
        setup_logging("INFO")
