"""A real single-node OpenStack Swift (Debian's packages) for the storage recipe's tests (docs/deployment.md, recipe 2).

    with SwiftServer() as swift:       # installs the packages when missing, builds the rings, starts, waits
        swift.auth_url                 # http://127.0.0.1:<port>/auth/v1.0  (tempauth)
        swift.user, swift.key          # "netbox:prod" and its key, an .admin of the account
        swift.connection()             # a swiftclient.Connection, to create containers and look inside them

The proxy, account, container and object servers and the memcached that tempauth keeps its tokens in listen on
127.0.0.1 only, on free ports, run in the foreground of child processes (never as system services) and keep their
configuration, rings and a directory-backed device (``mount_check = false``; the filesystem must support extended
attributes) under ``.state/swift/<name>/``, rebuilt on every start. One replica, no background daemons: what
a PUT, GET, HEAD, DELETE, a container listing and a temporary URL need. This module imports nothing from Django.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from dev.harness_support import free_port, install_debian_packages

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".state" / "swift"
PACKAGES = ("swift", "swift-proxy", "swift-account", "swift-container", "swift-object", "memcached")
SERVERS = ("account", "container", "object")
COMMANDS = ("swift-proxy-server", "swift-object-server", "memcached")  # present once PACKAGES are installed
# Throw-away credentials of a Swift that lives for one test module on 127.0.0.1.
USER, KEY = "netbox:prod", "swift-key-for-tests"


class SwiftHarnessError(RuntimeError):
    pass


def ensure_installed() -> None:
    """Debian's Swift servers and memcached, without starting their system services."""
    install_debian_packages(
        PACKAGES,
        installed=lambda: all(shutil.which(command) for command in COMMANDS),
        error=SwiftHarnessError,
        what="Swift",
    )


class SwiftServer:
    def __init__(self, name: str = "test") -> None:
        self.state_dir = STATE_DIR / name
        self.ports = {server: free_port() for server in (*SERVERS, "proxy", "memcached")}
        self.processes: list[subprocess.Popen] = []

    @property
    def auth_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['proxy']}/auth/v1.0"

    user, key = USER, KEY

    def _write_config(self) -> Path:
        shutil.rmtree(self.state_dir, ignore_errors=True)
        etc, devices = self.state_dir / "etc", self.state_dir / "node"
        (devices / "d1").mkdir(parents=True)
        etc.mkdir(parents=True)
        (etc / "swift.conf").write_text(
            "[swift-hash]\nswift_hash_path_suffix = wmf-ops-tests\nswift_hash_path_prefix = wmf-ops-tests\n\n"
            "[storage-policy:0]\nname = Policy-0\ndefault = yes\n"
        )
        common = (
            f"[DEFAULT]\nbind_ip = 127.0.0.1\nworkers = 0\nuser = {os.environ.get('USER') or 'root'}\n"
            f"swift_dir = {etc}\ndevices = {devices}\nmount_check = false\ndisable_fallocate = true\n"
        )
        for server in SERVERS:
            (etc / f"{server}-server.conf").write_text(
                f"{common}bind_port = {self.ports[server]}\n\n[pipeline:main]\npipeline = {server}-server\n\n"
                f"[app:{server}-server]\nuse = egg:swift#{server}\n"
            )
        account, user = USER.split(":")
        (etc / "proxy-server.conf").write_text(
            f"{common}bind_port = {self.ports['proxy']}\n\n[pipeline:main]\n"
            "pipeline = catch_errors proxy-logging cache tempurl tempauth proxy-logging proxy-server\n\n"
            "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n"
            f"[filter:tempauth]\nuse = egg:swift#tempauth\nuser_{account}_{user} = {KEY} .admin\n\n"
            f"[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:{self.ports['memcached']}\n\n"
            "[filter:tempurl]\nuse = egg:swift#tempurl\n\n[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n"
            "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n"
        )
        for server in SERVERS:
            builder = "object" if server == "object" else server
            for args in (
                ["create", "6", "1", "1"],
                ["add", f"r1z1-127.0.0.1:{self.ports[server]}/d1", "100"],
                ["rebalance"],
            ):
                result = subprocess.run(
                    ["swift-ring-builder", f"{builder}.builder", *args], cwd=etc, capture_output=True, text=True
                )
                if result.returncode not in (0, 1):  # 1: a warning (e.g. a single-device ring)
                    raise SwiftHarnessError(f"swift-ring-builder {args} failed:\n{result.stdout}{result.stderr}")
        return etc

    def _spawn(self, name: str, command: list[str]) -> None:
        with open(self.state_dir / f"{name}.log", "ab") as log:
            self.processes.append(
                subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )

    def start(self) -> SwiftServer:
        ensure_installed()
        etc = self._write_config()
        memcached = shutil.which("memcached") or "/usr/bin/memcached"
        self._spawn(
            "memcached", [memcached, "-l", "127.0.0.1", "-p", str(self.ports["memcached"]), "-U", "0", "-u", "nobody"]
        )
        for server in (*SERVERS, "proxy"):
            self._spawn(server, [f"swift-{server}-server", str(etc / f"{server}-server.conf"), "--verbose"])
        deadline = time.monotonic() + 60
        while not self.answers():
            if any(p.poll() is not None for p in self.processes) or time.monotonic() > deadline:
                self.stop()
                logs = "".join(
                    f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}"
                    for log in sorted(self.state_dir.glob("*.log"))
                )
                raise SwiftHarnessError(f"Swift did not start:\n{logs}")
            time.sleep(0.2)
        return self

    def answers(self) -> bool:
        """True when tempauth hands out a token (the proxy and memcached are up)."""
        request = urllib.request.Request(self.auth_url, headers={"X-Auth-User": USER, "X-Auth-Key": KEY})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200 and bool(response.headers.get("X-Storage-Url"))
        except (urllib.error.URLError, OSError):
            return False

    def connection(self):
        import swiftclient

        return swiftclient.Connection(authurl=self.auth_url, user=USER, key=KEY, auth_version="1", retries=1)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def __enter__(self) -> SwiftServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
