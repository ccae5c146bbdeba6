"""`make demo`: the demo database and instance, the fake external sources, the web server and the worker."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

from .common import MARK, NETBOX, ROOT, STATE, VENV, SetupError, kill_pidfile, log, pid_alive
from .databases import create_database, database_mark, drop_own_database
from .instances import fleet_site_policy, instance_env, netbox, secret, write_instance
from .services import Services, ensure_services, port_answers, wait_until
from .templates import build_fleet_template

DEMO_DB = "wmf_ops_demo"
DEMO_PORT = 8000
RUN = STATE / "run"


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
    plugin_config = {**ganeti, **exports, **sources, **dns, **fleet_site_policy(scale)}
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
    # Data quality → Checks shows every report run once (only on a demo database that has no run yet).
    netbox(instance, "wmf_ops_run_report", "--all", "--if-never-run", "--skip-checks", quiet=True)
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
  Checks:     Data quality → Checks (every report ran once when the demo database was new; docs/data-quality.md)
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
    command = [str(VENV / "bin" / "python"), "-m", "dev.fleet.exports", "--scale", str(scale)]
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
    return start_fake_service("sources", [script, *fleet_args(scale, seed)], services.env(), startup_seconds(scale))


def start_fake_ganeti(scale: float, seed: int) -> dict:
    """Fake Ganeti RAPI servers serving the demo fleet's clusters (one per sync profile); returns `ganeti_profiles`."""
    args = ["-m", "dev.fakes.ganeti_demo", *fleet_args(scale, seed)]
    return {"ganeti_profiles": start_fake_service("ganeti", args, seconds=startup_seconds(scale))}


def startup_seconds(scale: float) -> float:
    """How long a fake source may take to start: it plans the fleet first (a few seconds at scale 1.0, about a minute
    at scale 10 on a busy 2-core machine)."""
    return 60 + 20 * max(scale, 1.0)


def fleet_args(scale: float, seed: int) -> list[str]:
    return ["--scale", str(scale), "--seed", str(seed)]


def start_fake_service(name: str, args: list[str], env: dict[str, str] | None = None, seconds: float = 60) -> dict:
    """Start `python <args> --settings-file F` in the background and return the JSON it writes to F once it serves
    (it writes the file whole, through a rename); an error when the process dies or takes more than ``seconds``."""
    settings_file = RUN / f"{name}.json"
    settings_file.unlink(missing_ok=True)
    start_background(
        name, STATE, *args, "--settings-file", str(settings_file), command=[str(VENV / "bin" / "python")], env=env
    )
    pid = int((RUN / f"{name}.pid").read_text())
    wait_until(
        lambda: settings_file.exists() or not pid_alive(pid), seconds, f"{name} did not start; see {RUN}/{name}.log"
    )
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
