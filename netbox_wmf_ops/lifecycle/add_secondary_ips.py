"""AddSecondaryIPs (docs/behaviour-reference.md §2.8): give a server's primary interface extra IPv4 addresses from its
primary prefix, named ``{device}-a{suffix}``, ``{device}-b{suffix}``… (Cassandra instances).

The naming and letter choice are pure (``lifecycle.planning.add_secondary_ips``); ``load_context`` gathers what they
need and refuses, with a message, every input the original crashed on; ``create_addresses`` writes the planned
addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dcim.models import Device, Interface
from django.core.exceptions import ValidationError
from ipam.models import IPAddress, Prefix

from .. import policy
from .planning.add_secondary_ips import PlannedAddress, dns_suffix, pick_letters, plan_addresses
from .planning.refusal import Refused


@dataclass
class Context:
    device: object
    interface: object
    prefix: object
    plan: list[PlannedAddress]


def load_context(device, count: int) -> Context:
    """Check the device, find its primary interface and prefix, and plan the addresses (no write)."""
    device = Device.objects.select_related("role", "primary_ip4__vrf").get(pk=device.pk)  # fresh, whoever passed it
    name = device.name
    if device.role.slug != policy.SERVER_ROLE:
        raise Refused(f"{name} is not a server (role {device.role.slug})")
    primary = device.primary_ip4
    if primary is None:
        raise Refused(f"{name} has no primary IPv4 address")
    interface = primary.assigned_object
    if not isinstance(interface, Interface) or interface.device_id != device.pk:
        raise Refused(f"Primary IPv4 address {primary} of {name} is not assigned to one of its interfaces")
    network = primary.address.cidr
    prefixes = list(Prefix.objects.filter(prefix=str(network), vrf=primary.vrf))
    if len(prefixes) != 1:
        raise Refused(f"{'No' if not prefixes else len(prefixes)} prefixes {network} found for {primary}")
    prefix = prefixes[0]
    suffix = dns_suffix(primary.dns_name, name, str(primary))

    v4_count = interface.ip_addresses.filter(address__family=4).count()
    pattern = re.compile(rf"^{re.escape(name)}-([a-z]){re.escape(suffix)}$")
    used = {
        m.group(1)
        for dns in IPAddress.objects.filter(dns_name__startswith=f"{name}-").values_list("dns_name", flat=True)
        if (m := pattern.match(dns))
    }
    letters = pick_letters(v4_count, count, used)
    available = []
    for ip in prefix.get_available_ips():  # IPSet iteration: ascending, network/broadcast already left out
        available.append(f"{ip}/{prefix.prefix.prefixlen}")
        if len(available) == len(letters):
            break
    try:
        plan = plan_addresses(name, suffix, letters, available)
    except Refused as e:
        raise Refused(f"Prefix {prefix}: {e}") from None
    return Context(device, interface, prefix, plan)


def create_addresses(context: Context, log) -> int:
    """Create the planned addresses, validated (model rules and custom validators); a failure refuses them all."""
    for planned in context.plan:
        address = IPAddress(
            address=planned.address,
            vrf=context.prefix.vrf,
            status="active",
            dns_name=planned.dns_name,
            assigned_object=context.interface,
        )
        try:
            address.full_clean()
        except ValidationError as e:
            raise Refused(
                f"{context.device.name}: address {planned.address} fails validation checks - {e.messages[0]}"
            ) from e
        address.save()
        log(
            "success",
            f"{context.device.name}: assigned additional address {address} to interface {context.interface} "
            f"with DNS name '{planned.dns_name}'",
            address,
        )
    return len(context.plan)
