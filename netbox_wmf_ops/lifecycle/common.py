"""Helpers shared by the lifecycle scripts (docs/behaviour-reference.md §2.0): switch-port naming, cables, switch ports,
ToR lookup, VLANs.

The first half is pure (plain values in, plain values out; unit-tested without Django). The second half talks to
the ORM; its model imports are made inside the functions so that importing this module (and unit-testing the pure
half) never needs a configured Django.

Every refusal raises NetBox's own ``AbortScript`` (NetBox matches its exact type: a subclass would be reported as a
crash), so a script that calls these helpers stops with a clear message and NetBox rolls the whole run back.

Messages follow the spec verbatim; the spec bugs fixed here (docs/behaviour-reference.md §6.4 items 9 and 10) are
listed in docs/provisioning-scripts.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from utilities.exceptions import AbortScript

from netbox_wmf_ops.logs import Log
from netbox_wmf_ops.puppetdb.planning.cabling import CABLE_COLORS, FAST_TYPES
from netbox_wmf_ops.puppetdb.planning.interfaces import PRIMARY_PLACEHOLDER
from netbox_wmf_ops.puppetdb.planning.removals import REMOVAL_GUARD_DOC
from netbox_wmf_ops.puppetdb.planning.switch_ports import SWITCH_PORT_MTU, SWITCH_PORT_PREFIXES, switch_port_type

if TYPE_CHECKING:
    from dcim.models import Cable, Device, Interface, Site
    from ipam.models import VLAN

__all__ = [
    "CABLE_COLORS",
    "FAST_TYPES",
    "INTERFACE_TYPE_CHOICES",
    "JUNIPER_TYPE_PREFIX",
    "PRIMARY_IFACE_NAME",
    "SWITCH_INTERFACES_PREFIX_ALLOWLIST",
    "SWITCH_PORT_MTU",
    "TOR_ROLES",
    "Log",
    "cable_defaults",
    "clean_interface",
    "configure_switch_port",
    "create_cable",
    "create_switch_port",
    "device_name",
    "duplicate_cable_id",
    "find_primary_interface",
    "find_remote_interface",
    "find_tor",
    "format_logs",
    "is_allowed_switch_port",
    "nokia_port_reset_type",
    "orphan_port_names",
    "port_to_iface",
    "script_log",
    "switch_port_name",
    "switch_port_type",
    "tagged_vlans_of",
]

PRIMARY_IFACE_NAME = PRIMARY_PLACEHOLDER  # "##PRIMARY##", the server uplink before the first PuppetDB import
SWITCH_INTERFACES_PREFIX_ALLOWLIST = SWITCH_PORT_PREFIXES  # et-, xe-, ge-, ethernet-
# top-of-rack switch roles, by slug (never by primary key: docs/behaviour-reference.md §6.4 item 10)
TOR_ROLES = ("asw", "cloudsw")
SPINE_NAME_PREFIX = "ssw"

# The interface types a server uplink may have, as offered by the provisioning scripts.
INTERFACE_TYPE_CHOICES = (("1000base-t", "1G"), ("10gbase-x-sfpp", "10G"), ("25gbase-x-sfp28", "25G"))
JUNIPER_TYPE_PREFIX = {"1000base-t": "ge-", "10gbase-x-sfpp": "xe-", "25gbase-x-sfp28": "et-"}
ONE_G_ONLY_DEVICE_TYPES = frozenset({"ex4300-48t"})
NOKIA_25G_DEVICE_TYPE = "7220-ixr-d2l"  # ports 1-48 are 25G SFP28, the rest 100G
NOKIA_25G_LAST_PORT = 48
BLUE, BLACK = "2196f3", "111111"


def script_log(script) -> Log:
    """A :class:`Log` writing into a NetBox script's log (``log_<level>(message, obj)``)."""

    def log(level: str, message: str, obj: Any = None) -> None:
        getattr(script, f"log_{level}")(message, obj)

    return log


# --------------------------------------------------------------------------------------------------------------------
# Pure rules
# --------------------------------------------------------------------------------------------------------------------


def format_logs(messages: Iterable[dict]) -> str:
    """The job output of the WMF scripts: one ``[{status}] {message}`` line per logged message."""
    return "\n".join(f"[{m['status']}] {m['message']}" for m in messages)


def port_to_iface(port: int, iface_type: str, *, vendor: str, device_type: str, vc_position: int | None = None) -> str:
    """The name of switch port number ``port`` for an uplink of ``iface_type`` (docs/behaviour-reference.md §2.0
    ``port_to_iface``).

    ``vendor`` is the manufacturer slug, ``device_type`` the device-type slug, ``vc_position`` the switch's
    virtual-chassis position (None when it is not a member)."""
    if device_type in ONE_G_ONLY_DEVICE_TYPES and iface_type != "1000base-t":
        raise AbortScript("Switch is 1G only, interface type must be 1G")
    if vendor == "juniper":
        if iface_type not in JUNIPER_TYPE_PREFIX:
            raise AbortScript(f"Unsupported interface type {iface_type} for a Juniper switch (must be 1G, 10G or 25G)")
        fpc = vc_position if vc_position is not None else 0
        return f"{JUNIPER_TYPE_PREFIX[iface_type]}{fpc}/0/{port}"
    if vendor == "nokia":
        return f"ethernet-1/{port}"
    raise AbortScript("Unsupported switch vendor (must be Nokia or Juniper)")


def is_allowed_switch_port(name: str) -> bool:
    return name.startswith(SWITCH_INTERFACES_PREFIX_ALLOWLIST)


def orphan_port_names(existing: Iterable[str], new_name: str) -> list[str]:
    """Other-speed names of the port ``new_name`` (``ge-0/0/5`` when creating ``xe-0/0/5``), left by a speed change.

    Matches the whole port number case-insensitively, so port 5 never matches 15 (compare
    docs/behaviour-reference.md §6.4 item 14)."""
    port_num = new_name.split("-", 1)[1] if "-" in new_name else new_name
    pattern = re.compile(rf"^(et-|xe-|ge-|ethernet-){re.escape(port_num)}$", re.IGNORECASE)
    return [name for name in existing if name != new_name and pattern.match(name)]


def cable_defaults(a_type: str | None, color: str = "", cable_type: str = "") -> tuple[str, str, bool]:
    """(color, cable type, whether the colour was assumed) for a new server cable (docs/behaviour-reference.md §2.0
    ``_create_cable``).

    Fix of docs/behaviour-reference.md §6.4 item 9: the colour follows the A-side speed (black for 10G/25G DACs, blue
    for 1G copper) instead
    of always blue, and the caller logs the "assuming" warning once the type is known."""
    fast = a_type in FAST_TYPES
    assumed = not color
    color = color or (BLACK if fast else BLUE)
    cable_type = cable_type or ("dac-passive" if fast else "cat5e")
    return color, cable_type, assumed


def color_name(color: str) -> str:
    return CABLE_COLORS.get(color, color)


def nokia_port_reset_type(device_type: str, iface_name: str) -> str | None:
    """The type a reset Nokia 7220 IXR-D2L port goes back to (25G SFP28 for ports 1-48), else None."""
    if device_type != NOKIA_25G_DEVICE_TYPE:
        return None
    last = iface_name.rsplit("/", 1)[-1]
    if last.isdigit() and int(last) <= NOKIA_25G_LAST_PORT:
        return "25gbase-x-sfp28"
    return None


# --------------------------------------------------------------------------------------------------------------------
# NetBox helpers
# --------------------------------------------------------------------------------------------------------------------


def device_name(device: Device) -> str:
    """How the lifecycle messages name a device: its name, as the original scripts printed it. NetBox 4's
    ``str(device)`` appends the asset tag (``db1001 (WMF1234)``), which would break greps on the name; an unnamed
    device falls back to ``str(device)``."""
    return device.name or str(device)


def switch_port_name(switch: Device, port: int, iface_type: str) -> str:
    """``port_to_iface`` for a switch object."""
    dtype = switch.device_type
    return port_to_iface(
        port,
        iface_type,
        vendor=dtype.manufacturer.slug,
        device_type=dtype.slug,
        vc_position=switch.vc_position if switch.virtual_chassis_id else None,
    )


def find_tor(server: Device) -> Device | None:
    """The single active top-of-rack switch (role asw or cloudsw) in the server's rack, or None when there is none
    or more than one (fix of docs/behaviour-reference.md §6.4 item 10: the original crashed with IndexError on an empty
    rack)."""
    from dcim.models import Device

    if not server.rack_id:
        return None
    switches = list(
        Device.objects.filter(rack_id=server.rack_id, role__slug__in=TOR_ROLES, status="active")
        .select_related("device_type__manufacturer", "rack")
        .order_by("pk")[:2]
    )
    return switches[0] if len(switches) == 1 else None


def duplicate_cable_id(label: str, site: Site) -> bool:
    """Whether a cable labelled ``label`` already ends on an interface of a device at ``site``."""
    from dcim.models import Cable, Interface
    from django.contrib.contenttypes.models import ContentType

    iface_type = ContentType.objects.get_for_model(Interface)
    return Cable.objects.filter(
        label=label, terminations__termination_type=iface_type, terminations___site=site
    ).exists()


def tagged_vlans_of(iface: Interface) -> list[VLAN]:
    return list(iface.tagged_vlans.all()) if iface.mode == "tagged" else []


def create_cable(
    a_iface: Interface, b_iface: Interface, log: Log, label: str = "", color: str = "", cable_type: str = ""
) -> Cable:
    """Cable a server interface (A) to a switch port (B), status connected; colour and type default from the A side."""
    from dcim.models import Cable
    from django.core.exceptions import ValidationError

    device = a_iface.device
    name = device_name(device)
    color, cable_type, assumed = cable_defaults(a_iface.type, color, cable_type)
    if assumed:
        log("warning", f"{name}: assuming {color_name(color)} {cable_type} because {a_iface.type}", device)
    cable = Cable(
        a_terminations=[a_iface],
        b_terminations=[b_iface],
        label=label or "",
        color=color,
        type=cable_type,
        status="connected",
    )
    try:
        cable.full_clean()
    except ValidationError as exc:
        raise AbortScript(f"{name}: cable {label or ''} fails validation checks - {_first(exc)}.") from None
    cable.save()
    for iface in (a_iface, b_iface):  # the caller's objects now carry a stale cable
        iface.refresh_from_db()
    log("success", f"{name}: created cable {cable}", cable)
    return cable


def create_switch_port(
    switch: Device, name: str, log: Log, mtu: int | None = None, iface_type: str | None = None
) -> Interface:
    """Create switch port ``name`` (docs/behaviour-reference.md §2.0 ``_create_z_nbiface``): on a Juniper switch, first
    delete the unused
    other-speed names of the same port; the new port goes through the validators (``full_clean``)."""
    from dcim.models import Interface
    from django.core.exceptions import ValidationError

    switch_name = device_name(switch)
    if is_allowed_switch_port(name) and switch.device_type.manufacturer.slug == "juniper":
        existing = dict(Interface.objects.filter(device=switch).values_list("name", "pk"))
        orphans = orphan_port_names(existing, name)
        if orphans:
            for orphan in Interface.objects.filter(pk__in=[existing[n] for n in orphans]).order_by("name"):
                if orphan.cable_id or orphan.ip_addresses.exists():
                    raise AbortScript(
                        f"{switch_name}: We need to remove interface {orphan.name}, before creating {name}, however it "
                        f"still has a cable or IP address attached. See {REMOVAL_GUARD_DOC}"
                    )
                orphan.snapshot()
                orphan.delete()
                log("success", f"{switch_name}: deleted orphan interface {orphan.name}", switch)
    iface = Interface(
        device=switch,
        name=name,
        type=iface_type or switch_port_type(name),
        mgmt_only=False,
        mtu=mtu,
    )
    try:
        iface.full_clean()
    except ValidationError as exc:
        raise AbortScript(f"{switch_name}: interface {name} fails validation checks - {_first(exc)}.") from None
    iface.save()
    log("success", f"{switch_name}: created interface {name}", iface)
    return iface


def configure_switch_port(
    switch: Device,
    name: str,
    vlan: VLAN | None,
    log: Log,
    iface_type: str | None = None,
    tagged_vlans: Sequence[VLAN] | None = None,
) -> Interface:
    """Make switch port ``name`` an access port (or a trunk, with ``tagged_vlans``) for a server uplink, creating it
    when missing (docs/behaviour-reference.md §2.0 ``_update_z_nbiface``). Refuses a port that already has a cable."""
    from dcim.models import Interface
    from django.core.exceptions import ValidationError

    switch_name = device_name(switch)
    iface = Interface.objects.filter(device=switch, name=name).first()
    if iface is not None and iface.cable_id:
        raise AbortScript(
            f"There is already a cable on {switch_name}:{name} (typo?), please fix it manually and re-run the script."
        )
    if iface is None:
        iface = create_switch_port(switch, name, log, mtu=SWITCH_PORT_MTU, iface_type=iface_type)
    iface.snapshot()
    if iface_type and iface.type != iface_type:
        iface.type = iface_type
        try:
            iface.full_clean()
        except ValidationError as exc:
            raise AbortScript(f"{switch_name}: iface {name} fails validation checks - {_first(exc)}.") from None
        log("success", f"{switch_name}:{name} changed type to {iface_type}", iface)
    iface.mode = "access"
    iface.mtu = SWITCH_PORT_MTU
    iface.untagged_vlan = vlan
    iface.enabled = True
    if tagged_vlans:
        iface.mode = "tagged"
        iface.save()
        iface.tagged_vlans.set(tagged_vlans)
        log("success", f"{switch_name}:{name} configured tagged vlans {[v.name for v in tagged_vlans]}", iface)
    iface.save()
    log("success", f"{switch_name}:{name} configured vlan.", iface)
    return iface


def clean_interface(iface: Interface) -> None:
    """Reset a switch port that no longer serves a server: disabled, no mode, no VLANs, no MTU
    (docs/behaviour-reference.md §2.0)."""
    iface.snapshot()
    iface.enabled = False
    iface.mode = None
    iface.untagged_vlan = None
    iface.mtu = None
    reset_type = nokia_port_reset_type(iface.device.device_type.slug, iface.name)
    if reset_type:
        iface.type = reset_type
    iface.save()  # a mode-less interface loses its tagged VLANs on save
    iface.tagged_vlans.clear()


def find_primary_interface(device: Device) -> Interface:
    """The server's single cabled non-mgmt interface; anything else is refused with the spec's message."""
    from dcim.models import Interface

    connected = list(
        Interface.objects.filter(device=device, mgmt_only=False, cable__isnull=False)
        .select_related("cable", "device")
        .order_by("name")
    )
    if len(connected) != 1:
        names = [i.name for i in connected]
        raise AbortScript(
            f"{device_name(device)}: either 0 or more than 1 connected interface: {names}, please update Netbox "
            "manually, skipping."
        )
    return connected[0]


def find_remote_interface(iface: Interface) -> Interface | None:
    """The interface at the other end of ``iface``'s cable (None when uncabled or cabled to something else)."""
    from dcim.models import Interface

    for peer in iface.link_peers:
        if isinstance(peer, Interface):
            return Interface.objects.select_related("device__device_type__manufacturer", "device__rack").get(pk=peer.pk)
    return None


def _first(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    return messages[0] if messages else str(exc)
