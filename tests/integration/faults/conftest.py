"""Real `netbox rqworker` processes with test settings, and faults injected for real: PostgreSQL refusing or cutting
connections to the test database, Redis emptied, workers SIGKILLed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import netbox_executable, netbox_subprocess_env

DUMP = "WMF Ops hourly CSV dump"
RECONCILER = "WMF Ops: apply schedules"
DNS_CHECK = "WMF Ops: DNS snippets (check)"


def wait_for(condition: Callable[[], Any], seconds: float, what: str, poll: float = 0.5) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(poll)
    pytest.fail(f"timed out after {seconds:g} s waiting for {what}")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Faults:
    """Settings shared by the test process and its workers, and the fault injectors."""

    def __init__(self, tmp_path: Path, settings, config: dict[str, Any]):
        from django.db import connection

        self.database = connection.settings_dict["NAME"]
        self.tmp_path = tmp_path
        self.config = config
        self.settings = settings
        self.workers: list[subprocess.Popen] = []
        self.apply(config)

    def apply(self, config: dict[str, Any]) -> None:
        """The plugin settings of this process and of the netbox processes started after."""
        self.config = config
        plugin = {**self.settings.PLUGINS_CONFIG["netbox_wmf_ops"], **config}
        self.settings.PLUGINS_CONFIG = {**self.settings.PLUGINS_CONFIG, "netbox_wmf_ops": plugin}
        module = self.tmp_path / "wmf_faults_configuration.py"
        module.write_text(
            "import os, runpy\n"
            "_base = runpy.run_path(os.path.join(os.environ['NETBOX_ROOT'], 'conf', 'configuration.py'))\n"
            "globals().update({k: v for k, v in _base.items() if k.isupper()})\n"
            "PLUGINS_CONFIG = {**PLUGINS_CONFIG, 'netbox_wmf_ops': "
            f"{{**PLUGINS_CONFIG.get('netbox_wmf_ops', {{}}), **{config!r}}}}}\n"
        )

    @property
    def env(self) -> dict[str, str]:
        env = netbox_subprocess_env(self.database)
        env["NETBOX_CONFIGURATION"] = "wmf_faults_configuration"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.tmp_path), env.get("PYTHONPATH", "")]))
        return env

    # ---------------------------------------------------------------------------------------------------- workers

    def start_worker(self) -> subprocess.Popen:
        import django_rq
        from rq import Worker

        redis = django_rq.get_connection("default")
        before = {w.name for w in Worker.all(connection=redis)}
        log = open(self.tmp_path / f"worker-{len(self.workers)}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [netbox_executable(), "rqworker"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the work horse and the scheduler die with it
        )
        self.workers.append(proc)
        wait_for(
            lambda: proc.poll() is not None or {w.name for w in Worker.all(connection=redis)} - before,
            90,
            "the rqworker to register",
        )
        if proc.poll() is not None:
            pytest.fail(f"rqworker exited early:\n{self.worker_logs()}")
        return proc

    def kill_worker(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker, its work horse and its scheduler (nothing gets to clean up). RQ puts the work horse in
        a session of its own, so each descendant's process group is killed too."""
        groups = {os.getpgid(pid) for pid in descendants(proc.pid)} | {proc.pid}
        for group in groups - {os.getpgid(0)}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_workers(self) -> None:
        for proc in self.workers:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def worker_logs(self) -> str:
        return "\n".join(p.read_text()[-20000:] for p in sorted(self.tmp_path.glob("worker-*.log")))

    # ----------------------------------------------------------------------------------------------------- faults

    def admin(self, sql: str, params: list | None = None) -> None:
        """Run SQL from a session on the maintenance database (PostgreSQL will not shut out the current one)."""
        import psycopg
        from django.db import connection

        conf = connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=conf["HOST"],
            port=conf["PORT"],
            user=conf["USER"],
            password=conf["PASSWORD"],
            autocommit=True,
        ) as admin:
            admin.execute(sql, params)

    def allow_connections(self, allow: bool) -> None:
        self.admin(f'ALTER DATABASE "{self.database}" ALLOW_CONNECTIONS {str(allow).lower()}')

    @contextlib.contextmanager
    def connections_refused(self, cut: bool = False) -> Iterator[None]:
        """PostgreSQL refuses new connections to the test database (even a superuser's); with ``cut``, the open
        ones (but this test's own) are terminated too."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            own = cursor.fetchone()[0]
        self.allow_connections(False)
        try:
            if cut:
                self.admin(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> %s",
                    [self.database, own],
                )
            yield
        finally:
            self.allow_connections(True)

    def other_connections(self) -> list[tuple]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name, state, query FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            )
            return cursor.fetchall()

    def check(self, *args: str) -> subprocess.CompletedProcess:
        """`netbox wmf_ops_check_jobs` as Icinga runs it (a process of its own, these settings)."""
        return subprocess.run(
            [netbox_executable(), "wmf_ops_check_jobs", "--skip-checks", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture
def faults(transactional_db, tmp_path, settings):
    """One-minute recurring jobs, a 20 s run timeout, the dump in ``tmp_path/dumps``; the tests' own Redis DB is
    emptied before and after, every worker started is stopped, and PostgreSQL accepts connections again."""
    import django_rq

    redis = django_rq.get_connection("default")
    redis.flushdb()
    config = {
        "dump_root": str(tmp_path / "dumps"),
        "dump_interval": 1,
        "dump_minute": 0,
        "reconcile_interval": 1,
        "recurring_job_timeout": 20,
    }
    helper = Faults(tmp_path, settings, config)
    try:
        yield helper
    finally:
        helper.stop_workers()
        helper.allow_connections(True)
        redis.flushdb()
