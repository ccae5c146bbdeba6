"""The ORM side shared by the lifecycle services (docs/behaviour-reference.md §2.0): the ToR lookup, switch ports,
cables, interfaces and addresses. The naming and cable rules they apply are pure, in
``lifecycle.planning.switch_ports``.

Every refusal raises ``Refused``; the script doors turn it into NetBox's ``AbortScript`` and NetBox rolls the whole
run back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dcim.models import Cable, Device, Interface, Site
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from ipam.models import VLAN, IPAddress, Prefix

from netbox_wmf_ops.logs import Log
from netbox_wmf_ops.puppetdb.planning.removals import REMOVAL_GUARD_DOC
from netbox_wmf_ops.puppetdb.planning.switch_ports import SWITCH_PORT_MTU, switch_port_type

from .planning.refusal import Refused
from .planning.switch_ports import (
    TOR_ROLES,
    cable_defaults,
    color_name,
    is_allowed_switch_port,
    nokia_port_reset_type,
    orphan_port_names,
    port_to_iface,
)


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
    validate(cable, f"{name}: cable {label or ''}")
    cable.save()
    for iface in (a_iface, b_iface):  # the caller's objects now carry a stale cable
        iface.refresh_from_db()
    log("success", f"{name}: created cable {cable}", cable)
    return cable


def create_switch_port(
    switch: Device, name: str, log: Log, mtu: int | None = None, iface_type: str | None = None
) -> Interface:
    """Create switch port ``name`` (docs/behaviour-reference.md §2.0 ``_create_z_nbiface``): on a Juniper switch, first
    delete the unused other-speed names of the same port; the new port goes through the validators (``full_clean``)."""
    switch_name = device_name(switch)
    if is_allowed_switch_port(name) and switch.device_type.manufacturer.slug == "juniper":
        existing = dict(Interface.objects.filter(device=switch).values_list("name", "pk"))
        orphans = orphan_port_names(existing, name)
        if orphans:
            for orphan in Interface.objects.filter(pk__in=[existing[n] for n in orphans]).order_by("name"):
                if orphan.cable_id or orphan.ip_addresses.exists():
                    raise Refused(
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
    validate(iface, f"{switch_name}: interface {name}")
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
    switch_name = device_name(switch)
    iface = Interface.objects.filter(device=switch, name=name).first()
    if iface is not None and iface.cable_id:
        raise Refused(
            f"There is already a cable on {switch_name}:{name} (typo?), please fix it manually and re-run the script."
        )
    if iface is None:
        iface = create_switch_port(switch, name, log, mtu=SWITCH_PORT_MTU, iface_type=iface_type)
    iface.snapshot()
    if iface_type and iface.type != iface_type:
        iface.type = iface_type
        validate(iface, f"{switch_name}: iface {name}")
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
    connected = list(
        Interface.objects.filter(device=device, mgmt_only=False, cable__isnull=False)
        .select_related("cable", "device")
        .order_by("name")
    )
    if len(connected) != 1:
        names = [i.name for i in connected]
        raise Refused(
            f"{device_name(device)}: either 0 or more than 1 connected interface: {names}, please update Netbox "
            "manually, skipping."
        )
    return connected[0]


def find_remote_interface(iface: Interface) -> Interface | None:
    """The interface at the other end of ``iface``'s cable (None when uncabled or cabled to something else)."""
    for peer in iface.link_peers:
        if isinstance(peer, Interface):
            return Interface.objects.select_related("device__device_type__manufacturer", "device__rack").get(pk=peer.pk)
    return None


def add_interface(device: Device, name: str, iface_type: str, log: Log, mgmt_only: bool = False, **extra) -> Interface:
    """Create an interface through the validators (``full_clean``), docs/behaviour-reference.md §2.5 ``_add_iface``."""
    iface = Interface(device=device, name=name, type=iface_type, mgmt_only=mgmt_only, **extra)
    validate(iface, f"{device_name(device)}: new interface {name}")
    iface.save()
    log("success", f"{device_name(device)}: created interface {name} (mgmt={mgmt_only})", iface)
    return iface


def add_ip(device: Device, iface: Interface, address: str, dns_name: str, prefix: Prefix) -> IPAddress:
    """An active address on ``iface``, in ``prefix``'s VRF, with the device's tenant (the caller logs it)."""
    return IPAddress.objects.create(
        address=address,
        status="active",
        dns_name=dns_name,
        vrf=prefix.vrf,
        tenant=device.tenant,
        assigned_object=iface,
    )


def set_device_ip(device: Device, attribute: str, ip: IPAddress) -> None:
    """Point the device's ``primary_ip4``, ``primary_ip6`` or ``oob_ip`` at ``ip`` (change-logged)."""
    device.snapshot()
    setattr(device, attribute, ip)
    device.save()


def set_oob_ip(device: Device, ip: IPAddress, log: Log) -> None:
    set_device_ip(device, "oob_ip", ip)
    log("success", f"{device_name(device)}: set {ip} as out-of-band IP for host.", device)


def log_warnings(plan: Any, log: Log) -> None:
    """Log a checked plan's warnings (``plan.warnings``, about ``plan.device``) before it is applied."""
    for warning in plan.warnings:
        log("warning", warning, plan.device)


def validate(obj: Any, what: str) -> None:
    """Run NetBox's validation of ``obj`` (model rules and custom validators, ``full_clean``); a refusal names
    ``what`` (``"db1001: cable C6"``) and the validator's first message."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Refused(f"{what} fails validation checks - {_first(exc)}.") from None


def _first(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    return messages[0] if messages else str(exc)
