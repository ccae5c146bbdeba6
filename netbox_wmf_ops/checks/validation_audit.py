"""Validation audit rules: every save-time validator rule (``validation.rules``) applied to the existing objects.

The validators check only what is saved from now on; the audit shows what the data already stored breaks, rule by
rule, so a site can see the cost of a rule before enforcing it. Each finding is one validator error of one object: its
message is the validator's and its ``rule`` the validator rule's stable code (``device.server_staged``, ...).

A rule that a report test already checks on the existing data is not audited (not counted twice):
``REPORTED_BY`` is the one mapping rule code -> report test. The audit reuses the validators' pure rule functions; it
has no rule logic of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..validation.rules import RuleError
from . import Finding, failure, summary
from .cables import CONSOLE_PORT_NAME, POWER_PORT_NAME
from .network import EXCLUDED_DEVICE_STATUSES

COHERENCE = "wmf_ops_coherence.Coherence"
RACK = "wmf_ops_coherence.Rack"
CABLES = "wmf_ops_cables.Cables"

# Validator rule code -> the report test (``module.Class.test``) that checks the same rule on the existing data.
# Their violations are that report's findings; the audit skips them. Rules left out of this mapping are audited,
# including those a report checks with a different rule (see docs/validators.md, "Validation audit").
REPORTED_BY: dict[str, str] = {
    "device.name_lowercase": f"{COHERENCE}.test_device_name",
    "device.name_active_future_spare": f"{COHERENCE}.test_device_name",
    "device.name_dot": f"{COHERENCE}.test_device_name",
    "device.name_site_digit": f"{COHERENCE}.test_device_name",
    "device.asset_tag_missing": f"{COHERENCE}.test_malformed_asset_tags",
    "device.asset_tag_invalid": f"{COHERENCE}.test_malformed_asset_tags",
    "device.purchase_date_missing": f"{COHERENCE}.test_purchase_date",
    "device.purchase_date_future": f"{COHERENCE}.test_purchase_date",
    "device.ticket_missing": f"{COHERENCE}.test_ticket",
    "device.ticket_invalid": f"{COHERENCE}.test_ticket",
    "device.serial_missing": f"{COHERENCE}.test_serials",
    "device.serial_duplicate": f"{COHERENCE}.test_duplicate_serials",
    "device.offline_racked": f"{RACK}.test_offline_rack",
    "device.active_unracked": f"{RACK}.test_online_rack",
    "device.racked_no_position": f"{RACK}.test_rack_noposition",
    "cable.label_blank": f"{CABLES}.test_blank_cable_label",
    "cable.label_duplicate": f"{CABLES}.test_duplicate_cable_label",
    "consoleserverport.name": f"{CABLES}.test_console_server_port_termination_names",
    "poweroutlet.name": f"{CABLES}.test_power_outlet_termination_names",
    "interface.name": f"{CABLES}.test_interface_termination_names",
    "interface.vendor_name": f"{CABLES}.test_interface_termination_names",
}


@dataclass(frozen=True)
class ComponentRecord:
    """A console or power port: what its validator rule and the Cables report's naming test read."""

    name: str
    device_status: str
    manufacturer: str | None = None  # the device type's manufacturer slug


def _flagged_by_cables(pattern: Any) -> Callable[[ComponentRecord], bool]:
    """Whether the Cables report's naming test flags the component (``checks.cables.check_component_names`` on the
    components of devices in service, as ``loaders.cables.load_component_names`` selects them)."""
    return lambda c: c.device_status not in EXCLUDED_DEVICE_STATUSES and not pattern.fullmatch(c.name)


# Validator rules a report test checks with a rule of its own (other accepted names, devices in service only): the
# audit leaves to the report the objects the report flags, and reports the others (e.g. ``PSU0``, which the Cables
# report accepts and the validator refuses). Rule code -> (report test, does the report flag this record).
PARTLY_REPORTED_BY: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "consoleport.name": (f"{CABLES}.test_console_port_termination_names", _flagged_by_cables(CONSOLE_PORT_NAME)),
    "powerport.name": (f"{CABLES}.test_power_port_termination_names", _flagged_by_cables(POWER_PORT_NAME)),
}


def audited(error: RuleError, record: Any) -> bool:
    """Whether the audit reports this validator error of this record: not when a report test already reports it."""
    if error.rule in REPORTED_BY:
        return False
    partly = PARTLY_REPORTED_BY.get(error.rule)
    return partly is None or not partly[1](record)


def audit[R](records: Iterable[tuple[Any, R]], check: Callable[[R], list[RuleError]], clean: str) -> list[Finding]:
    """One failure per audited validator error of each ``(object, record)``, about the object and carrying the rule
    code, then the summary: how many objects break no audited rule. ``check`` is the validator's rule function."""
    findings: list[Finding] = []
    good = 0
    for obj, record in records:
        errors = [error for error in check(record) if audited(error, record)]
        if not errors:
            good += 1
        findings.extend(failure(obj, error.message, rule=error.rule) for error in errors)
    return [*findings, summary(good, clean)]
