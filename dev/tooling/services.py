"""PostgreSQL, Redis and MariaDB: the ones on 127.0.0.1 when they answer, else project-local ones from Debian's
packages under .state/ (installed when missing)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .common import STATE, SetupError, kill_pidfile, log, write_atomic


@dataclass
class Services:
    pg_host: str
    pg_port: int
    pg_user: str
    redis_host: str
    redis_port: int
    mariadb_port: int  # LibreNMS's database engine, for the LibreNMS report's tests; on 127.0.0.1, user root

    def env(self) -> dict[str, str]:
        return {
            "WMF_OPS_PG_HOST": self.pg_host,
            "WMF_OPS_PG_PORT": str(self.pg_port),
            "WMF_OPS_PG_USER": self.pg_user,
            "WMF_OPS_REDIS_HOST": self.redis_host,
            "WMF_OPS_REDIS_PORT": str(self.redis_port),
            "WMF_OPS_MARIADB_HOST": "127.0.0.1",
            "WMF_OPS_MARIADB_PORT": str(self.mariadb_port),
        }


def port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def ensure_services() -> Services:
    """Use PostgreSQL/Redis/MariaDB on 127.0.0.1 when they answer; otherwise start project-local ones in .state/."""
    host = "127.0.0.1"
    pg_port = int(os.environ.get("WMF_OPS_PG_PORT", 5432))
    pg_user = os.environ.get("WMF_OPS_PG_USER", "postgres")
    if not port_answers(host, pg_port):
        log(f"no PostgreSQL on {host}:{pg_port}; starting a project-local one")
        pg_port = start_local_postgres()
    redis_port = int(os.environ.get("WMF_OPS_REDIS_PORT", 6379))
    if not redis_answers(host, redis_port):
        log(f"no Redis on {host}:{redis_port}; starting a project-local one")
        redis_port = start_local_redis()
    mariadb_port = int(os.environ.get("WMF_OPS_MARIADB_PORT", 3306))
    if not port_answers(host, mariadb_port):
        log(f"no MariaDB on {host}:{mariadb_port}; starting a project-local one")
        mariadb_port = start_local_mariadb()
    services = Services(host, pg_port, pg_user, host, redis_port, mariadb_port)
    check_postgres(services)
    STATE.mkdir(parents=True, exist_ok=True)
    write_atomic(STATE / "services.env", "".join(f"export {k}={v}\n" for k, v in services.env().items()))
    return services


def redis_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def check_postgres(services: Services) -> None:
    try:
        psql(services, "postgres", "SELECT 1")
    except subprocess.CalledProcessError as exc:
        raise SetupError(
            f"PostgreSQL on {services.pg_host}:{services.pg_port} refused user {services.pg_user!r}: "
            f"{exc.stderr.strip()}\nSet WMF_OPS_PG_USER to a role that may create databases (trust or .pgpass auth)."
        ) from None


def apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        raise SetupError(f"missing Debian packages {packages}; install them: sudo apt-get install {' '.join(packages)}")
    log(f"installing Debian packages: {' '.join(packages)}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


def postgres_bindir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        apt_install("postgresql")
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SetupError("PostgreSQL server binaries not found after installing the postgresql package")
    return found[-1].parent


def as_postgres_user(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; run its tools as the 'postgres' system user the package creates.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


# The project-local services listen below Linux's ephemeral port range (32768-60999), where a client connection's
# local port could occupy theirs and make the start fail.
def start_local_postgres() -> int:
    port = 15432
    if port_answers("127.0.0.1", port):
        return port
    bindir = postgres_bindir()
    data, run = STATE / "postgres" / "data", STATE / "postgres" / "run"
    run.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(STATE / "postgres", "postgres")
        shutil.chown(run, "postgres")
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            as_postgres_user([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run(
        as_postgres_user(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(STATE / "postgres" / "server.log"),
                "-w",
                "start",
                "-o",
                f"-p {port} -k {run} -c listen_addresses=127.0.0.1",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return port


def start_local_redis() -> int:
    port = 16379
    if redis_answers("127.0.0.1", port):
        return port
    server = shutil.which("redis-server")
    if not server:
        apt_install("redis-server")
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
    directory = STATE / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
            "--pidfile",
            str(directory / "redis.pid"),
            "--logfile",
            str(directory / "redis.log"),
        ],
        check=True,
    )
    wait_until(lambda: redis_answers("127.0.0.1", port), 5, f"project-local Redis did not start; see {directory}")
    return port


def start_local_mariadb() -> int:
    """MariaDB from Debian's mariadb-server, data under .state/mariadb, root without password on 127.0.0.1."""
    port = 13306
    if port_answers("127.0.0.1", port):
        return port
    server, install_db = Path("/usr/sbin/mariadbd"), Path("/usr/bin/mariadb-install-db")
    if not (server.exists() and install_db.exists()):
        apt_install("mariadb-server")
    base = STATE / "mariadb"
    data, run = base / "data", base / "run"
    run.mkdir(parents=True, exist_ok=True)
    user = ["--user=mysql"] if os.geteuid() == 0 else []  # mariadbd refuses to run as root
    if os.geteuid() == 0:
        for path in (base, run):
            shutil.chown(path, "mysql")
    if not (data / "mysql").exists():
        subprocess.run(
            [str(install_db), f"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db", *user],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    options = [f"--datadir={data}", f"--port={port}", "--bind-address=127.0.0.1", f"--socket={run}/mysqld.sock"]
    subprocess.Popen(
        [str(server), *options, f"--pid-file={run}/mariadb.pid", f"--log-error={base}/server.log", *user],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_until(lambda: port_answers("127.0.0.1", port), 30, f"project-local MariaDB did not start; see {base}")
    return port


def wait_until(ready, seconds: float, failure: str) -> None:
    """Poll ``ready()`` every 0.1 s; SetupError(failure) when it is still false after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise SetupError(failure)
        time.sleep(0.1)


def stop_local_services() -> None:
    data = STATE / "postgres" / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            as_postgres_user([str(postgres_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), check=False
        )
    for pidfile in (STATE / "redis" / "redis.pid", STATE / "mariadb" / "run" / "mariadb.pid"):
        if pidfile.exists():
            kill_pidfile(pidfile)


def psql(services: Services, database: str, sql: str) -> str:
    result = subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            services.pg_host,
            "-p",
            str(services.pg_port),
            "-U",
            services.pg_user,
            "-d",
            database,
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
