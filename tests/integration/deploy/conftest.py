"""NetBox instances configured with a deployment recipe, served as production serves them (gunicorn, netbox
rqworker) against the test database and the test Redis DBs. Only committed data is visible to them, so tests that
use them are transactional."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import netbox_subprocess_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recipe_instance(root: Path, configuration: str = "", **conf_files: str) -> Path:
    """A NETBOX_ROOT at ``root``: its ``conf/configuration.py`` is the test instance's followed by ``configuration``
    (the recipe's settings); ``conf_files`` are further files of ``conf/`` (``ldap_config.py``...)."""
    base = Path(os.environ["NETBOX_ROOT"]) / "conf" / "configuration.py"
    conf = root / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "configuration.py").write_text(f"{base.read_text()}\n# The deployment recipe under test\n{configuration}")
    for name, text in conf_files.items():
        (conf / name).write_text(text)
    return root


def instance_env(root: Path, database: str, **extra: str) -> dict[str, str]:
    return {**netbox_subprocess_env(database), "NETBOX_ROOT": str(root), **extra}


class Process:
    """A background process with its output in a log file (shown when it fails)."""

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
    """``gunicorn netbox.wsgi`` serving an instance on 127.0.0.1 (one worker); ``start`` waits for the login page."""

    def __init__(self, root: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        command = [gunicorn, "netbox.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "1", "--timeout", "120"]
        command.append("--no-control-socket")  # gunicorn's default socket is one per HOME: shared by every server
        super().__init__(command, env, log, cwd=root)
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{self.url}/login/", timeout=60).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or the first request still loading NetBox
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"gunicorn did not serve {self.url}/login/:\n{self.output()[-4000:]}")
            time.sleep(0.5)


def login(url: str, username: str, password: str) -> tuple[requests.Session, requests.Response]:
    """Log in through NetBox's login form as a browser does (CSRF cookie and token); returns the session and the
    answer to the form's POST (a redirect when it worked, the form again when not)."""
    session = requests.Session()
    form = session.get(f"{url}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(
        f"{url}/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/"},
        headers={"Referer": f"{url}/login/"},
        allow_redirects=False,
        timeout=60,
    )
    return session, answer


LOGIN_REFUSED = "Please enter a correct username and password"


@pytest.fixture(scope="module")
def test_database_name(django_db_setup) -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]
