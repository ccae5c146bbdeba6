"""ORM loaders: read what a check needs in a bounded number of queries, whatever the fleet size."""

from __future__ import annotations

from dcim.models import Device

# Device.__str__ reads the device type, manufacturer and virtual chassis of unnamed devices: select_related these.
DEVICE_DISPLAY = ("device_type__manufacturer", "virtual_chassis")


def device_status_labels() -> dict[str, str]:
    """Device status value → display text, as ``get_status_display()`` gives it, translated once: that method
    translates every choice again on each call (about 30 % of the PuppetDB report's NetBox side with 2,000 servers,
    a quarter of the Coherence and Rack reports' device load)."""
    return {value: str(label) for value, label in Device._meta.get_field("status").flatchoices}
