"""The other ``dcim`` rules (docs/behaviour-reference.md §5.2, §5.4): device types, cables, console/power component
names, sites."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ... import policy
from . import RuleError

# ------------------------------------------------------------------------------------------------ dcim.devicetype

DEVICE_TYPE_MANUFACTURER = "dell"
DEVICE_TYPE_MODEL_EXEMPT_PREFIXES = ("storage", "powerswitch")
POWEREDGE_SLUG = re.compile(r"^poweredge-r\d{3}\w{0,3}(-config\w+){0,1}$")


def slugify(value: str) -> str:
    """Django's ``django.utils.text.slugify`` (allow_unicode=False), repeated here to keep the rules Django-free."""
    value = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def check_device_type(manufacturer: str | None, model: str, slug: str) -> list[RuleError]:
    """Dell device types: the slug is the slugified model and names a PowerEdge R server (storage/switches aside)."""
    if manufacturer != DEVICE_TYPE_MANUFACTURER:
        return []
    errors = []
    expected = slugify(model)
    if slug != expected:
        errors.append(RuleError("slug", f"Invalid slug (must be {expected})", rule="devicetype.slug"))
    if not slug.startswith(DEVICE_TYPE_MODEL_EXEMPT_PREFIXES) and not POWEREDGE_SLUG.fullmatch(slug):
        errors.append(
            RuleError("model", f"Invalid model (slug must match {POWEREDGE_SLUG!r})", rule="devicetype.model")
        )
    return errors


# ---------------------------------------------------------------------------------------------------- dcim.cable

PLANNED = "planned"


@dataclass(frozen=True)
class CableEnd:
    """One termination object of a cable."""

    kind: str  # model name: "interface", "circuittermination", "frontport", ...
    site_id: int | None  # the device's site (components) or the circuit termination's cached site
    site: str | None = None  # slug of that site
    device_role: str | None = None  # role slug of the component's device


@dataclass(frozen=True)
class CableRecord:
    label: str | None
    status: str
    a_ends: Sequence[CableEnd]
    b_ends: Sequence[CableEnd]
    # Other cables with the same (stripped) label: (str(cable), site id from the same rule), loaded by the adapter.
    same_label: Sequence[tuple[str, int | None]] = ()


def cable_site_id(a_ends: Sequence[CableEnd], b_ends: Sequence[CableEnd]) -> int | None:
    """The site of a cable: the first circuit termination's or interface's site, A side first (None: none found)."""
    for end in (*a_ends, *b_ends):
        if end.kind in ("circuittermination", "interface") and end.site_id is not None:
            return end.site_id
    return None


def check_cable(cable: CableRecord) -> list[RuleError]:
    errors = []
    label = (cable.label or "").strip()
    if label:
        site_id = cable_site_id(cable.a_ends, cable.b_ends)
        if site_id is None:
            errors.append(RuleError(None, "Error: unable to find cable's site", rule="cable.site_unknown"))
        else:
            errors.extend(
                RuleError("label", f"Duplicate label with {other}", rule="cable.label_duplicate")
                for other, other_site_id in cable.same_label
                if other_site_id == site_id
            )
    else:
        core_server_cable = any(
            end.kind == "interface" and end.device_role == policy.SERVER_ROLE and end.site in policy.CORE_SITES
            for end in (*cable.a_ends, *cable.b_ends)
        )
        if not core_server_cable and cable.status != PLANNED:
            errors.append(RuleError("label", "Invalid label (must not be blank)", rule="cable.label_blank"))
    if len(cable.a_ends) > 1 or len(cable.b_ends) > 1:
        errors.append(
            RuleError(
                None, "Our automation doesn't support cables with multiple endpoints", rule="cable.multiple_endpoints"
            )
        )
    return errors


# --------------------------------------------------------------------------------------- console and power components

CONSOLE_PORT_NAMES = ("console0", "console-re0", "console-re1")
NOKIA_CONSOLE_PORT_NAMES = (*CONSOLE_PORT_NAMES, "Console")  # Nokia switches name their port "Console"
CONSOLE_SERVER_PORT_NAME = re.compile(r"^port\d{1,2}$")
POWER_PORT_NAMES = ("PEM 0", "PEM 1", "Power Supply 0", "Power Supply 1", "PSU1", "PSU2")
POWER_OUTLET_NAME = re.compile(r"[0-9]+")
NOKIA = "nokia"


def _name_errors(valid: bool, message: str, rule: str) -> list[RuleError]:
    """A component name rule's verdict: nothing when the name is valid, else one error on the name field."""
    return [] if valid else [RuleError("name", message, rule=rule)]


def check_console_port(name: str, manufacturer: str | None) -> list[RuleError]:
    """Spec bug fixed: the Nokia ``Console`` name (accepted by the Cables report) is valid on Nokia devices."""
    allowed = NOKIA_CONSOLE_PORT_NAMES if manufacturer == NOKIA else CONSOLE_PORT_NAMES
    return _name_errors(name in allowed, f"Invalid name (must be one of {allowed})", "consoleport.name")


def check_console_server_port(name: str) -> list[RuleError]:
    valid = CONSOLE_SERVER_PORT_NAME.match(name) is not None
    return _name_errors(valid, "Invalid name (must start with 'port' followed by digits)", "consoleserverport.name")


def check_power_port(name: str) -> list[RuleError]:
    return _name_errors(name in POWER_PORT_NAMES, f"Invalid name (must be one of {POWER_PORT_NAMES})", "powerport.name")


def check_power_outlet(name: str) -> list[RuleError]:
    valid = POWER_OUTLET_NAME.fullmatch(name) is not None
    return _name_errors(valid, "Invalid name (must be a non-negative integer)", "poweroutlet.name")


# ------------------------------------------------------------------------------------------------------ dcim.site


def check_site(slug: str) -> list[RuleError]:
    errors = []
    if len(slug) != 5:
        errors.append(RuleError("slug", "Invalid slug (must be 5 chars)", rule="site.slug_length"))
    if slug != slug.lower():
        errors.append(RuleError("slug", "Invalid slug (must be lowercase)", rule="site.slug_lowercase"))
    return errors
