"""Query counts that do not grow with the fleet (issue 15): the Management report, the DNS snippet generation, every
table of the CSV dump and a Ganeti sync with changes, counted on the seeded test fleet and again after the fleet grew
(servers cabled to a switch, their addresses with DNS names, VMs with addresses, a prefix, tags). The other reports'
checks live beside their tests (tests/integration/reports, tests/integration/extreports), the Ganeti no-op's in
tests/integration/ganeti/test_sync.py. The timings of the same figures at scale 1, 3 and 10 are `make bench`'s
(bench/RESULTS.md); these are the cheap checks."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from extras.models import Tag
from virtualization.models import VirtualMachine, VMInterface

from netbox_wmf_ops.dns import service as dns
from netbox_wmf_ops.exports.loader import write_table_csv
from netbox_wmf_ops.exports.tables import TABLES
from netbox_wmf_ops.ganeti.sync import sync_profile
from netbox_wmf_ops.reports.management import ManagementConsole
from tests import factories
from tests.factories import ganeti as fg
from tests.factories import reports as f

pytestmark = pytest.mark.django_db
_blocks = itertools.count(1)


def queries(func: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


def grow_fleet(servers: int) -> None:
    """``servers`` more servers, each cabled to a port of a new switch and tagged, with an address (and DNS name) on
    its NIC, and as many VMs with an address, all in a new /24 prefix at a new site."""
    site = factories.site()
    block = next(_blocks)
    f.prefix(f"172.31.{block}.0/24", scope=site)
    switch = f.device(role_slug="asw", site_obj=site)
    tag = Tag.objects.get_or_create(slug="queries-flat", defaults={"name": "queries-flat"})[0]
    for index in range(1, servers + 1):
        server = f.device(site_obj=site)
        server.tags.add(tag)
        nic = f.interface(server, "eno1")
        f.cable(nic, f.interface(switch))
        f.ip(f"172.31.{block}.{index}/24", assigned=nic, dns_name=f"{server.name}.{site.slug}.wmnet")
        vm = VirtualMachine.objects.create(name=factories.unique("flatvm"), site=site, status="active")
        vm_nic = VMInterface.objects.create(virtual_machine=vm, name="eth0")
        f.ip(f"172.31.{block}.{100 + index}/24", assigned=vm_nic, dns_name=f"{vm.name}.{site.slug}.wmnet")


def every_figure() -> dict[str, Callable[[], Any]]:
    """Each call whose queries are counted: the Management report (the other reports that read only NetBox have their
    own check beside their tests), the DNS snippet generation and every table of the CSV dump (written to memory: the
    dump's files, lock and snapshot add a fixed number of queries)."""
    settings = dns.load_settings()
    figures: dict[str, Callable[[], Any]] = {
        "report ManagementConsole": lambda: ManagementConsole().run(data={}, commit=False),
        "DNS snippet generation": lambda: dns.generate_snippets(settings),
    }
    for spec in TABLES:
        figures[f"dump table {spec.name}"] = lambda spec=spec: write_table_csv(spec, io.StringIO())
    return figures


def test_the_management_report_dns_generation_and_every_dump_table_make_as_many_queries_on_a_larger_fleet():
    figures = every_figure()
    for func in figures.values():
        func()  # fills NetBox's process-wide caches (content types, custom fields), as a long-running worker has
    before = {name: queries(func) for name, func in figures.items()}
    grow_fleet(4)
    after = {name: queries(func) for name, func in figures.items()}
    assert after == before


def _change(fake, prefix: str, round_number: int) -> None:
    """Two field updates, one move to another node group and one addition, on VMs of the same shape whatever the
    cluster: four changes (no removal: the deletion guard refuses to delete more than 10 % of a small cluster)."""
    fake.instance(f"{prefix}-cpu").vcpus += 1
    fake.instance(f"{prefix}-memory").memory += 1024
    moved = fake.instance(f"{prefix}-moved")
    group = next(n.group for n in fake.nodes if n.name == moved.pnode)
    fake.move_instance(moved.name, fake.groups[(fake.groups.index(group) + 1) % len(fake.groups)])
    fake.add_instance(f"{prefix}-added{round_number}", group=fake.groups[0])


def test_a_ganeti_sync_with_changes_makes_as_many_queries_on_a_larger_cluster():
    counts = []
    for size in (10, 30):
        site = factories.site()
        fake = fg.cluster(instances=size)
        prefix = factories.unique("flat")  # VM names are unique across clusters
        for name in ("cpu", "memory", "moved"):
            fake.add_instance(f"{prefix}-{name}", group=fake.groups[0])
        fg.node_devices(fake, site)
        with fg.server(fake) as srv:
            profile = fg.profile(srv, site)
            sync_profile(profile, commit=True)
            _change(fake, prefix, 1)
            sync_profile(profile, commit=True)  # warm caches (content types, config) so both sizes measure the same
            _change(fake, prefix, 2)
            with CaptureQueriesContext(connection) as captured:
                result = sync_profile(profile, commit=True)
            assert result.change_count == 4 and not result.failed, result.summary()
            counts.append(len(captured))
    assert counts[0] == counts[1], counts
