"""The Icinga-style state check for uncommitted DNS changes (docs/behaviour-reference.md §3.6). Pure: state in, state
out.

The state file is JSON ``{"exit_code": int, "message": str, "timestamp": float (Unix seconds)}``, read by the NRPE
check. A recent result is reused instead of regenerating: 60 minutes after success, 15 after an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .exitcodes import ExitCode

OK, WARNING, CRITICAL = 0, 1, 2
SKIP_AFTER_OK_SECONDS = 60 * 60
SKIP_AFTER_ERROR_SECONDS = 15 * 60
RECENT_EDIT_GRACE_SECONDS = 30 * 60

MSG_NO_CHANGES = "Netbox has zero uncommitted DNS changes"
MSG_ERROR = "An error occurred checking if Netbox has uncommitted DNS changes"
MSG_CHANGES_RECENT = "Netbox has uncommitted DNS changes, but last edit in Netbox is within 30 minutes"
MSG_CHANGES = "Netbox has uncommitted DNS changes"


@dataclass(frozen=True)
class IcingaState:
    exit_code: int
    message: str
    timestamp: float

    def to_json(self) -> str:
        return json.dumps({"exit_code": self.exit_code, "message": self.message, "timestamp": self.timestamp})


def read_state(path: Path) -> IcingaState:
    """Raises OSError/ValueError/KeyError when the file is missing or malformed (the caller logs it and runs)."""
    data = json.loads(path.read_text())
    return IcingaState(int(data["exit_code"]), str(data["message"]), float(data["timestamp"]))


def write_state(path: Path, state: IcingaState) -> None:
    """Written to a temp file and renamed, so the NRPE check never reads half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(state.to_json())
    tmp.replace(path)


def should_skip(state: IcingaState, now: float) -> bool:
    age = now - state.timestamp
    if state.exit_code == 0:
        return age < SKIP_AFTER_OK_SECONDS
    return age < SKIP_AFTER_ERROR_SECONDS


def state_after_run(code: int, recent_netbox_edit: bool, now: float) -> IcingaState:
    """Map the commit run's exit code to the Icinga state (no changes = OK; changes = CRITICAL, or WARNING while
    someone edited NetBox in the last 30 minutes and may still be working)."""
    if code == ExitCode.NO_CHANGES:
        return IcingaState(OK, MSG_NO_CHANGES, now)
    if code != ExitCode.OK:
        return IcingaState(CRITICAL, MSG_ERROR, now)
    if recent_netbox_edit:
        return IcingaState(WARNING, MSG_CHANGES_RECENT, now)
    return IcingaState(CRITICAL, MSG_CHANGES, now)
