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
from typing import Any

from ..validation.rules import RuleError
from . import Finding, failure, summary

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


def audited(error: RuleError) -> bool:
    """Whether the audit reports this validator error (its rule has no report test of its own)."""
    return error.rule not in REPORTED_BY


def audit[R](records: Iterable[tuple[Any, R]], check: Callable[[R], list[RuleError]], clean: str) -> list[Finding]:
    """One failure per audited validator error of each ``(object, record)``, about the object and carrying the rule
    code, then the summary: how many objects break no audited rule. ``check`` is the validator's rule function."""
    findings: list[Finding] = []
    good = 0
    for obj, record in records:
        errors = [error for error in check(record) if audited(error)]
        if not errors:
            good += 1
        findings.extend(failure(obj, error.message, rule=error.rule) for error in errors)
    return [*findings, summary(good, clean)]
