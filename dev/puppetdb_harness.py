"""Real PuppetDB (Debian's ``puppetdb`` package) and a served ``/v1/facts`` fixture, for tests and the demo.

Used from the test setup::

    from dev.puppetdb_harness import PuppetDBServer, MicroserviceFixture, load_fixture

    with PuppetDBServer() as pdb:                    # installs the package when missing, starts it, waits
        certname, facts = load_fixture("single_nic", host="db1201")
        pdb.replace_facts(certname, facts)           # command API, "replace facts" v5, waits for completion
        ...  pdb.url → http://127.0.0.1:<port>      (query API v4 under /pdb/query/v4)

    with MicroserviceFixture({certname: facts}) as ms:   # WMF's /v1/facts contract (docs/behaviour-reference.md §6.6)
        ...  ms.url

From a shell (the demo): ``python dev/puppetdb_harness.py serve [--fixtures]`` runs PuppetDB in the foreground, loads
every fixture of tests/fixtures/puppetdb/ when asked, and prints its URL; Ctrl-C stops it.

PuppetDB gets its own PostgreSQL database (default ``wmf_ops_puppetdb``, marked with a ``netbox-wmf-ops:`` COMMENT so
the tooling may drop it; an existing database without that mark is never touched), its own configuration and state
under ``.state/puppetdb/``, and listens on 127.0.0.1 only, plain HTTP, on a free port. No system service is started.
This module imports nothing from Django.
"""

from __future__ import annotations

import argparse
import collections
import copy
import datetime
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, unquote, urlsplit
from urllib.request import Request, urlopen

from dev.harness_support import free_port, install_debian_packages

# The client's allow-list: the fixture serves exactly the facts the real microservice serves.
from netbox_wmf_ops.puppetdb.client import MICROSERVICE_FACTS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES_DIR = ROOT / "tests" / "fixtures" / "puppetdb"
STATE_DIR = ROOT / ".state" / "puppetdb"
PUPPETDB_JAR = Path("/usr/share/puppetdb/puppetdb.jar")
BOOTSTRAP_CFG = Path("/etc/puppetdb/bootstrap.cfg")
DB_MARK = "netbox-wmf-ops:puppetdb"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
# Small heap, serial GC and the C1 compiler only: it starts faster and lighter on a 2-core machine.
JAVA_ARGS = ["-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.security.egd=file:/dev/urandom"]


# --------------------------------------------------------------------------------------------------------------------
# Fact fixtures
# --------------------------------------------------------------------------------------------------------------------


def fixture_names() -> list[str]:
    return sorted(p.stem for p in FIXTURES_DIR.glob("*.json"))


def load_fixture(name: str, host: str | None = None) -> tuple[str, dict[str, Any]]:
    """``(certname, facts)`` of ``tests/fixtures/puppetdb/<name>.json``; ``host`` renames the node (certname,
    networking.hostname/fqdn and LLDP descriptions), so tests can use names that do not clash with the demo fleet."""
    data = json.loads((FIXTURES_DIR / f"{name}.json").read_text())
    certname, facts = data["certname"], copy.deepcopy(data["facts"])
    if host is None:
        return certname, facts
    old_host, _, domain = certname.partition(".")
    new_certname = f"{host}.{domain}" if domain else host
    networking = facts.get("networking")
    if isinstance(networking, dict):
        if "hostname" in networking:
            networking["hostname"] = host
        if "fqdn" in networking:
            networking["fqdn"] = new_certname
    lldp = facts.get("lldp")
    if isinstance(lldp, dict):
        for entry in lldp.values():
            if isinstance(entry, dict) and isinstance(entry.get("descr"), str):
                entry["descr"] = entry["descr"].replace(old_host, host)
    return new_certname, facts


# --------------------------------------------------------------------------------------------------------------------
# Debian's puppetdb
# --------------------------------------------------------------------------------------------------------------------


class HarnessError(RuntimeError):
    pass


POOL_SIZE = 3  # connections per PuppetDB pool (write and read)


def is_installed() -> bool:
    return PUPPETDB_JAR.exists() and shutil.which("java") is not None


def ensure_installed() -> None:
    """Install Debian's ``puppetdb`` when missing, without its dbconfig step (it would create a database of its own
    in the local PostgreSQL) and without starting the system service."""
    install_debian_packages(
        ("puppetdb",),
        installed=is_installed,
        error=HarnessError,
        what="puppetdb",
        debconf="puppetdb puppetdb/dbconfig-install boolean false\n",
    )


def _pg_connect(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(dbname=dbname, autocommit=True, **PG)


def prepare_database(name: str, fresh: bool = False) -> None:
    """Create PuppetDB's database (marked as ours), or reuse/recreate a database that carries our mark."""
    with _pg_connect() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if row is not None and not (row[0] or "").startswith("netbox-wmf-ops:"):
            raise HarnessError(f"database {name} exists and is not marked as ours; refusing to use it")
        if row is not None and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            row = None
        if row is None:
            conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{DB_MARK}'")
    with _pg_connect(name) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def drop_database(name: str) -> None:
    with _pg_connect() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if row is not None and (row[0] or "").startswith("netbox-wmf-ops:"):
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


class PuppetDBServer:
    """One PuppetDB process on 127.0.0.1 with its own database and config. ``start()`` blocks until it answers."""

    def __init__(
        self,
        database: str = "wmf_ops_puppetdb",
        port: int | None = None,
        state_dir: Path | None = None,
        fresh_database: bool = False,
        start_timeout: float = 300.0,
    ) -> None:
        self.database = database
        self.port = port or free_port()
        self.state_dir = Path(state_dir or STATE_DIR / database)
        self.fresh_database = fresh_database
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.start_seconds: float | None = None

    @classmethod
    def running_at(cls, url: str) -> PuppetDBServer:
        """An already running PuppetDB (e.g. ``serve`` in another shell): commands work, start/stop do nothing."""
        server = cls(port=urlsplit(url).port or 8080)
        server.external_url = url.rstrip("/")
        return server

    external_url: str | None = None

    @property
    def url(self) -> str:
        return self.external_url or f"http://127.0.0.1:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.state_dir / "puppetdb.log"

    def _write_config(self) -> Path:
        conf = self.state_dir / "conf.d"
        vardir = self.state_dir / "var"
        conf.mkdir(parents=True, exist_ok=True)
        vardir.mkdir(parents=True, exist_ok=True)
        (self.state_dir / "logback.xml").write_text(
            "<configuration>\n"
            '  <appender name="F" class="ch.qos.logback.core.FileAppender">\n'
            f"    <file>{self.log_file}</file>\n"
            "    <encoder><pattern>%d %-5p [%c{2}] %m%n</pattern></encoder>\n"
            "  </appender>\n"
            '  <root level="warn"><appender-ref ref="F"/></root>\n'
            "</configuration>\n"
        )
        (conf / "config.ini").write_text(
            f"[global]\nvardir = {vardir}\nlogging-config = {self.state_dir / 'logback.xml'}\n\n"
            "[command-processing]\nthreads = 1\n"
        )
        (conf / "database.ini").write_text(
            f"[database]\nsubname = //{PG['host']}:{PG['port']}/{self.database}\n"
            f"username = {PG['user']}\npassword = unused\n"
            # The PostgreSQL server is shared (100 connections): PuppetDB's default pools hold 25 writers and 25
            # readers. A few are plenty for tests and the demo; idle ones close after a minute.
            f"maximum-pool-size = {POOL_SIZE}\nconn-max-age = 1\n"
            f"\n[read-database]\nsubname = //{PG['host']}:{PG['port']}/{self.database}\n"
            f"username = {PG['user']}\npassword = unused\nmaximum-pool-size = {POOL_SIZE}\nconn-max-age = 1\n"
        )
        (conf / "jetty.ini").write_text(f"[jetty]\nhost = 127.0.0.1\nport = {self.port}\n")
        auth = Path("/etc/puppetdb/conf.d/auth.conf")
        if auth.exists():
            shutil.copy(auth, conf / "auth.conf")
        return conf

    def start(self) -> PuppetDBServer:
        if self.external_url:
            return self
        ensure_installed()
        prepare_database(self.database, fresh=self.fresh_database)
        conf = self._write_config()
        self.log_file.write_text("")
        started = time.monotonic()
        command = [
            "java",
            *JAVA_ARGS,
            "-cp",
            str(PUPPETDB_JAR),
            "clojure.main",
            "-m",
            "puppetlabs.puppetdb.core",
            "services",
            "--config",
            str(conf),
            "--bootstrap-config",
            str(BOOTSTRAP_CFG),
        ]
        with open(self.state_dir / "stdout.log", "w") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent
            )
        (self.state_dir / "pid").write_text(str(self.process.pid))
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, started: float) -> None:
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise HarnessError(f"puppetdb exited with {self.process.returncode}; see {self.log_file}")
            try:
                with urlopen(f"{self.url}/status/v1/services/puppetdb-status", timeout=2) as response:
                    if json.load(response).get("state") == "running":
                        return
            except (URLError, OSError, ValueError):
                pass
            if time.monotonic() - started > self.start_timeout:
                raise HarnessError(f"puppetdb did not answer within {self.start_timeout:.0f} s; see {self.log_file}")
            time.sleep(1)

    def rss_mib(self) -> float | None:
        if self.process is None:
            return None
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> PuppetDBServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- command API ------------------------------------------------------------------------------------------------
    def command(self, command: str, version: int, certname: str, payload: Mapping[str, Any]) -> None:
        """Submit a command and wait until PuppetDB has processed it."""
        query = f"command={quote(command)}&version={version}&certname={quote(certname)}&secondsToWaitForCompletion=30"
        request = Request(
            f"{self.url}/pdb/cmd/v1?{query}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urlopen(request, timeout=60) as response:
                body = json.load(response)
        except HTTPError as exc:
            raise HarnessError(f"{command} for {certname} failed: {exc.code} {exc.read()[:300]!r}") from None
        if body.get("timed_out"):
            raise HarnessError(f"{command} for {certname} was not processed within 30 s")

    def replace_facts(self, certname: str, facts: Mapping[str, Any], environment: str = "production") -> None:
        self.command(
            "replace facts",
            5,
            certname,
            {
                "certname": certname,
                "environment": environment,
                "producer_timestamp": _now(),
                "producer": "netbox-wmf-ops-tests",
                "values": facts,
            },
        )

    def deactivate(self, certname: str) -> None:
        self.command("deactivate node", 3, certname, {"certname": certname, "producer_timestamp": _now()})

    def load_fixtures(self, names: list[str] | None = None) -> list[str]:
        loaded = []
        for name in names or fixture_names():
            certname, facts = load_fixture(name)
            self.replace_facts(certname, facts)
            loaded.append(certname)
        return loaded


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the process that started PuppetDB dies (a killed test run must not leave a
    JVM behind). Linux only; elsewhere the caller's stop() is the only way."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --------------------------------------------------------------------------------------------------------------------
# The /v1/facts microservice contract (docs/behaviour-reference.md §6.6), served from memory
# --------------------------------------------------------------------------------------------------------------------


class MicroserviceFixture:
    """WMF's PuppetDB microservice wire format over an in-memory ``{certname: {fact: value}}``:

    * ``GET /v1/facts/{fact}`` → ``{short_name: value}`` (nodes without that fact are left out);
    * ``GET /v1/facts/{fact}/{short_name}`` → the value, 404 unless exactly one certname matches ``^{short}\\.``
      (or equals it);
    * a fact outside the allow-list → 403; ``"Not Specified"`` → null. Double slashes in the path are tolerated.
    """

    def __init__(self, nodes: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.nodes: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (nodes or {}).items()}
        self.requests: collections.deque[str] = collections.deque(maxlen=10_000)  # recent paths; the demo runs for days
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add(self, certname: str, facts: Mapping[str, Any]) -> None:
        self.nodes[certname] = dict(facts)

    def start(self) -> MicroserviceFixture:
        fixture = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fixture.requests.append(self.path)
                status, body = fixture.answer(self.path)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def answer(self, path: str) -> tuple[int, Any]:
        parts = [unquote(p) for p in urlsplit(path).path.split("/") if p]
        if len(parts) < 3 or parts[:2] != ["v1", "facts"] or len(parts) > 4:
            return 404, {"error": "not found"}
        fact = parts[2]
        if fact not in MICROSERVICE_FACTS:
            return 403, {"error": f"fact {fact} is not allowed"}
        if len(parts) == 3:
            return 200, {
                cert.split(".", 1)[0]: _not_specified(facts[fact])
                for cert, facts in self.nodes.items()
                if fact in facts
            }
        short = parts[3]
        matches = [c for c in self.nodes if c == short or c.startswith(f"{short}.")]
        if len(matches) != 1 or fact not in self.nodes[matches[0]]:
            return 404, {"error": f"no single node for {short}"}
        return 200, _not_specified(self.nodes[matches[0]][fact])

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> MicroserviceFixture:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _not_specified(value: Any) -> Any:
    return None if value == "Not Specified" else value


# --------------------------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run PuppetDB in the foreground")
    serve.add_argument("--database", default="wmf_ops_puppetdb")
    serve.add_argument("--port", type=int)
    serve.add_argument("--fixtures", action="store_true", help="load every fact fixture once it answers")
    micro = sub.add_parser("serve-microservice", help="serve the fact fixtures in the /v1/facts format")
    micro.add_argument("--port", type=int, default=0)
    sub.add_parser("install", help="install Debian's puppetdb when missing")
    args = parser.parse_args(argv)

    if args.command == "install":
        ensure_installed()
        return 0
    if args.command == "serve-microservice":
        fixture = MicroserviceFixture(dict(load_fixture(n) for n in fixture_names())).start()
        print(f"serving the /v1/facts fixture at {fixture.url}", flush=True)
        _wait_forever()
        fixture.stop()
        return 0
    server = PuppetDBServer(database=args.database, port=args.port)
    server.start()
    print(f"PuppetDB {server.url} ready in {server.start_seconds:.1f} s, RSS {server.rss_mib():.0f} MiB", flush=True)
    try:
        if args.fixtures:
            print("loaded: " + ", ".join(server.load_fixtures()), flush=True)
        _wait_forever()
    finally:
        server.stop()
    return 0


def _wait_forever() -> None:
    # `kill <pid>` (SIGTERM) stops as cleanly as Ctrl-C; background jobs of a script ignore SIGINT.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
