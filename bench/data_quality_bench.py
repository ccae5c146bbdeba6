"""Data quality (docs/data-quality.md): what recording findings costs. Targets at scale 1.0: recording adds under
10 % to the Network report's run; recording 10,000 findings takes under 2 s; the Findings page with 10,000 open
findings renders its first page in under 1 s. Not timed tests: measurements to read."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bench.timing import Figures, measure

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


def _network_recording() -> Figures:
    """What recording costs inside a run of the Network report (start_run + record_run), steady state: reruns that
    find the same problems. The findings (and so the recording) grow with the fleet."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from netbox_wmf_ops.models import CheckRun
    from netbox_wmf_ops.quality import runner
    from netbox_wmf_ops.quality.runner import run_report

    run_report(NETWORK, door="command")  # warm-up; later runs are reruns that find the same problems
    spent: list[float] = []
    queries: list[int] = []

    def timed(function):
        def wrapper(*args, **kwargs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                try:
                    return function(*args, **kwargs)
                finally:
                    spent.append(time.perf_counter() - started)
                    queries.append(len(captured))

        return wrapper

    original = (runner.start_run, runner.record_run)
    runner.start_run, runner.record_run = timed(runner.start_run), timed(runner.record_run)
    whole: list[float] = []
    try:
        for _ in range(3):
            started = time.perf_counter()
            run_report(NETWORK, door="command")
            whole.append(time.perf_counter() - started)
    finally:
        runner.start_run, runner.record_run = original
    per_run = [spent[i] + spent[i + 1] for i in range(0, len(spent), 2)]
    recording = statistics.median(per_run)
    bare = statistics.median(whole) - recording
    last = CheckRun.objects.filter(report=NETWORK).order_by("-started").first()
    yield (
        "recording a run's findings (Network report)",
        {
            "s": round(recording, 4),
            "queries": queries[-2] + queries[-1],
            "work": "fleet",
            "findings": last.failures + last.warnings,
            "run without recording, median s": round(bare, 3),
            "recording overhead % of the run (target < 10)": round(100 * recording / bare, 1),
        },
    )


def _ten_thousand() -> Figures:
    """Recording 10,000 findings (first sighting, then a rerun), and the Findings page listing them."""
    from django.test import Client
    from users.models import User

    from netbox_wmf_ops.checks import failure
    from netbox_wmf_ops.models import CheckRun, Finding

    Finding.objects.filter(report=SYNTHETIC).delete()
    objects = _objects(COUNT)
    findings = [("test_bench", failure(obj, f"bench finding {i}", "bench.synthetic")) for i, obj in enumerate(objects)]
    findings += [
        ("test_bench", failure(None, f"bench host {i}", "bench.synthetic")) for i in range(COUNT - len(objects))
    ]
    try:
        new = measure(lambda: _record(findings), repeat=1, warmup=0)
        yield f"recording {COUNT:,} new findings", {**new, "work": "fixed", "objects": len(objects)}
        yield f"recording {COUNT:,} findings, unchanged rerun", {**measure(lambda: _record(findings)), "work": "fixed"}

        user = User.objects.filter(is_superuser=True).first() or User.objects.create_user(
            "bench-dq", password="Bench-Pass-12345", is_superuser=True
        )
        client = Client()
        client.force_login(user)
        url = f"/plugins/wmf-ops/findings/?report={SYNTHETIC}&status=open"

        def page():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        yield f"findings list, {COUNT:,} open, first page", {**measure(page, repeat=5), "work": "fixed"}
        resolved = measure(lambda: _record([]), repeat=1, warmup=0)  # resolves them all
        yield f"recording a run that resolves {COUNT:,} findings", {**resolved, "work": "fixed"}
    finally:
        Finding.objects.filter(report=SYNTHETIC).delete()
        CheckRun.objects.filter(report=SYNTHETIC).delete()


def groups() -> dict[str, Callable[[], Figures]]:
    return {"network recording": _network_recording, "ten thousand": _ten_thousand}
