"""Capirca host definitions (docs/behaviour-reference.md §2.9) of the whole demo fleet."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from dcim.models import Device
from ipam.models import IPAddress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]

ENTRY = re.compile(r"^(?:(?P<name>\S+) = |\s+)(?P<ip>\S+) # (?P<host>\S+)$")


def test_lists_the_fleets_servers_vms_and_service_addresses(run_script):
    # The expected hosts and addresses, straight from the spec's rules: active addresses on servers' non-management
    # interfaces and on VM interfaces, and unassigned active VIP/anycast addresses under their DNS name.
    active = IPAddress.objects.filter(status="active")
    expected: dict[str, set[str]] = defaultdict(set)
    for rows in (
        active.filter(interface__device__role__slug="server", interface__mgmt_only=False).values_list(
            "address", "interface__device__name"
        ),
        active.filter(vminterface__isnull=False).values_list("address", "vminterface__virtual_machine__name"),
        active.filter(assigned_object_id__isnull=True, role__in=("vip", "anycast"))
        .exclude(dns_name="")
        .values_list("address", "dns_name"),
    ):
        assert rows, "the demo fleet has servers, VMs and service addresses"
        for address, host in rows:
            expected[host].add(str(address.ip))
    groups: dict[str, list[str]] = defaultdict(list)
    for host in sorted(expected):
        if re.search(r"\d{4}", host):
            groups[re.sub(r"\d{4}", "", host)].append(host)

    run = run_script("capirca", "GetHosts", {}, commit=True)

    assert run.job.status == "completed", run.log
    assert run.log == [
        ("success", "Generated successfully, see the output tab for result."),
        ("success", f"{len(expected)} hosts and {len(groups)} groups defined"),
    ]
    host_part, group_part = run.output.split("\n\n\n\n")
    listed: dict[str, set[str]] = defaultdict(set)
    names = []
    for line in host_part.splitlines():
        entry = ENTRY.match(line)
        assert entry, line
        if entry["name"]:
            assert entry["name"] == entry["host"]
            names.append(entry["name"])
        listed[entry["host"]].add(entry["ip"])
    assert listed == expected  # so no management, switch or inactive address either
    assert names == sorted(expected)

    # A server's block: its IPv4 first, its IPv6 aligned under it.
    server = Device.objects.filter(name__in=expected, primary_ip6__isnull=False).order_by("name").first()
    name, v4, v6 = server.name, str(server.primary_ip4.address.ip), str(server.primary_ip6.address.ip)
    lines = host_part.splitlines()
    start = lines.index(f"{name} = {v4} # {name}")
    assert lines[start + 1] == f"{' ' * (len(name) + 3)}{v6} # {name}"

    # Groups: one block per name pattern, members aligned after "{group}_group = ".
    rendered = []
    for group, members in sorted(groups.items()):
        rendered.append(f"{group}_group = {members[0]}")
        rendered += [" " * (len(group) + 9) + member for member in members[1:]]
    assert group_part.splitlines() == rendered
