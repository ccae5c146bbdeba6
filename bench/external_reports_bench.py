"""Job times of the reports over external sources (PuppetDB, LibreNMS, Juniper), split into the time spent in the
external calls and the rest (NetBox-side: ORM loading, the checks, the job log). Target at scale 1.0: PuppetDB and
LibreNMS under 2 s NetBox-side (issue #3).

Each report reads its real source path, fed with the bench fleet's own external view ``plan_fleet(scale, 1).external``
(the rows the seeded-defect tests use: dev/fleet_sources.py, dev/fleet/exports.py):

* PuppetDB: the ``/v1/facts`` microservice fixture (dev/puppetdb_harness.py), ``puppetdb_api: microservice``;
* LibreNMS: a throw-away MariaDB database with LibreNMS's ``devices`` and ``entPhysical`` tables;
* Juniper: the installed-base export as the configured CSV file, written as `make demo` writes it.

"External" is the time inside the source functions the loaders call, measured by wrapping them for the bench:
``MicroserviceClient.facts_by_host`` (the HTTP fetches and JSON decoding; the fixture server runs in this process, so
its side of each request counts too), ``read_database`` (connect, both queries, fetch) and ``read_file`` (file read and
CSV parsing). NetBox-side = job time - external, per run; medians of 3 runs after a warm-up. One group per source.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.timing import CallTimer, Figures, measure

REPEAT = 3
SEED = 1


@contextlib.contextmanager
def plugin_settings(**overrides: Any) -> Iterator[None]:
    """Override some of PLUGINS_CONFIG['netbox_wmf_ops'] for the block, restored after. The plugin reads its settings
    through NetBox's ``get_plugin_config`` at each call (no cache), so replacing the dict takes effect at once."""
    from django.conf import settings

    from tests.integration.extreports.helpers import plugin_settings as override  # the tests' own, on live settings

    with override(settings, **overrides):
        yield


def _run(report_class) -> Any:
    report = report_class()
    report.run(data={}, commit=False)
    if report.source_failure is not None:  # a bench of the failure path would be meaningless
        raise RuntimeError(f"{report_class.__name__}: source not read: {report.source_failure}")
    return report


def _measure(report_class, timer: CallTimer) -> dict[str, Any]:
    """NetBox-side time (the figure's time), job time and external time (medians over the same runs), queries."""
    totals: list[float] = []
    external: list[float] = []

    def once() -> None:
        timer.take()
        started = time.perf_counter()
        _run(report_class)
        totals.append(time.perf_counter() - started)
        external.append(timer.take())

    timer.calls = 0
    measured = measure(once, repeat=REPEAT)
    calls = timer.calls / (REPEAT + 1)
    totals, external = totals[1:], external[1:]  # the warm-up run is not counted
    report = _run(report_class)
    netbox_side = [total - ext for total, ext in zip(totals, external, strict=True)]
    return {
        "s": round(statistics.median(netbox_side), 4),
        "queries": measured["queries"],
        "work": "fleet",
        "job median s": measured["s"],
        "external median s": round(statistics.median(external), 4),
        "external calls per run": calls,
        "failures+warnings": sum(result["failure"] + result["warning"] for result in report.tests.values()),
    }


def _puppetdb() -> Figures:
    from dev.fleet_sources import puppetdb_nodes
    from dev.puppetdb_harness import MicroserviceFixture
    from netbox_wmf_ops.puppetdb.client import MicroserviceClient
    from netbox_wmf_ops.reports.puppetdb import PhysicalHosts, VirtualMachines

    nodes = puppetdb_nodes(_plan())
    with (
        MicroserviceFixture(nodes) as fixture,
        plugin_settings(puppetdb_url=fixture.url, puppetdb_api="microservice"),
        CallTimer((MicroserviceClient, "facts_by_host")) as timer,
    ):
        for report_class in (VirtualMachines, PhysicalHosts):
            yield (
                f"report PuppetDB.{report_class.__name__}, NetBox side",
                {**_measure(report_class, timer), "PuppetDB nodes": len(nodes)},
            )


def _librenms() -> Figures:
    from dev.fleet_sources import librenms_tables
    from dev.librenms_harness import librenms_database
    from netbox_wmf_ops.loaders import librenms as loader
    from netbox_wmf_ops.reports.librenms import LibreNMS

    devices, inventory = librenms_tables(_plan())
    with (
        librenms_database(devices, inventory) as db,
        plugin_settings(librenms_db=db),
        CallTimer((loader, "read_database")) as timer,
    ):
        yield (
            "report LibreNMS, NetBox side",
            {**_measure(LibreNMS, timer), "devices rows": len(devices), "entPhysical rows": len(inventory)},
        )


def _juniper() -> Figures:
    from dev.fleet.exports import write_exports
    from netbox_wmf_ops.loaders import juniper as loader
    from netbox_wmf_ops.reports.juniper import Juniper

    plan = _plan()
    with tempfile.TemporaryDirectory(prefix="wmf-ops-bench-") as folder:
        path = write_exports(plan.external, Path(folder))["juniper_installed_base_file"]  # the file `make demo` uses
        with plugin_settings(juniper_installed_base_file=path), CallTimer((loader, "read_file")) as timer:
            yield "report Juniper, NetBox side", {**_measure(Juniper, timer), "rows": len(plan.external["juniper"]) - 1}


def _plan():
    from dev.fleet.plan import plan_fleet

    return plan_fleet(float(os.environ.get("WMF_OPS_BENCH_SCALE", "1.0")), SEED)


def groups() -> dict[str, Callable[[], Figures]]:
    return {"puppetdb": _puppetdb, "librenms": _librenms, "juniper": _juniper}
