"""Query counts that do not grow with the fleet (issue 15): every report that reads only NetBox, the DNS snippet
generation, the full CSV dump and a Ganeti sync with changes, counted on the seeded test fleet and again after the
fleet grew (servers cabled to a switch, their addresses with DNS names, VMs with addresses, a prefix, tags). The
timings of the same figures at scale 1, 3 and 10 are `make bench`'s (bench/RESULTS.md); these are the cheap checks."""

from __future__ import annotations

import importlib
import itertools
import tempfile
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from extras.models import Tag
from virtualization.models import VirtualMachine, VMInterface

from netbox_wmf_ops.dns import service as dns
from netbox_wmf_ops.exports.dump import run_dump
from netbox_wmf_ops.ganeti.sync import sync_profile
from netbox_wmf_ops.registration import discover_shipped_modules
from netbox_wmf_ops.sources.report_base import ExternalSourceReport
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


def netbox_only_reports() -> dict[str, type]:
    found = {}
    for module in discover_shipped_modules():
        if ".reports." not in module.source:
            continue
        source = importlib.import_module(module.source)
        for name in module.class_names:
            cls = getattr(source, name)
            if not issubclass(cls, ExternalSourceReport):
                found[f"{module.shim_name}.{name}"] = cls
    return found


def every_figure() -> dict[str, Callable[[], Any]]:
    """What `make bench` measures on NetBox alone, each as a call whose queries are counted."""
    settings = dns.load_settings()
    dump_root = tempfile.mkdtemp(prefix="wmf-ops-queries-flat-")
    names = (f"flat-{n}" for n in itertools.count())
    figures: dict[str, Callable[[], Any]] = {
        f"report {label}": (lambda cls=cls: cls().run(data={}, commit=False))
        for label, cls in netbox_only_reports().items()
    }
    figures["DNS snippet generation"] = lambda: dns.generate_snippets(settings)
    figures["CSV dump"] = lambda: run_dump(dump_root, name=next(names), rotate=False)
    return figures


def test_reports_dns_generation_and_the_dump_make_as_many_queries_on_a_larger_fleet():
    figures = every_figure()
    assert len(figures) >= 8, sorted(figures)  # the NetBox-only reports were found
    for func in figures.values():
        func()  # fills NetBox's process-wide caches (content types, custom fields), as a long-running worker has
    before = {name: queries(func) for name, func in figures.items()}
    grow_fleet(12)
    after = {name: queries(func) for name, func in figures.items()}
    assert after == before


def _change(fake, round_number: int) -> None:
    """Two field updates, one move to another node group, one removal and one addition: five changes."""
    first, second, moved, removed = fake.instances[:4]
    first.vcpus += 1
    second.memory += 1024
    group = next(n.group for n in fake.nodes if n.name == moved.pnode)
    fake.move_instance(moved.name, fake.groups[(fake.groups.index(group) + 1) % len(fake.groups)])
    fake.remove_instance(removed.name)
    fake.add_instance(f"flat{round_number}", group=fake.groups[0])


def test_a_ganeti_sync_with_changes_makes_as_many_queries_on_a_larger_cluster():
    counts = []
    for size in (10, 40):
        site = factories.site()
        fake = fg.cluster(instances=size)
        fg.node_devices(fake, site)
        with fg.server(fake) as srv:
            profile = fg.profile(srv, site)
            sync_profile(profile, commit=True)
            _change(fake, 1)
            sync_profile(profile, commit=True)  # warm caches (content types, config) so both sizes measure the same
            _change(fake, 2)
            with CaptureQueriesContext(connection) as captured:
                result = sync_profile(profile, commit=True)
            assert result.change_count == 5 and not result.failed, result.summary()
            counts.append(len(captured))
    assert counts[0] == counts[1], counts
