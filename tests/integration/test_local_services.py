"""The setup's fallback for machines without PostgreSQL, Redis or MariaDB: `dev/wmfops.py` (dev/tooling/services.py)
starts project-local ones from Debian's packages under its state directory. Here the three are started in a
throw-away state directory on their fallback ports, used, and stopped, exactly as `ensure_services()` does when
5432/6379/3306 do not answer."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pymysql
import pytest

ROOT = Path(__file__).resolve().parents[2]
FALLBACK_PORTS = {"postgres": 15432, "redis": 16379, "mariadb": 13306}

START = """
import json, sys
sys.path.insert(0, "dev")
from tooling import services
print(json.dumps({"postgres": services.start_local_postgres(), "redis": services.start_local_redis(),
                  "mariadb": services.start_local_mariadb()}))
"""
STOP = "import sys; sys.path.insert(0, 'dev'); from tooling import services; services.stop_local_services()"


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wmfops(code: str, state: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WMF_OPS_STATE": str(state)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    logs = {p.name: p.read_text()[-1500:] for p in state.glob("*/*.log")}  # the servers' own logs, for a failure
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n{logs}"
    return done


@pytest.fixture
def state_dir():
    busy = [name for name, port in FALLBACK_PORTS.items() if answers(port)]
    if busy:
        pytest.skip(
            f"project-local {', '.join(busy)} already running on the fallback ports (a `make demo` without services?)"
        )
    # Not under pytest's tmp_path: the services run as the postgres and mysql users, who must traverse the path.
    state = Path(tempfile.mkdtemp(prefix="wmf-ops-local-services-"))
    state.chmod(0o755)
    yield state
    wmfops(STOP, state)
    shutil.rmtree(state, ignore_errors=True)


def test_project_local_postgres_redis_and_mariadb_start_answer_and_stop(state_dir):
    ports = json.loads(wmfops(START, state_dir).stdout.strip().splitlines()[-1])
    assert ports == FALLBACK_PORTS

    import psycopg

    with psycopg.connect(host="127.0.0.1", port=ports["postgres"], user="postgres", dbname="postgres") as pg:
        assert pg.execute("SELECT 1").fetchone() == (1,)
    with socket.create_connection(("127.0.0.1", ports["redis"]), timeout=2) as redis:
        redis.sendall(b"PING\r\n")
        assert redis.recv(16).startswith(b"+PONG")
    maria = pymysql.connect(host="127.0.0.1", port=ports["mariadb"], user="root", password="")
    try:
        with maria.cursor() as cursor:  # what the LibreNMS harness needs: create a commented database
            cursor.execute("CREATE DATABASE wmf_ops_probe COMMENT 'netbox-wmf-ops:test'")
            cursor.execute("SELECT schema_comment FROM information_schema.schemata WHERE schema_name='wmf_ops_probe'")
            assert cursor.fetchone() == ("netbox-wmf-ops:test",)
    finally:
        maria.close()
    assert all((state_dir / name).is_dir() for name in ("postgres", "redis", "mariadb"))

    wmfops(STOP, state_dir)
    assert not any(answers(port) for port in FALLBACK_PORTS.values())
