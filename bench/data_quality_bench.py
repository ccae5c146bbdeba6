"""Data quality (docs/data-quality.md): what recording findings costs. Targets at scale 1.0: recording adds under
10 % to the Network report's run; recording 10,000 findings takes under 2 s; the Findings page with 10,000 open
findings renders its first page in under 1 s. Not timed tests: measurements to read."""

from __future__ import annotations

import statistics
import time

from bench.timing import count_queries, median_time

NETWORK = "wmf_ops_network.Network"
SYNTHETIC = "wmf_ops_bench.TenThousand"
COUNT = 10_000


def _objects(count: int) -> list:
    """`count` NetBox objects of several kinds (interfaces first), for findings about real objects."""
    from dcim.models import ConsolePort, Device, Interface, PowerPort
    from ipam.models import IPAddress

    found: list = []
    for model in (Interface, ConsolePort, PowerPort, IPAddress, Device):
        if len(found) >= count:
            break
        found.extend(model.objects.order_by("pk")[: count - len(found)])
    return found


def _record(findings, tests=("test_bench",)):
    from netbox_wmf_ops.quality.service import record_run, start_run

    run = start_run(SYNTHETIC, door="command")
    started = time.perf_counter()
    record_run(run, tests_run=list(tests), findings=findings)
    return time.perf_counter() - started, run


def run() -> dict[str, float | int | str]:
    from django.test import Client
    from users.models import User

    from netbox_wmf_ops.checks import failure
    from netbox_wmf_ops.models import CheckRun, Finding
    from netbox_wmf_ops.quality import catalog
    from netbox_wmf_ops.quality.runner import run_report

    results: dict[str, float | int | str] = {}

    # 1. Recording overhead on the Network report (steady state: a rerun that finds the same problems).
    network = catalog.report_class(NETWORK)
    # Interleaved, so that load from other processes weighs on both alike.
    run_report(NETWORK, door="command")  # warm-up; later runs are reruns that find the same problems
    bare_times, recorded_times = [], []
    for _ in range(3):
        bare_times.append(median_time(lambda: network().run({}, False), repeat=1, warmup=0))
        recorded_times.append(median_time(lambda: run_report(NETWORK, door="command"), repeat=1, warmup=0))
    bare, recorded = statistics.median(bare_times), statistics.median(recorded_times)
    # What recording itself costs inside a run (start_run + record_run), free of the report's own variance.
    from netbox_wmf_ops.quality import runner

    spent: list[float] = []

    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent.append(time.perf_counter() - started)

        return wrapper

    original = (runner.start_run, runner.record_run)
    runner.start_run, runner.record_run = timed(runner.start_run), timed(runner.record_run)
    try:
        for _ in range(3):
            run_report(NETWORK, door="command")
    finally:
        runner.start_run, runner.record_run = original
    recording = sum(spent) / 3
    last = CheckRun.objects.filter(report=NETWORK).order_by("-started").first()
    results["network findings"] = last.failures + last.warnings
    results["network run without recording, median s"] = round(bare, 3)
    results["network run with recording, median s"] = round(recorded, 3)
    results["network run overhead %, interleaved medians (noisy)"] = round(100 * (recorded - bare) / bare, 1)
    results["network recording time per run, s"] = round(recording, 3)
    results["network recording overhead % of the bare run (target < 10)"] = round(100 * recording / bare, 1)

    # 2. Recording 10,000 findings: first sighting (all created), then a rerun (all kept), then all resolved.
    Finding.objects.filter(report=SYNTHETIC).delete()
    objects = _objects(COUNT)
    findings = [("test_bench", failure(obj, f"bench finding {i}", "bench.synthetic")) for i, obj in enumerate(objects)]
    findings += [
        ("test_bench", failure(None, f"bench host {i}", "bench.synthetic")) for i in range(COUNT - len(objects))
    ]
    created, _ = _record(findings)
    kept, _ = _record(findings)
    results["10k findings: objects"] = len(objects)
    results["10k findings: record new, s (target < 2)"] = round(created, 3)
    results["10k findings: record unchanged rerun, s (target < 2)"] = round(kept, 3)
    results["10k findings: recording queries"] = count_queries(lambda: _record(findings))

    # 3. The Findings page, first page, with those 10,000 open findings.
    user = User.objects.filter(is_superuser=True).first() or User.objects.create_user(
        "bench-dq", password="Bench-Pass-12345", is_superuser=True
    )
    client = Client()
    client.force_login(user)
    url = f"/plugins/wmf-ops/findings/?report={SYNTHETIC}&status=open"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    results["findings page, 10k open, first page median s (target < 1)"] = round(median_time(page, repeat=5), 3)
    results["findings page queries"] = count_queries(page)
    _record([])  # resolves them all
    results["10k findings: resolve all, s"] = round(_record([])[0], 3)
    Finding.objects.filter(report=SYNTHETIC).delete()
    CheckRun.objects.filter(report=SYNTHETIC).delete()
    return results
