"""NetBox served as production serves it, for the tests that drive it over HTTP: gunicorn running NetBox's WSGI
application with the collected static files (dev/demo_wsgi.py, the stack of `make demo` and docs/deployment.md),
against the test database and the test Redis DBs. Only committed data is visible to it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from dev.harness_support import free_port
from dev.tooling.common import ROOT
from dev.tooling.demo import gunicorn_args
from tests.conftest import netbox_subprocess_env


def instance_env(root: Path, database: str, **extra: str) -> dict[str, str]:
    """Environment of a `netbox` or gunicorn process for instance ``root`` on the test database ``database``."""
    return {**netbox_subprocess_env(database), "NETBOX_ROOT": str(root), "PYTHONPATH": str(ROOT), **extra}


class Process:
    """A background process (its own session) with its output in a log file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                command,
                env=env,
                cwd=str(cwd) if cwd else None,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class NetBoxWeb(Process):
    """gunicorn serving instance ``root`` on 127.0.0.1 (one worker); returns once the login page answers."""

    def __init__(self, root: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        super().__init__([gunicorn, *gunicorn_args(self.port, workers=1)], env, log, cwd=root)
        try:
            self._wait_for_login_page()
        except BaseException:
            self.stop()
            raise

    def _wait_for_login_page(self) -> None:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{self.url}/login/", timeout=60).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or the first request still loading NetBox
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not serve {self.url}/login/:\n{self.output()[-4000:]}")
            time.sleep(0.5)
