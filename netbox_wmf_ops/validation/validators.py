"""NetBox adapters: one ``CustomValidator`` per model of docs/behaviour-reference.md §5.

Each reads the object (and the few related rows a rule needs) into a plain record, runs the pure rules of
``validation.rules`` and raises ONE ``ValidationError`` carrying every failing rule: field-keyed where the rule names
a field present in NetBox's edit and import forms, non-field otherwise. NetBox runs them on ``full_clean()`` (UI,
REST API, bulk import) when listed in ``CUSTOM_VALIDATORS`` (see ``netbox_wmf_ops.validation``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from extras.validators import CustomValidator

from .rules import RuleError, new_violations
from .rules import dcim as dcim_rules
from .rules import interface as interface_rules
from .rules import ipam as ipam_rules
from .rules import vpn as vpn_rules
from .rules.device import DeviceRecord, check_device, serial_required


def raise_errors(errors: Iterable[RuleError]) -> None:
    """Raise one ValidationError with every error (messages of one field in rule order), or return if none."""
    by_field: dict[str, list[str]] = defaultdict(list)
    for error in errors:
        by_field[error.field or NON_FIELD_ERRORS].append(error.message)
    if not by_field:
        return
    if list(by_field) == [NON_FIELD_ERRORS]:
        raise ValidationError(by_field[NON_FIELD_ERRORS])
    raise ValidationError(dict(by_field))


def _slug(obj: Any) -> str | None:
    return obj.slug if obj is not None else None


def _related(instance: Any, name: str) -> Any:
    """A forward FK's object, or None while it is unset (an incomplete object still gets cleaned)."""
    return getattr(instance, name) if getattr(instance, f"{name}_id", None) is not None else None


def _m2m_count(instance: Any, name: str) -> int:
    """Size of a many-to-many field as it is being saved: the form or serializer puts the new value in
    ``_m2m_values`` before clean (NetBox 4.7); otherwise the stored rows (none for an unsaved object)."""
    pending = getattr(instance, "_m2m_values", None) or {}
    if name in pending:
        return len(pending[name])
    return getattr(instance, name).count() if instance.pk else 0


def grandfathering_enabled() -> bool:
    from netbox_wmf_ops import settings

    return bool(settings.get("validators_grandfathering"))


class WmfValidator(CustomValidator):
    """Base: subclasses turn the instance into rule errors; this raises them all at once.

    With ``validators_grandfathering`` on, an update is refused only for the rules the stored object did not already
    break (the same rules run on the row as stored, read afresh); a new object gets every error."""

    def errors(self, instance: Any) -> list[RuleError]:
        raise NotImplementedError

    def validate(self, instance: Any, request: Any) -> None:
        errors = self.errors(instance)
        if errors and instance.pk is not None and grandfathering_enabled():
            stored = type(instance).objects.filter(pk=instance.pk).first()
            if stored is not None:
                errors = new_violations(errors, self.errors(stored))
        raise_errors(errors)


# ------------------------------------------------------------------------------------------------------------ dcim


class DeviceValidator(WmfValidator):
    """docs/behaviour-reference.md §5.1: name, asset tag, purchase date and ticket custom fields, serial,
    status/rack/position."""

    def errors(self, instance: Any) -> list[RuleError]:
        from dcim.models import Device
        from extras.models import CustomField

        role, site, device_type = (_related(instance, n) for n in ("role", "site", "device_type"))
        custom_fields = {cf.name for cf in CustomField.objects.get_for_model(Device)}
        data = instance.custom_field_data or {}
        serial = (instance.serial or "").strip()
        duplicate_of = None
        if serial and serial_required(_slug(role), instance.status):
            other = Device.objects.filter(serial=instance.serial).exclude(pk=instance.pk).order_by("name", "pk").first()
            duplicate_of = str(other) if other is not None else None
        record = DeviceRecord(
            name=instance.name,
            status=instance.status,
            role=_slug(role),
            site=_slug(site),
            asset_tag=instance.asset_tag,
            serial=instance.serial or "",
            purchase_date=data.get("purchase_date"),
            ticket=data.get("ticket"),
            has_purchase_date_field="purchase_date" in custom_fields,
            has_ticket_field="ticket" in custom_fields,
            duplicate_serial_of=duplicate_of,
            has_rack=instance.rack_id is not None,
            position=instance.position,
            u_height=device_type.u_height if device_type is not None else 0,
        )
        return check_device(record, timezone.localdate())


class DeviceTypeValidator(WmfValidator):
    """docs/behaviour-reference.md §5.2: Dell device type slugs."""

    def errors(self, instance: Any) -> list[RuleError]:
        manufacturer = _related(instance, "manufacturer")
        return dcim_rules.check_device_type(_slug(manufacturer), instance.model or "", instance.slug or "")


class InterfaceValidator(WmfValidator):
    """docs/behaviour-reference.md §5.3: interfaces of network devices (roles asw, cr, mr, pfw, cloudsw)."""

    def errors(self, instance: Any) -> list[RuleError]:
        device = _related(instance, "device")
        role = _related(device, "role") if device is not None else None
        if device is None or not interface_rules.applies(_slug(role)):
            return []
        from dcim.models import Interface
        from ipam.models import VLAN

        device_type = device.device_type
        site_vlan_ids: frozenset[int] = frozenset()
        if interface_rules.needs_site_vlans(instance.name or ""):
            site_vlan_ids = frozenset(VLAN.objects.filter(site_id=device.site_id).values_list("vid", flat=True))
        siblings: list[interface_rules.Sibling] = []
        if interface_rules.needs_siblings(device_type.slug):
            rows = Interface.objects.filter(device_id=device.pk).exclude(pk=instance.pk)
            siblings = [
                interface_rules.Sibling(r["name"], r["type"], r["enabled"], r["mgmt_only"])
                for r in rows.values("name", "type", "enabled", "mgmt_only")
            ]
        endpoints = instance.connected_endpoints if instance.pk else []
        record = interface_rules.InterfaceRecord(
            name=instance.name or "",
            type=instance.type or "",
            device_role=_slug(role),
            manufacturer=device_type.manufacturer.slug,
            device_type=device_type.slug,
            tenant=_slug(_related(device, "tenant")),
            enabled=instance.enabled,
            mgmt_only=instance.mgmt_only,
            mtu=instance.mtu,
            mode=instance.mode,
            description=instance.description or "",
            has_lag=instance.lag_id is not None,
            has_parent=instance.parent_id is not None,
            has_mac_address=instance.primary_mac_address_id is not None,
            ip_count=instance.ip_addresses.count() if instance.pk else None,
            connected_to_interface=bool(endpoints) and isinstance(endpoints[0], Interface),
            site_vlan_ids=site_vlan_ids,
            siblings=siblings,
        )
        return interface_rules.check_interface(record)


def _cable_ends(terminations: Iterable[Any]) -> list[dcim_rules.CableEnd]:
    ends = []
    for termination in terminations:
        kind = termination._meta.model_name
        # Circuit terminations (NetBox 4.2+): the site cached from their scope; components: their device's site.
        device = getattr(termination, "device", None) if kind != "circuittermination" else None
        site = termination._site if kind == "circuittermination" else getattr(device, "site", None)
        ends.append(
            dcim_rules.CableEnd(
                kind=kind,
                site_id=site.pk if site is not None else None,
                site=_slug(site),
                device_role=_slug(device.role) if device is not None else None,
            )
        )
    return ends


def site_of_cables(cable_ids: Iterable[int]) -> dict[int, int | None]:
    """The site of each cable by the validator's rule (first circuit termination or interface, A side first),
    from the cached ``_site`` of its CableTermination rows: one query whatever the number of cables."""
    from dcim.models import CableTermination

    sites: dict[int, int | None] = dict.fromkeys(cable_ids)
    rows = (
        CableTermination.objects.filter(
            cable_id__in=list(sites), termination_type__model__in=("interface", "circuittermination")
        )
        .exclude(_site=None)
        .order_by("cable_id", "cable_end", "pk")
        .values_list("cable_id", "_site_id")
    )
    for cable_id, site_id in rows:
        if sites[cable_id] is None:
            sites[cable_id] = site_id
    return sites


class CableValidator(WmfValidator):
    """docs/behaviour-reference.md §5.4: cable labels unique per site, blank only on core-site server cables or planned
    cables, one
    termination per side."""

    def errors(self, instance: Any) -> list[RuleError]:
        from dcim.models import Cable

        same_label: list[tuple[str, int | None]] = []
        if (instance.label or "").strip():
            others = list(Cable.objects.filter(label=instance.label).exclude(pk=instance.pk).order_by("pk"))
            sites = site_of_cables(c.pk for c in others)
            same_label = [(str(c), sites[c.pk]) for c in others]
        record = dcim_rules.CableRecord(
            label=instance.label,
            status=instance.status,
            a_ends=_cable_ends(instance.a_terminations),
            b_ends=_cable_ends(instance.b_terminations),
            same_label=same_label,
        )
        return dcim_rules.check_cable(record)


class ConsolePortValidator(WmfValidator):
    """docs/behaviour-reference.md §5.4: console port names (``Console`` accepted on Nokia devices)."""

    def errors(self, instance: Any) -> list[RuleError]:
        device = _related(instance, "device")
        manufacturer = device.device_type.manufacturer.slug if device is not None else None
        return dcim_rules.check_console_port(instance.name or "", manufacturer)


class OneFieldValidator(WmfValidator):
    """A validator whose rule reads one text field of the object, blank while unset."""

    field = "name"
    rule: Callable[[str], list[RuleError]]  # a staticmethod of the subclass

    def errors(self, instance: Any) -> list[RuleError]:
        return self.rule(getattr(instance, self.field) or "")


class ConsoleServerPortValidator(OneFieldValidator):
    rule = staticmethod(dcim_rules.check_console_server_port)


class PowerPortValidator(OneFieldValidator):
    rule = staticmethod(dcim_rules.check_power_port)


class PowerOutletValidator(OneFieldValidator):
    rule = staticmethod(dcim_rules.check_power_outlet)


class SiteValidator(OneFieldValidator):
    field = "slug"
    rule = staticmethod(dcim_rules.check_site)


# ------------------------------------------------------------------------------------------------------------ ipam


class IPAddressValidator(WmfValidator):
    """docs/behaviour-reference.md §5.5: DNS names (mgmt FQDNs, primary FQDNs, label syntax)."""

    def errors(self, instance: Any) -> list[RuleError]:
        from dcim.models import Interface

        assigned = instance.assigned_object if instance.assigned_object_id is not None else None
        device = assigned.device if isinstance(assigned, Interface) else None
        is_primary = False
        if device is not None and instance.pk is not None and instance.address is not None:
            primary_id = device.primary_ip4_id if instance.address.version == 4 else device.primary_ip6_id
            is_primary = primary_id == instance.pk  # compared by id (the original's identity test never held)
        record = ipam_rules.IPAddressRecord(
            dns_name=instance.dns_name or "",
            role=instance.role or None,
            on_mgmt_interface=isinstance(assigned, Interface) and assigned.mgmt_only,
            device_status=device.status if device is not None else None,
            device_role=_slug(device.role) if device is not None else None,
            device_name=device.name if device is not None else None,
            is_device_primary=is_primary,
        )
        return ipam_rules.check_ip_address(record)


def _scope_site(prefix: Any) -> Any:
    """The site a prefix is scoped to: its scope when that is a site, the location's site for a location."""
    if prefix.scope_type_id is None or prefix.scope is None:
        return None
    model = prefix.scope_type.model
    if model == "site":
        return prefix.scope
    if model == "location":
        return prefix.scope.site
    return None


class PrefixValidator(WmfValidator):
    """docs/behaviour-reference.md §5.5: prefixes inside a Kubernetes prefix (NetBox 4.2+ scope instead of
    ``Prefix.site``)."""

    def errors(self, instance: Any) -> list[RuleError]:
        if instance.prefix is None:
            return []
        parent = instance.get_parents().select_related("role").last()
        if parent is None:
            return []
        site, parent_site = _scope_site(instance), _scope_site(parent)
        record = ipam_rules.PrefixRecord(
            role=_slug(_related(instance, "role")),
            site_id=site.pk if site is not None else None,
            parent=str(parent),
            parent_role=_slug(parent.role),
            parent_site_id=parent_site.pk if parent_site is not None else None,
            parent_site=str(parent_site) if parent_site is not None else None,
        )
        return ipam_rules.check_prefix(record)


# ------------------------------------------------------------------------------------------------------------- vpn


class IKEPolicyValidator(WmfValidator):
    def errors(self, instance: Any) -> list[RuleError]:
        return vpn_rules.check_ike_policy(instance.version, _m2m_count(instance, "proposals"))


class IKEProposalValidator(WmfValidator):
    def errors(self, instance: Any) -> list[RuleError]:
        return vpn_rules.check_ike_proposal(
            instance.encryption_algorithm, instance.authentication_algorithm, instance.group
        )


class IPSecPolicyValidator(WmfValidator):
    def errors(self, instance: Any) -> list[RuleError]:
        return vpn_rules.check_ipsec_policy(instance.pfs_group, _m2m_count(instance, "proposals"))


class IPSecProposalValidator(WmfValidator):
    def errors(self, instance: Any) -> list[RuleError]:
        return vpn_rules.check_ipsec_proposal(instance.encryption_algorithm, instance.authentication_algorithm)
