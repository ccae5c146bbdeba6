"""Interface import (PuppetDB facts → NetBox), NetBox side only: one typical host under 300 ms, 100 hosts linear.

Real servers of the bench fleet are put back in the state provisioning leaves them in (the primary NIC named
``##PRIMARY##``, cabled to its switch port, its IPs on it; the second NIC not yet there) and fed the
``single_nic`` fixture's facts rewritten to their own switch port, MAC and addresses. Facts come from an in-memory
client, so PuppetDB latency is excluded. Changes are change-logged as a script run's are. Everything happens in one
transaction that is rolled back, so the bench database stays as it was.
"""

from __future__ import annotations

import copy
import ipaddress
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.timing import Figures

TYPICAL_REPEAT = 5
MANY_HOSTS = 100


class _RollbackError(Exception):
    pass


class FixtureClient:
    """Stands in for PuppetDBClient: ``host_facts`` returns already-fetched facts."""

    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.facts = facts

    def host_facts(self, host: str, names=None) -> dict[str, Any]:
        return copy.deepcopy(self.facts[host])


def _pick_servers(count: int) -> list:
    from dcim.models import Device, Interface

    cabled = Interface.objects.filter(name="eno1", cable__isnull=False, device__role__slug="server").values("device_id")
    return list(
        Device.objects.filter(
            pk__in=cabled, status="active", tenant__isnull=True, primary_ip4__isnull=False, primary_ip6__isnull=False
        )
        .select_related("primary_ip4", "primary_ip6")
        .order_by("name")[:count]
    )


def _provisioned(host) -> dict[str, Any]:
    """Put ``host`` back in its provisioned state and return facts (single_nic fixture) matching its cabling."""
    from dcim.models import Interface

    from dev.puppetdb_harness import load_fixture

    ifaces = {i.name: i for i in Interface.objects.filter(device=host)}
    primary = ifaces["eno1"]
    peer = primary.link_peers[0]
    vc = peer.device.virtual_chassis
    neighbor = vc.domain.split(".")[0] if vc and vc.domain else peer.device.name
    mac = str(primary.primary_mac_address.mac_address).lower()
    primary.name = "##PRIMARY##"
    primary.save()
    if "eno2" in ifaces:
        ifaces["eno2"].delete()

    _, facts = load_fixture("single_nic", host=host.name)
    ip4 = ipaddress.ip_interface(str(host.primary_ip4.address))
    ip6 = ipaddress.ip_interface(str(host.primary_ip6.address))
    net = facts["networking"]
    fqdn = host.primary_ip4.dns_name or f"{host.name}.{net['domain']}"
    net.update(fqdn=fqdn, domain=fqdn.partition(".")[2])
    nic = net["interfaces"]["eno1np0"]
    v4 = {"address": str(ip4.ip), "netmask": str(ip4.netmask), "network": str(ip4.network.network_address)}
    v6 = {"address": str(ip6.ip), "netmask": str(ip6.netmask), "network": str(ip6.network.network_address)}
    nic.update(mac=mac, ip=v4["address"], netmask=v4["netmask"], network=v4["network"], bindings=[v4])
    nic.update(ip6=v6["address"], netmask6=v6["netmask"], network6=v6["network"])
    nic["bindings6"][0].update(v6)
    net.update(ip=v4["address"], netmask=v4["netmask"], ip6=v6["address"], netmask6=v6["netmask"], mac=mac)
    label = primary.cable.label or ""
    facts["lldp"]["parent"] = neighbor
    facts["lldp"]["eno1np0"].update(neighbor=neighbor, port=peer.name, descr=f"{host.name} {{#{label}}}")
    return facts


def _import(names: list[str], client, user, log: list) -> Any:
    from netbox_wmf_ops.ganeti.service import change_logging
    from netbox_wmf_ops.puppetdb.importer import import_hosts

    with change_logging(user):
        return import_hosts(names, client, lambda level, message: log.append((level, message)), commit=True)


def _timed(names, client, user, rollback: bool) -> tuple[float, int, Any, list]:
    """(seconds, queries, result, log) of one import run; rolled back afterwards if asked."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    log: list = []
    sid = transaction.savepoint()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = _import(names, client, user, log)
        elapsed = time.perf_counter() - started
    if rollback:
        transaction.savepoint_rollback(sid)
    else:
        transaction.savepoint_commit(sid)
    return elapsed, len(captured), result, log


def _bench_user():
    from users.models import User

    return User.objects.create_superuser("puppetdb-bench", "bench@example.org", "bench-password")


def _failures(log: list) -> int:
    return sum(1 for level, _ in log if level == "failure")


def _interface_import() -> Figures:
    from django.db import transaction

    from netbox_wmf_ops.ganeti.service import default_user

    try:
        with transaction.atomic():
            # Changes are change-logged as a script run's are: that needs a user (rolled back with the rest).
            user = default_user() or _bench_user()
            hosts = _pick_servers(MANY_HOSTS + 1)
            if len(hosts) < MANY_HOSTS + 1:
                raise RuntimeError(f"only {len(hosts)} suitable servers in the bench fleet")
            client = FixtureClient({h.name: _provisioned(h) for h in hosts})
            typical, many = hosts[0].name, [h.name for h in hosts[1:]]

            # One typical host, first import: repeated on the same host, each run rolled back.
            _timed([typical], client, user, rollback=True)  # warm-up (content types, caches)
            runs = [_timed([typical], client, user, rollback=True) for _ in range(TYPICAL_REPEAT)]
            yield (
                "interface import, one host, first import",
                {
                    "s": round(statistics.median(r[0] for r in runs), 4),
                    "queries": runs[-1][1],
                    "work": "fixed",
                    "host": typical,
                    "changes": len(runs[-1][2].plans[0].changes),
                    "failures": _failures(runs[-1][3]),
                },
            )

            # The same host again once imported: nothing to change.
            _timed([typical], client, user, rollback=False)
            runs = [_timed([typical], client, user, rollback=True) for _ in range(TYPICAL_REPEAT)]
            yield (
                "interface import, one host, no-change rerun",
                {
                    "s": round(statistics.median(r[0] for r in runs), 4),
                    "queries": runs[-1][1],
                    "work": "fixed",
                    "changes": len(runs[-1][2].plans[0].changes),
                },
            )

            # 100 hosts in one run (first import of each).
            elapsed, queries, result, _log = _timed(many, client, user, rollback=True)
            yield (
                f"interface import, {MANY_HOSTS} hosts in one run",
                {
                    "s": round(elapsed, 3),
                    "queries": queries,
                    "work": "fixed",
                    "per host ms": round(elapsed / MANY_HOSTS * 1000, 1),
                    "queries per host": round(queries / MANY_HOSTS, 1),
                    "failed hosts": len(result.failed_hosts),
                },
            )
            raise _RollbackError
    except _RollbackError:
        pass


def groups() -> dict[str, Callable[[], Figures]]:
    return {"import": _interface_import}
