"""AddSecondaryIPs (docs/behaviour-reference.md §2.8): give a server's primary interface extra IPv4 addresses from its
primary prefix, named
``{device}-a{suffix}``, ``{device}-b{suffix}``… (Cassandra instances).

The naming and letter choice are pure (``plan_addresses``); ``load_context`` gathers what they need and refuses, with
a message, every input the original crashed on; ``create_addresses`` writes the planned addresses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from string import ascii_lowercase

from .. import policy

MAX_ADDITIONAL = 5


class RefusedError(ValueError):
    """An input the script refuses; the message says why."""


@dataclass(frozen=True)
class PlannedAddress:
    address: str  # with the prefix's mask: "10.64.0.31/22"
    dns_name: str


def parse_count(value) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise RefusedError(f"Invalid number of additional IPs: {value!r} (1 to {MAX_ADDITIONAL})") from None
    if not 1 <= count <= MAX_ADDITIONAL:
        raise RefusedError(f"Invalid number of additional IPs: {count} (1 to {MAX_ADDITIONAL})")
    return count


def dns_suffix(dns_name: str, device_name: str, address: str) -> str:
    """What follows the device name in the primary DNS name (".eqiad.wmnet"). The original stripped the device name's
    *characters* from the left, which is right only when a dot follows; this requires it."""
    if not dns_name or not dns_name.startswith(f"{device_name}."):
        raise RefusedError(f"DNS name '{dns_name}' of {address} does not start with '{device_name}.'")
    return dns_name[len(device_name) :]


def pick_letters(v4_count: int, count: int, used: Iterable[str]) -> list[str]:
    """``count`` letters from index ``v4_count - 1`` (the primary alone gives ``a``; primary + ``a`` gives ``b``),
    skipping letters whose name is taken already (the original would have created a duplicate name)."""
    used = set(used)
    free = [letter for letter in ascii_lowercase[max(v4_count - 1, 0) :] if letter not in used]
    if len(free) < count:
        raise RefusedError(f"Not enough free letters for {count} additional names (the last one is 'z')")
    return free[:count]


def plan_addresses(
    device_name: str, suffix: str, letters: Sequence[str], available: Sequence[str]
) -> list[PlannedAddress]:
    if len(available) < len(letters):
        raise RefusedError(f"Only {len(available)} addresses available, {len(letters)} needed")
    return [
        PlannedAddress(address, f"{device_name}-{letter}{suffix}")
        for letter, address in zip(letters, available, strict=False)
    ]


# --- NetBox side -----------------------------------------------------------------------------------------------------


@dataclass
class Context:
    device: object
    interface: object
    prefix: object
    plan: list[PlannedAddress]


def load_context(device, count: int) -> Context:
    """Check the device, find its primary interface and prefix, and plan the addresses (no write)."""
    import re

    from dcim.models import Device, Interface
    from ipam.models import IPAddress, Prefix

    device = Device.objects.select_related("role", "primary_ip4__vrf").get(pk=device.pk)  # fresh, whoever passed it
    name = device.name
    if device.role.slug != policy.SERVER_ROLE:
        raise RefusedError(f"{name} is not a server (role {device.role.slug})")
    primary = device.primary_ip4
    if primary is None:
        raise RefusedError(f"{name} has no primary IPv4 address")
    interface = primary.assigned_object
    if not isinstance(interface, Interface) or interface.device_id != device.pk:
        raise RefusedError(f"Primary IPv4 address {primary} of {name} is not assigned to one of its interfaces")
    network = primary.address.cidr
    prefixes = list(Prefix.objects.filter(prefix=str(network), vrf=primary.vrf))
    if len(prefixes) != 1:
        raise RefusedError(f"{'No' if not prefixes else len(prefixes)} prefixes {network} found for {primary}")
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
    except RefusedError as e:
        raise RefusedError(f"Prefix {prefix}: {e}") from None
    return Context(device, interface, prefix, plan)


def create_addresses(context: Context, log) -> int:
    """Create the planned addresses, validated (model rules and custom validators); a failure refuses them all."""
    from django.core.exceptions import ValidationError
    from ipam.models import IPAddress

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
            raise RefusedError(
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
