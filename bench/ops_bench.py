"""Operations kit: a full CSV dump (target < 20 s at scale 1.0) and the script proxy's overhead (target < 100 ms)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from bench.timing import Figures, measure, median_time


def _dump() -> Figures:
    """One full dump (every table, one REPEATABLE READ transaction, files written as rows arrive)."""
    from netbox_wmf_ops.exports.dump import run_dump

    dumped = {}
    with tempfile.TemporaryDirectory(prefix="wmf-ops-bench-dump-") as root:

        def dump() -> None:
            dumped["result"] = run_dump(root, rotate=False)

        measured = measure(dump, repeat=1, warmup=0)
        size = sum(table["bytes"] for table in dumped["result"].manifest["tables"].values())
    yield (
        "CSV dump, every table",
        {
            **measured,
            "work": "fleet",
            "rows": dumped["result"].total_rows,
            "tables": len(dumped["result"].manifest["tables"]),
            "bytes": size,
        },
    )


def _proxy() -> Figures:
    from dcim.models import Device
    from django.test import Client
    from users.models import User

    from netbox_wmf_ops.registration import register_shipped_scripts
    from netbox_wmf_ops.scripts.device_stats import GetDeviceStats

    register_shipped_scripts()
    user, _ = User.objects.get_or_create(username="wmf-ops-bench", defaults={"is_superuser": True})
    client = Client()
    client.force_login(user)
    url = "/api/plugins/wmf-ops/proxy/wmf_ops_device_stats.GetDeviceStats/"
    status = client.get(url).status_code
    if status != 200:
        raise RuntimeError(f"proxy answered {status}")
    from extras.models import Script

    from netbox_wmf_ops.proxy.runner import _ProxiedScriptJob, retire_workers

    script = Script.objects.get(module__file_path="wmf_ops_device_stats.py", name="GetDeviceStats")
    direct = median_time(lambda: GetDeviceStats().run({}, True), repeat=15)
    devices = Device.objects.count()
    # The same script as a NetBox job run in-process (what `netbox runscript` does): Job rows, logging, transaction.
    as_job = measure(
        lambda: _ProxiedScriptJob.enqueue(
            instance=script, user=user, immediate=True, data={}, request=None, commit=True, notifications="never"
        ),
        repeat=15,
    )
    proxied = measure(lambda: client.get(url), repeat=15)  # a pooled worker, its connection already open

    def cold_call() -> None:  # the first call after the worker pool went idle: a new thread and DB connection
        retire_workers()
        client.get(url)

    cold = median_time(cold_call, repeat=3, warmup=0)
    retire_workers()
    yield (
        "script proxy (GetDeviceStats, pooled worker)",
        {
            **proxied,  # the request's queries: the worker thread's connection (the job's) is not seen from here
            "work": "fleet",
            "devices": devices,
            "device stats script median s": round(direct, 4),
            "device stats as an in-process NetBox job median s": as_job["s"],
            "device stats as an in-process NetBox job queries": as_job["queries"],
            "proxy overhead over run() ms (target < 100)": round((proxied["s"] - direct) * 1000, 1),
            "proxy overhead over the NetBox job ms": round((proxied["s"] - as_job["s"]) * 1000, 1),
            "proxy overhead over run() with a fresh worker ms": round((cold - direct) * 1000, 1),
        },
    )


def groups() -> dict[str, Callable[[], Figures]]:
    return {"dump": _dump, "proxy": _proxy}
