"""Management report rules (docs/behaviour-reference.md §1.5): network devices must have a console port, and it must be
cabled."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import Finding, judge_each


@dataclass(frozen=True)
class ConsoleState:
    device: Any  # the Device, passed through to the findings
    console_ports: int
    cabled_console_ports: int


def console_problem(state: ConsoleState) -> str | None:
    if state.console_ports == 0:
        return "missing console port"
    if state.cabled_console_ports == 0:
        return "missing connected console port"
    return None


def check_console_ports(devices: Iterable[ConsoleState]) -> list[Finding]:
    """One failure per device without a (cabled) console port, then the count of devices that are fine."""
    return judge_each(
        devices,
        console_problem,
        "devices with connected ports",
        obj=lambda state: state.device,
        rule="management.console_ports",
    )
