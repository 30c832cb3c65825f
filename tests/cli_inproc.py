"""Run `binhdan …` inside the test process: the same entry point as `python -m bot.cli` (`bot.cli.main`, so a
configuration error is still one line and exit status 2), without the ~2.5 s of imports a new Python process
pays per call. For tests whose subject is what a command does, not that it is a separate process; the process
itself (signals, exit on SIGTERM, `__main__`) keeps its tests in test_cli.py, serve_process and the others.

Returns a `subprocess.CompletedProcess` so that a test reads `returncode`, `stdout` and `stderr` as it would
from `subprocess.run`. An exception escaping `main` is printed to stderr as a traceback (as Python would), so
an assertion that stderr holds no "Traceback" still fails on a crash."""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def run_cli(args: list[str] | tuple[str, ...], env: Mapping[str, str] | None = None, *,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`binhdan *args` with `env` set on top of this process's environment (restored afterwards)."""
    from bot.cli import main

    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_argv, saved_cwd = sys.argv, os.getcwd()
    runner = CliRunner()
    code: int = 0
    with runner.isolation(input=stdin, env=dict(env or {})) as outstreams:
        sys.argv = ["binhdan", *args]
        os.chdir(ROOT)
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                print(exc.code, file=sys.stderr)
        except Exception:  # what an uncaught exception does to a process: a traceback, status 1
            traceback.print_exc(file=sys.stderr)
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            sys.argv = saved_argv
            os.chdir(saved_cwd)
            # the command configured the root logger to write to the captured stderr: put it back
            for h in list(root.handlers):
                root.removeHandler(h)
            for h in saved_handlers:
                root.addHandler(h)
            root.setLevel(saved_level)
        stdout = outstreams[0].getvalue().decode("utf-8", errors="replace")
        stderr = outstreams[1].getvalue().decode("utf-8", errors="replace")
    gc.collect()  # engines the command made close their pooled connections (PostgreSQL schemas are dropped next)
    return subprocess.CompletedProcess(["binhdan", *args], code, stdout, stderr)
