"""Paths, the database mark, the error type and the log line shared by the dev tooling."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout (this file is dev/tooling/common.py)
STATE = Path(os.environ.get("WMF_OPS_STATE", ROOT / ".state"))
VENV = Path(os.environ.get("WMF_OPS_VENV", ROOT / ".venv"))
NETBOX = VENV / "bin" / "netbox"
MARK = "netbox-wmf-ops:"  # prefix of the COMMENT on every database this tool creates
DEFAULT_SEED = 1
TEST_SCALE = 0.05
FLEET = ROOT / "dev" / "fleet"  # the demo fleet: plan and loader (python -m dev.fleet)

# Redis databases per use, so the demo, the tests and template builds never see each other's queues.
REDIS_DBS = {"demo": (2, 3), "test": (10, 11), "bench": (12, 13), "build": (14, 15)}


class SetupError(Exception):
    """A condition the operator must fix; printed without a traceback."""


def log(message: str) -> None:
    print(f"wmfops: {message}", flush=True)


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


def write_atomic(path: Path, content: str, mode: int = 0o644) -> None:
    """Write via a temporary file and rename, so an interrupted run never leaves a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(content)
    tmp.chmod(mode)
    tmp.replace(path)
