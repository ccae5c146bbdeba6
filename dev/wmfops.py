#!/usr/bin/env python3
"""Developer tool behind `make demo`, `make stop` and `make test`: services, template databases, instances.

Runs with the project's virtualenv Python (stdlib + psycopg from NetBox's dependencies). Everything it creates lives
in `.state/` or in PostgreSQL databases it marks with a `netbox-wmf-ops:` comment; it never drops a database
without that mark.

    wmfops.py services                 ensure PostgreSQL and Redis answer (local ones, or project-local instances)
    wmfops.py template --scale S       ensure the migrated base template and the demo-fleet template at scale S
    wmfops.py test-prepare             everything the test suite needs; prints the environment for pytest
    wmfops.py demo [--scale S]         a running NetBox with the plugin and demo data on 127.0.0.1:8000
    wmfops.py stop                     stop the demo server and worker (and project-local services)
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("WMF_OPS_STATE", ROOT / ".state"))
VENV = Path(os.environ.get("WMF_OPS_VENV", ROOT / ".venv"))
NETBOX = VENV / "bin" / "netbox"
MARK = "netbox-wmf-ops:"  # prefix of the COMMENT on every database this tool creates
DEFAULT_SEED = 1
TEST_SCALE = 0.05
DEMO_COMMAND = ROOT / "netbox_wmf_ops/management/commands/wmf_ops_demo_data.py"

# Redis databases per use, so the demo, the tests and template builds never see each other's queues.
REDIS_DBS = {"demo": (2, 3), "test": (10, 11), "bench": (12, 13), "build": (14, 15)}


class SetupError(Exception):
    """A condition the operator must fix; printed without a traceback."""


def log(message: str) -> None:
    print(f"wmfops: {message}", flush=True)


# --------------------------------------------------------------------------------------------------------- services


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


# -------------------------------------------------------------------------------------------------------- databases


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


def database_mark(services: Services, name: str) -> str | None:
    """The comment of database `name` ('' when it has none), or None when it does not exist."""
    out = psql(
        services,
        "postgres",
        "SELECT coalesce(shobj_description(oid, 'pg_database'), '') || '|' FROM pg_database "
        f"WHERE datname = {quote_literal(name)}",
    )
    return out[:-1] if out else None


def create_database(services: Services, name: str, mark: str, template: str | None = None) -> None:
    tmpl = f' TEMPLATE "{template}"' if template else ""
    psql(services, "postgres", f'CREATE DATABASE "{name}"{tmpl}')
    set_mark(services, name, mark)


def set_mark(services: Services, name: str, mark: str) -> None:
    psql(services, "postgres", f'COMMENT ON DATABASE "{name}" IS {quote_literal(MARK + mark)}')


def drop_own_database(services: Services, name: str) -> None:
    """Drop `name` only if this tool created it (its comment carries the mark)."""
    mark = database_mark(services, name)
    if mark is None:
        return
    if not mark.startswith(MARK):
        raise SetupError(f"database {name!r} exists but was not created by netbox-wmf-ops; refusing to drop it")
    psql(services, "postgres", f'DROP DATABASE "{name}" WITH (FORCE)')


def netbox_version() -> str:
    out = subprocess.run(
        [str(VENV / "bin" / "python"), "-c", "import importlib.metadata as m; print(m.version('netbox'))"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def tree_hash(*paths: Path) -> str:
    """A short digest of the .py files under the given directories/files (missing ones count as empty)."""
    digest = hashlib.sha256()
    for base in paths:
        files = sorted(p for p in base.rglob("*.py") if "__pycache__" not in p.parts) if base.is_dir() else [base]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def base_template_name() -> str:
    return "wmf_ops_base_nb" + netbox_version().replace(".", "_")


def fleet_template_name(scale: float, seed: int) -> str:
    # Rebuilt whenever the dataset generator, the plugin's migrations or NetBox change.
    package = ROOT / "netbox_wmf_ops"
    key = tree_hash(package / "demo", package / "migrations", DEMO_COMMAND) + netbox_version()
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"wmf_ops_fleet_{digest}_s{str(scale).replace('.', '_')}_r{seed}"


def ensure_template(services: Services, name: str, build) -> None:
    """Build database `name` once: under a temporary name, renamed into place only when complete. A file lock makes
    concurrent callers (two test runs, a demo and a test run) wait for one build instead of racing."""
    if database_mark(services, name) == MARK + "template:complete":
        return
    (STATE / "locks").mkdir(parents=True, exist_ok=True)
    with open(STATE / "locks" / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _build_template_locked(services, name, build)


def _build_template_locked(services: Services, name: str, build) -> None:
    mark = database_mark(services, name)
    if mark == MARK + "template:complete":
        return
    if mark is not None:
        drop_own_database(services, name)
    building = name + "_building"
    drop_own_database(services, building)  # a leftover of an interrupted build
    started = time.monotonic()
    build(building)
    psql(services, "postgres", f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    set_mark(services, name, "template:complete")
    log(f"template {name} built in {time.monotonic() - started:.0f} s")


def build_base_template(services: Services) -> str:
    name = base_template_name()

    def build(building: str) -> None:
        log(f"building {name}: a full `netbox migrate` (several minutes, once per machine and NetBox version)")
        create_database(services, building, "template:building")
        instance = write_instance(services, "build", building, plugins=False)
        netbox(instance, "migrate", "--no-input", "--skip-checks", quiet=True)

    ensure_template(services, name, build)
    return name


def build_fleet_template(services: Services, scale: float, seed: int) -> str:
    base = build_base_template(services)
    name = fleet_template_name(scale, seed)

    def build(building: str) -> None:
        log(f"building {name}: demo dataset at scale {scale}, seed {seed}")
        create_database(services, building, "template:building", template=base)
        instance = write_instance(services, "build", building)
        netbox(instance, "migrate", "--no-input", "--skip-checks", quiet=True)
        if DEMO_COMMAND.exists():
            netbox(instance, "wmf_ops_demo_data", "--skip-checks", "--scale", str(scale), "--seed", str(seed))
        else:  # only while the dataset generator is being written; remove with it
            log("WARNING: no wmf_ops_demo_data command yet: the fleet template holds no demo data")

    ensure_template(services, name, build)
    prune_fleet_templates(services, keep=name)
    return name


def prune_fleet_templates(services: Services, keep: str) -> None:
    """Drop our fleet templates of the same scale and seed built from older dataset code (they are never reused)."""
    suffix = keep.split("_s", 1)[1]
    stale = psql(
        services,
        "postgres",
        "SELECT datname FROM pg_database WHERE datname LIKE 'wmf\\_ops\\_fleet\\_%' "
        f"AND datname <> {quote_literal(keep)} AND shobj_description(oid, 'pg_database') = "
        f"{quote_literal(MARK + 'template:complete')}",
    ).split()
    for name in stale:
        if name.endswith("_s" + suffix):
            try:
                drop_own_database(services, name)
                log(f"dropped the stale template {name}")
            except subprocess.CalledProcessError as exc:  # in use by a concurrent run, or dropped by it already
                log(f"kept the stale template {name} for now: {exc.stderr.strip()}")


# -------------------------------------------------------------------------------------------------------- instances


def secret(name: str, length: int = 50, alphabet: str = string.ascii_letters + string.digits) -> str:
    """A random value generated once and kept in .state/secrets.json."""
    path = STATE / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    if name not in values:
        values[name] = "".join(secrets.choice(alphabet) for _ in range(length))
        write_atomic(path, json.dumps(values, indent=1), mode=0o600)
    return values[name]


def write_atomic(path: Path, content: str, mode: int = 0o644) -> None:
    """Write via a temporary file and rename, so an interrupted run never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content)
    tmp.chmod(mode)
    tmp.replace(path)


def write_instance(
    services: Services,
    kind: str,
    database: str,
    plugins: bool = True,
    test_template: str | None = None,
    plugin_config: dict | None = None,
) -> Path:
    """Write NETBOX_ROOT for one use (demo, test, build). The database and Redis DBs can be overridden through the
    environment (WMF_OPS_DB_NAME, WMF_OPS_REDIS_TASKS_DB, ...) so the tests can point a worker at their test DB."""
    root = STATE / "instances" / kind
    for sub in ("scripts", "reports", "media", "dumps"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    tasks_db, cache_db = REDIS_DBS[kind]
    test_settings = ""
    if test_template:
        test_settings = f"""
DATABASES['default']['TEST'] = {{
    'NAME': os.environ.get('WMF_OPS_TEST_DB_NAME', 'wmf_ops_test'),
    'TEMPLATE': {test_template!r},
}}
"""
    config = f"""# Generated by dev/wmfops.py for the {kind!r} instance; rewritten on every run: edit dev/wmfops.py.
import os

ALLOWED_HOSTS = ['*']
DATABASES = {{
    'default': {{
        'NAME': os.environ.get('WMF_OPS_DB_NAME', {database!r}),
        'USER': {services.pg_user!r},
        'PASSWORD': os.environ.get('WMF_OPS_PG_PASSWORD', ''),
        'HOST': {services.pg_host!r},
        'PORT': {services.pg_port},
        'CONN_MAX_AGE': 300,
    }}
}}
{test_settings}
REDIS = {{
    'tasks': {{'HOST': {services.redis_host!r}, 'PORT': {services.redis_port}, 'SSL': False,
              'DATABASE': int(os.environ.get('WMF_OPS_REDIS_TASKS_DB', {tasks_db}))}},
    'caching': {{'HOST': {services.redis_host!r}, 'PORT': {services.redis_port}, 'SSL': False,
                'DATABASE': int(os.environ.get('WMF_OPS_REDIS_CACHE_DB', {cache_db}))}},
}}
SECRET_KEY = {secret("secret_key", 60)!r}
API_TOKEN_PEPPERS = {{1: {secret("token_pepper", 64)!r}}}
PLUGINS = {["netbox_wmf_ops"] if plugins else []!r}
PLUGINS_CONFIG = {{'netbox_wmf_ops': {{'dump_root': {str(root / "dumps")!r}, **{plugin_config or {}!r}}}}}
SCRIPTS_ROOT = {str(root / "scripts")!r}
REPORTS_ROOT = {str(root / "reports")!r}
MEDIA_ROOT = {str(root / "media")!r}
TIME_ZONE = 'UTC'
"""
    write_atomic(root / "conf" / "configuration.py", config)
    return root


def instance_env(instance: Path) -> dict[str, str]:
    env = {**os.environ, "NETBOX_ROOT": str(instance), "PYTHONPATH": str(ROOT)}
    env.pop("NETBOX_CONFIGURATION", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def netbox(instance: Path, *args: str, quiet: bool = False, capture: bool = False) -> str:
    result = subprocess.run(
        [str(NETBOX), *args],
        env=instance_env(instance),
        cwd=str(STATE),
        text=True,
        stdout=subprocess.PIPE if (quiet or capture) else None,
        stderr=subprocess.STDOUT if quiet else None,
    )
    if result.returncode != 0:
        if quiet and result.stdout:
            print(result.stdout[-4000:], file=sys.stderr)
        raise SetupError(f"`netbox {' '.join(args)}` failed (exit {result.returncode})")
    return result.stdout or ""


# ------------------------------------------------------------------------------------------------------------- demo

DEMO_DB = "wmf_ops_demo"
DEMO_PORT = 8000
RUN = STATE / "run"


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def kill_pidfile(pidfile: Path) -> None:
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        pidfile.unlink(missing_ok=True)
        return
    if pid_alive(pid):
        try:
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not pid_alive(pid):
                break
            time.sleep(0.1)
    pidfile.unlink(missing_ok=True)


def stop_demo_processes() -> None:
    for name in ("web", "worker", "ganeti", "sources"):
        kill_pidfile(RUN / f"{name}.pid")


def start_background(
    name: str, instance: Path, *args: str, command: list[str] | None = None, env: dict[str, str] | None = None
) -> None:
    RUN.mkdir(parents=True, exist_ok=True)
    with open(RUN / f"{name}.log", "ab") as logfile:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [*(command or [str(NETBOX)]), *args],
            env={**instance_env(instance), **(env or {})},
            cwd=str(STATE),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (RUN / f"{name}.pid").write_text(str(proc.pid))


def wait_http(url: str, seconds: int, logfile: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(1)
    raise SetupError(f"{url} did not answer within {seconds} s; see {logfile}")


def demo(scale: float, seed: int) -> None:
    services = ensure_services()
    stop_demo_processes()  # our own server from an earlier run; anything else on the port is an error below
    if port_answers("127.0.0.1", DEMO_PORT):
        raise SetupError(f"port {DEMO_PORT} on 127.0.0.1 is taken by another program; stop it and run again")
    mark = database_mark(services, DEMO_DB)
    if mark is None:
        fleet = build_fleet_template(services, scale, seed)
        log(f"creating {DEMO_DB} from {fleet}")
        create_database(services, DEMO_DB, demo_mark(scale, seed), template=fleet)
    elif not mark.startswith(MARK):
        raise SetupError(f"database {DEMO_DB!r} exists but was not created by netbox-wmf-ops; refusing to use it")
    else:
        made = demo_fleet_of(mark) or (scale, seed)
        log(f"keeping the existing {DEMO_DB} (`make demo-reset` rebuilds it from the template)")
        if made != (scale, seed):
            # The fake sources must describe the fleet in the database, or every report would flag bogus defects.
            log(
                f"{DEMO_DB} holds the fleet of scale {made[0]}, seed {made[1]}: serving its sources, not {scale}/{seed}"
            )
            scale, seed = made
    ganeti = start_fake_ganeti(scale, seed)
    profiles = ganeti["ganeti_profiles"]
    exports = write_demo_exports(scale, seed, STATE / "instances" / "demo" / "external")
    sources = start_demo_sources(services, scale, seed)
    dns = ensure_demo_dns_repository(STATE / "instances" / "demo")
    plugin_config = {**ganeti, **exports, **sources, **dns}
    instance = write_instance(services, "demo", DEMO_DB, plugin_config=plugin_config)
    netbox(instance, "migrate", "--no-input", "--skip-checks", quiet=True)
    password, token = secret("admin_password", 20), secret("admin_token", 40)
    netbox(instance, "shell", "-c", ENSURE_ADMIN.format(password=password, token=token), quiet=True)
    netbox(instance, "collectstatic", "--no-input", "--skip-checks", quiet=True)
    start_background("web", instance, *gunicorn_args(DEMO_PORT), command=[str(VENV / "bin" / "gunicorn")])
    start_background("worker", instance, "rqworker")
    wait_http(f"http://127.0.0.1:{DEMO_PORT}/login/", 120, RUN / "web.log")
    token_key = netbox(instance, "shell", "-c", PRINT_TOKEN_KEY, capture=True).strip().splitlines()[-1]
    ganeti_demo = sorted(profiles)[0]
    sync = subprocess.run(
        [str(NETBOX), "wmf_ops_ganeti_sync", "--profile", ganeti_demo, "--skip-checks"],
        env=instance_env(instance),
        cwd=str(STATE),
        capture_output=True,
        text=True,
    )
    ganeti_summary = (sync.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"""
NetBox with netbox-wmf-ops is running:
  URL:        http://127.0.0.1:{DEMO_PORT}/
  user:       admin
  password:   {password}
  API token:  Authorization: Bearer nbt_{token_key}.{token}
  NETBOX_ROOT={instance}   (logs: {RUN}/web.log, {RUN}/worker.log)
  Ganeti:     fake RAPI servers for profiles {", ".join(sorted(profiles))} serve the fleet's clusters; a dry run of
              `netbox wmf_ops_ganeti_sync --profile {ganeti_demo}` says: {ganeti_summary}
  DNS:        snippets publish to the git repository {dns["dns_repository_path"]}
              (Other → Scripts → wmf_ops_dns, or `netbox wmf_ops_dns`; docs/dns.md)
  Reports:    Accounting and Juniper installed base read the fleet's exports in
              {Path(exports["accounting_export_file"]).parent}; PuppetDB reads a /v1/facts service at
              {sources["puppetdb_url"]} and LibreNMS the MariaDB database {sources["librenms_db"]["database"]}
              (the fleet's view; seeded defects: docs/demo-data.md)
Stop it with: make stop
""")


def gunicorn_args(port: int, workers: int = 2) -> list[str]:
    """Serve an instance as production does (docs/deployment.md): gunicorn running NetBox's WSGI application, with the
    collected static files on /static/ (dev/demo_wsgi.py stands in for the web server's alias)."""
    return [
        "dev.demo_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--timeout",
        "300",  # the script proxy and long reports answer within a request
        "--no-control-socket",  # its default path is one per HOME, shared by every gunicorn of the user
    ]


def ensure_demo_dns_repository(instance: Path) -> dict:
    """A bare git repository the demo's DNS generator publishes to (kept across runs, so its history grows as the
    operator publishes); returns the settings that use it."""
    repository = instance / "dns-snippets.git"
    if not (repository / "HEAD").exists():
        subprocess.run(["git", "init", "--quiet", "--bare", "--initial-branch=main", str(repository)], check=True)
    (instance / "dns-work").mkdir(parents=True, exist_ok=True)
    return {
        "dns_repository_path": str(repository),
        "dns_work_dir": str(instance / "dns-work"),
        "dns_icinga_state_file": str(instance / "dns-icinga-state.json"),
    }


def write_demo_exports(scale: float, seed: int, directory: Path) -> dict:
    """The fleet's Accounting workbook and Juniper installed base as files; returns the settings that use them."""
    command = [str(VENV / "bin" / "python"), "-m", "netbox_wmf_ops.demo.exports", "--scale", str(scale)]
    result = subprocess.run(
        [*command, "--seed", str(seed), "--dir", str(directory)],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SetupError(f"writing the demo exports failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def demo_mark(scale: float, seed: int) -> str:
    """The comment of the demo database: which fleet it was cloned from (read back by ``demo_fleet_of``)."""
    return f"demo:scale={scale}:seed={seed}"


def demo_fleet_of(mark: str) -> tuple[float, int] | None:
    """(scale, seed) of the fleet a demo database was made from, from its comment; None when it does not say."""
    fields = dict(part.split("=", 1) for part in mark.removeprefix(MARK).split(":")[1:] if "=" in part)
    try:
        return float(fields["scale"]), int(fields["seed"])
    except (KeyError, ValueError):
        return None


def start_demo_sources(services: Services, scale: float, seed: int) -> dict:
    """The fleet's PuppetDB facts served over /v1/facts and its LibreNMS database (dev/demo_sources.py); returns
    the settings that use them."""
    script = str(ROOT / "dev" / "demo_sources.py")
    return start_fake_service("sources", [script, *fleet_args(scale, seed)], services.env())


def start_fake_ganeti(scale: float, seed: int) -> dict:
    """Fake Ganeti RAPI servers serving the demo fleet's clusters (one per sync profile); returns `ganeti_profiles`."""
    return {
        "ganeti_profiles": start_fake_service(
            "ganeti", ["-m", "netbox_wmf_ops.ganeti.demo_rapi", *fleet_args(scale, seed)]
        )
    }


def fleet_args(scale: float, seed: int) -> list[str]:
    return ["--scale", str(scale), "--seed", str(seed)]


def start_fake_service(name: str, args: list[str], env: dict[str, str] | None = None) -> dict:
    """Start `python <args> --settings-file F` in the background and return the JSON it writes to F once it serves
    (it writes the file whole, through a rename); an error when the process dies or takes more than a minute."""
    settings_file = RUN / f"{name}.json"
    settings_file.unlink(missing_ok=True)
    start_background(
        name, STATE, *args, "--settings-file", str(settings_file), command=[str(VENV / "bin" / "python")], env=env
    )
    pid = int((RUN / f"{name}.pid").read_text())
    wait_until(lambda: settings_file.exists() or not pid_alive(pid), 60, f"{name} did not start; see {RUN}/{name}.log")
    if not settings_file.exists():
        raise SetupError(f"{name} stopped before serving; see {RUN / f'{name}.log'}")
    return json.loads(settings_file.read_text())


ENSURE_ADMIN = """
from users.models import Token, User
user = User.objects.filter(username='admin').first() or User(username='admin', email='admin@example.com')
user.is_superuser = user.is_active = True
user.set_password('{password}')
user.save()
if not Token.objects.filter(user=user, description='wmf-ops demo').exists():
    token = Token(user=user, description='wmf-ops demo', token='{token}')
    token.full_clean()
    token.save()
"""
PRINT_TOKEN_KEY = "from users.models import Token; print(Token.objects.get(description='wmf-ops demo').key)"


def demo_reset() -> None:
    services = ensure_services()
    stop_demo_processes()
    drop_own_database(services, DEMO_DB)
    log(f"dropped {DEMO_DB}")


# ------------------------------------------------------------------------------------------------------------ tests


BROWSER = ("/usr/bin/chromium", "/usr/bin/chromedriver")


def ensure_browser() -> None:
    """Debian's chromium and chromedriver for the end-to-end tests (never a browser download of a test tool's own)."""
    if not all(Path(p).exists() for p in BROWSER):
        apt_install("chromium", "chromium-driver")


def test_prepare() -> None:
    """Services, templates and the test instance; writes .state/test.env for the Makefile to source."""
    ensure_browser()
    services = ensure_services()
    test_db = os.environ.get("WMF_OPS_TEST_DB_NAME", "wmf_ops_test")
    mark = database_mark(services, test_db)
    if mark is not None and not mark.startswith(MARK) and mark != "":
        raise SetupError(f"database {test_db!r} exists and is not ours; set WMF_OPS_TEST_DB_NAME to another name")
    if mark == "":
        raise SetupError(f"database {test_db!r} exists without our mark; drop it yourself or set WMF_OPS_TEST_DB_NAME")
    fleet = build_fleet_template(services, TEST_SCALE, DEFAULT_SEED)
    instance = write_instance(services, "test", fleet, test_template=fleet)
    netbox(instance, "collectstatic", "--no-input", "--skip-checks", quiet=True)  # the e2e tests serve them
    env = {
        **services.env(),
        "NETBOX_ROOT": str(instance),
        "WMF_OPS_TEST_DB_NAME": test_db,
        "WMF_OPS_FLEET_TEMPLATE": fleet,
    }
    write_atomic(STATE / "test.env", "".join(f"export {k}={v}\n" for k, v in env.items()))


def bench_prepare(scale: float, seed: int, database: str) -> None:
    """A fresh benchmark database `database` cloned from the fleet template at `scale`; writes .state/bench.env.
    Each `make bench` uses its own database (dropped by `bench-drop`), so two runs never disturb each other."""
    services = ensure_services()
    fleet = build_fleet_template(services, scale, seed)
    drop_own_database(services, database)
    create_database(services, database, "bench", template=fleet)
    instance = write_instance(services, "bench", database)
    env = {**instance_env(instance), "WMF_OPS_DB_NAME": database}
    result = subprocess.run(
        [str(NETBOX), "migrate", "--no-input", "--skip-checks"], env=env, cwd=str(STATE), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SetupError(f"`netbox migrate` on {database} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    env = {**services.env(), "NETBOX_ROOT": str(instance), "WMF_OPS_BENCH_SCALE": str(scale)}
    write_atomic(STATE / "bench.env", "".join(f"export {k}={v}\n" for k, v in env.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("services")
    tmpl = sub.add_parser("template")
    tmpl.add_argument("--scale", type=float, default=TEST_SCALE)
    tmpl.add_argument("--seed", type=int, default=DEFAULT_SEED)
    sub.add_parser("test-prepare")
    demo_parser = sub.add_parser("demo")
    demo_parser.add_argument("--scale", type=float, default=1.0)
    demo_parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    sub.add_parser("demo-reset")
    bench_parser = sub.add_parser("bench-prepare")
    bench_parser.add_argument("--scale", type=float, default=1.0)
    bench_parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    bench_parser.add_argument("--db", default="wmf_ops_bench")
    sub.add_parser("bench-drop").add_argument("--db", required=True)
    sub.add_parser("stop")
    args = parser.parse_args()
    try:
        if args.command == "services":
            ensure_services()
        elif args.command == "template":
            print(build_fleet_template(ensure_services(), args.scale, args.seed))
        elif args.command == "test-prepare":
            test_prepare()
        elif args.command == "demo":
            demo(args.scale, args.seed)
        elif args.command == "bench-prepare":
            bench_prepare(args.scale, args.seed, args.db)
        elif args.command == "bench-drop":
            drop_own_database(ensure_services(), args.db)
        elif args.command == "demo-reset":
            demo_reset()
        elif args.command == "stop":
            stop_demo_processes()
            stop_local_services()
            log("stopped")
    except SetupError as exc:
        print(f"wmfops: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
