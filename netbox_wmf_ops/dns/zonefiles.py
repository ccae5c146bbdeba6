"""Zone snippet files: the exact record lines, their order, and one flat file per zone
(docs/behaviour-reference.md §3.3-§3.4). Pure."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Iterable

from .records import ForwardRecord, ReverseRecord


def format_forward(record: ForwardRecord) -> str:
    """``{hostname:<40} 1H IN A|AAAA {ip}[ ; {comment}]`` (the IPv6 address compressed)."""
    ip = ipaddress.ip_address(record.ip)
    rtype = "A" if ip.version == 4 else "AAAA"
    line = f"{record.hostname.ljust(40)} 1H IN {rtype} {ip.compressed}"
    if record.comment:
        line += f" ; {record.comment}"
    return line


def format_reverse(record: ReverseRecord) -> str:
    """``{pointer:<3} 1H IN PTR {fqdn}.``"""
    return f"{record.pointer.ljust(3)} 1H IN PTR {record.target}."


def forward_sort_key(record: ForwardRecord) -> tuple[str, str]:
    """Hostname labels reversed (so a.b sorts under b), then the exploded IP as text, as the original did."""
    return ".".join(reversed(record.hostname.split("."))), ipaddress.ip_address(record.ip).exploded


def reverse_sort_key(record: ReverseRecord) -> tuple[tuple[int, ...], str]:
    """Pointer labels read as hex, most significant first (still numeric for IPv4 octets), then the target."""
    return tuple(int(label, 16) for label in reversed(record.pointer.split("."))), record.target


def render_zone_files(forward: Iterable[ForwardRecord], reverse: Iterable[ReverseRecord]) -> dict[str, str]:
    """{zone file name: content}; every record line ends with a newline, files are sorted by name."""
    forward_by_file: dict[str, list[ForwardRecord]] = defaultdict(list)
    for record in forward:
        forward_by_file[record.zone_file].append(record)
    reverse_by_file: dict[str, list[ReverseRecord]] = defaultdict(list)
    for record in reverse:
        reverse_by_file[record.zone_file].append(record)

    files: dict[str, str] = {}
    for name, records in forward_by_file.items():
        files[name] = "".join(format_forward(r) + "\n" for r in sorted(records, key=forward_sort_key))
    for name, records in reverse_by_file.items():
        if name in files:  # cannot happen with DNS-valid names: reverse zones end in .arpa, forward ones never do
            raise ValueError(f"zone file {name} is both a forward and a reverse zone")
        files[name] = "".join(format_reverse(r) + "\n" for r in sorted(records, key=reverse_sort_key))
    return dict(sorted(files.items()))


def count_forward_records(files: dict[str, str]) -> int:
    """The number of forward records in a rendered tree (one record per line; reverse zones end in .arpa)."""
    return sum(content.count("\n") for name, content in files.items() if not name.endswith(".arpa"))
