"""AddSecondaryIPs rules (docs/behaviour-reference.md §2.8), pure: the number of addresses asked for, the DNS suffix of
the primary name, the free letters, and the planned ``{device}-{letter}{suffix}`` addresses.

``netbox_wmf_ops.lifecycle.add_secondary_ips`` loads what these rules need and writes the planned addresses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from string import ascii_lowercase

from .refusal import Refused

MAX_ADDITIONAL = 5


@dataclass(frozen=True)
class PlannedAddress:
    address: str  # with the prefix's mask: "10.64.0.31/22"
    dns_name: str


def parse_count(value) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise Refused(f"Invalid number of additional IPs: {value!r} (1 to {MAX_ADDITIONAL})") from None
    if not 1 <= count <= MAX_ADDITIONAL:
        raise Refused(f"Invalid number of additional IPs: {count} (1 to {MAX_ADDITIONAL})")
    return count


def dns_suffix(dns_name: str, device_name: str, address: str) -> str:
    """What follows the device name in the primary DNS name (".eqiad.wmnet"). The original stripped the device name's
    *characters* from the left, which is right only when a dot follows; this requires it."""
    if not dns_name or not dns_name.startswith(f"{device_name}."):
        raise Refused(f"DNS name '{dns_name}' of {address} does not start with '{device_name}.'")
    return dns_name[len(device_name) :]


def pick_letters(v4_count: int, count: int, used: Iterable[str]) -> list[str]:
    """``count`` letters from index ``v4_count - 1`` (the primary alone gives ``a``; primary + ``a`` gives ``b``),
    skipping letters whose name is taken already (the original would have created a duplicate name)."""
    used = set(used)
    free = [letter for letter in ascii_lowercase[max(v4_count - 1, 0) :] if letter not in used]
    if len(free) < count:
        raise Refused(f"Not enough free letters for {count} additional names (the last one is 'z')")
    return free[:count]


def plan_addresses(
    device_name: str, suffix: str, letters: Sequence[str], available: Sequence[str]
) -> list[PlannedAddress]:
    if len(available) < len(letters):
        raise Refused(f"Only {len(available)} addresses available, {len(letters)} needed")
    return [
        PlannedAddress(address, f"{device_name}-{letter}{suffix}")
        for letter, address in zip(letters, available, strict=False)
    ]
