"""Management report rules (spec §1.5): network devices must have a console port, and it must be cabled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import Finding, failure, summary


@dataclass(frozen=True)
class ConsoleState:
    device: Any  # the Device, passed through to the findings
    console_ports: int
    cabled_console_ports: int


def check_console_ports(devices: Iterable[ConsoleState]) -> list[Finding]:
    """One failure per device without a (cabled) console port, then the count of devices that are fine."""
    findings: list[Finding] = []
    connected = 0
    for state in devices:
        if state.console_ports == 0:
            findings.append(failure(state.device, "missing console port"))
        elif state.cabled_console_ports == 0:
            findings.append(failure(state.device, "missing connected console port"))
        else:
            connected += 1
    findings.append(summary(connected, "devices with connected ports"))
    return findings
