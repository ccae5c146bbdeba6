"""Device counts in the Prometheus text exposition format (docs/behaviour-reference.md §2.2, `GetDeviceStats`). Pure.

Written by hand on purpose, unlike the report metrics (``prometheus.render``): this is the original script's output,
byte for byte (labels in the order status, datacenter, rackgroup, manufacturer; counts as integers; samples in
first-seen order), for whatever parses the script's output besides Prometheus. ``prometheus_client``'s
``generate_latest`` always sorts label names and writes every value as a float (``2.0``), so it cannot produce it
(docs/exports.md, "Script proxy").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

HEADER = "# HELP netbox_device_count The number of devices with various properties.\n# TYPE netbox_device_count gauge\n"
LABELS = ("status", "datacenter", "rackgroup", "manufacturer")

DeviceKey = tuple[str | None, str | None, str | None, str | None]  # status, site slug, location slug, manufacturer


def count_devices(keys: Iterable[DeviceKey]) -> Counter[DeviceKey]:
    """Count devices by (status, site, location, manufacturer); a Counter keeps first-seen order."""
    return Counter(keys)


def _label_value(value: str | None) -> str:
    # None renders as "None" (as the original); escaping per the exposition format (the original did not escape).
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render_device_counts(counts: Counter[DeviceKey]) -> str:
    """The HELP and TYPE lines, then one sample per tuple in first-seen order; every line ends with a newline."""
    lines = [HEADER]
    for key, count in counts.items():
        labels = ",".join(f'{name}="{_label_value(value)}"' for name, value in zip(LABELS, key, strict=True))
        lines.append(f"netbox_device_count{{{labels}}} {count}\n")
    return "".join(lines)
