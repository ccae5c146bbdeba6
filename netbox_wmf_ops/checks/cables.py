"""Cables report rules (docs/behaviour-reference.md §1.2): component naming, cable labels, unterminated cables.

The label and interface-name rules are the 2021 report tests that later became save-time validators
(docs/behaviour-reference.md §5.3, §5.4);
they run here against the existing data, with the validators' current patterns where the two differ.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import policy
from . import Finding, failure, judge_each, judge_each_graded, summary, warning

# Component name patterns (HEAD report; the power outlet one is the 2021 report's and today's validator rule).
CONSOLE_PORT_NAME = re.compile(r"console\d|console-re\d|serial\d|Console")
CONSOLE_SERVER_PORT_NAME = re.compile(r"port\d+")
POWER_PORT_NAME = re.compile(r"PSU\d|PEM \d|Power Supply \d|PS\d")
POWER_OUTLET_NAME = re.compile(r"\d+")

# Interfaces of network devices: the interface validator's INTERFACES_REGEXP (docs/behaviour-reference.md §5.3 rule 1).
NETWORK_INTERFACE_NAMES = (
    r"^fxp\d-re\d$",
    r"^[a-z]{2}-\d+/\d+/\d+(:\d+){0,1}(\.\d+){0,1}$",
    r"^vcp-\d+/\d+/\d+$",
    r"^[a-z]{1,4}(\d+){0,1}(\.\d+){0,1}$",
    r"^\d+$",
    r"^ethernet-1/\d+(\.\d+){0,1}$",
)
# Interfaces of other non-server devices (PDUs, console servers, ...): the 2021 report list, plus the validator's so
# that nothing valid on a network device is flagged elsewhere.
OTHER_INTERFACE_NAMES = (
    r"^mgmt\d?$|^ILO$|^i?DRAC$",
    r"^fxp\d-re\d$",
    r"^[a-z]+-\d+/\d+/\d+(\.\d+){0,1}$",
    r"^[a-z]{1,4}(\d+){0,1}(\.\d+){0,1}$",
    r"^en(p\d+)?s\d+(f\d+)?((d|np)\d+)?$",
    r"^cali[a-f0-9]+",
    r"^(tap|brq)[a-f0-9]+\-[a-f0-9]+",
    r"^vxlan-\d+",
    r"^(br-internal|br-external|br-int)$",
    r"^\d+$",
    r"^lo([.:].+)",
    r"^(public|private)$",
    r"^##PRIMARY##$",
    *NETWORK_INTERFACE_NAMES,
)
NETWORK_INTERFACE_NAME = re.compile("|".join(f"(?:{p})" for p in NETWORK_INTERFACE_NAMES))
OTHER_INTERFACE_NAME = re.compile("|".join(f"(?:{p})" for p in OTHER_INTERFACE_NAMES))

# Blank labels are expected on server cables inside the core sites (policy.CORE_SITES; docs/behaviour-reference.md
# §1.2 test_blank_cable_label, §5.4).
NO_SITE = "none"


@dataclass(frozen=True)
class NamedComponent:
    obj: Any  # the component (console port, interface, ...), passed through to the findings
    name: str


@dataclass(frozen=True)
class NamedInterface:
    obj: Any
    name: str
    network_device: bool  # the device has one of the network roles (asw, cr, mr, pfw, cloudsw)
    manufacturer: str  # the device type's manufacturer slug


def check_component_names(components: Iterable[NamedComponent], pattern: re.Pattern, label: str) -> list[Finding]:
    """The name of every component must match ``pattern`` in full."""

    def problem(component: NamedComponent) -> str | None:
        if pattern.fullmatch(component.name):
            return None
        return f"incorrectly named {label} cable termination: {component.name}"

    return judge_each(components, problem, f"correctly named {label} cable terminations", rule="cables.component_names")


def interface_name_is_valid(interface: NamedInterface) -> bool:
    if interface.network_device:
        if interface.name.startswith(policy.FOREIGN_VENDOR_PREFIXES.get(interface.manufacturer, ())):
            return False
        return bool(NETWORK_INTERFACE_NAME.fullmatch(interface.name))
    return bool(OTHER_INTERFACE_NAME.fullmatch(interface.name))


def interface_name_problem(interface: NamedInterface) -> str | None:
    if interface_name_is_valid(interface):
        return None
    return f"incorrectly named interface cable termination: {interface.name}"


def check_interface_names(interfaces: Iterable[NamedInterface]) -> list[Finding]:
    return judge_each(
        interfaces,
        interface_name_problem,
        "correctly named interface cable terminations",
        rule="cables.interface_names",
    )


@dataclass(frozen=True)
class CableEnd:
    kind: str  # model name of the termination: "interface", "frontport", "circuittermination", ...
    name: str
    site: str | None  # slug of the termination's site (NetBox caches it on the cable termination)
    device_role: str | None  # role slug of the termination's device, when it has one


@dataclass(frozen=True)
class CableRecord:
    cable: Any
    label: str
    status: str
    a_ends: Sequence[CableEnd]
    b_ends: Sequence[CableEnd]

    @property
    def site(self) -> str:
        """The cable's site: that of its first A-side termination that has one, else the B side's, else ``none``."""
        for end in (*self.a_ends, *self.b_ends):
            if end.site:
                return end.site
        return NO_SITE

    @property
    def clean_label(self) -> str:
        return (self.label or "").strip()


def check_duplicate_labels(cables: Iterable[CableRecord]) -> list[Finding]:
    """Labelled cables terminated on both sides must have a label unique within their site."""
    groups: dict[tuple[str, str], list[CableRecord]] = defaultdict(list)
    for cable in cables:
        if cable.clean_label and cable.a_ends and cable.b_ends:
            groups[(cable.clean_label, cable.site)].append(cable)
    findings: list[Finding] = []
    unique = 0
    for (_, site), members in groups.items():
        if len(members) == 1:
            unique += 1
            continue
        findings.extend(
            failure(c.cable, f"duplicate cable label (site {site})", rule="cables.duplicate_labels") for c in members
        )
    findings.append(summary(unique, "non-duplicate cable labels"))
    return findings


def is_core_site_server_cable(cable: CableRecord) -> bool:
    return any(
        end.kind == "interface" and end.device_role == policy.SERVER_ROLE and end.site in policy.CORE_SITES
        for end in (*cable.a_ends, *cable.b_ends)
    )


def check_blank_labels(cables: Iterable[CableRecord], warning_sites: Sequence[str] = ()) -> list[Finding]:
    """Connected cables need a label (the cable ID), except server cables in the core sites.

    ``warning_sites`` downgrades the finding to a warning for sites still being labelled (the 2021 blocklist)."""

    def blank_label(cable: CableRecord) -> Finding | None:
        if cable.clean_label:
            return None
        site = cable.site
        if any(end.kind == "interface" and end.name.startswith("vcp-") for end in cable.a_ends):
            return warning(cable.cable, f"VC link with no cable ID (site {site})", rule="cables.blank_labels")
        if site in warning_sites:
            return warning(cable.cable, f"blank cable label (site {site})", rule="cables.blank_labels")
        return failure(cable.cable, f"blank cable label (site {site})", rule="cables.blank_labels")

    # Unlabelled server cables in the core sites are neither counted nor reported.
    in_scope = (c for c in cables if c.status == "connected" and (c.clean_label or not is_core_site_server_cable(c)))
    return judge_each_graded(in_scope, blank_label, "non-blank cable labels", rule="cables.blank_labels")


def unterminated_problem(cable: CableRecord) -> str | None:
    return None if cable.a_ends and cable.b_ends else "Unterminated cable, should be connected on both sides."


def check_unterminated(cables: Iterable[CableRecord]) -> list[Finding]:
    return judge_each(
        cables, unterminated_problem, "cables correctly connected.", obj=lambda c: c.cable, rule="cables.unterminated"
    )
