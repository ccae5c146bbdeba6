"""Operations kit: a full CSV dump (target < 20 s at scale 1.0) and the script proxy's overhead (target < 100 ms)."""

from __future__ import annotations

import tempfile

from bench.timing import median_time


def _dump_seconds() -> tuple[float, int]:
    from netbox_wmf_ops.exports.dump import run_dump

    rows = 0
    with tempfile.TemporaryDirectory(prefix="wmf-ops-bench-dump-") as root:

        def dump() -> None:
            nonlocal rows
            rows = run_dump(root, rotate=False).total_rows

        seconds = median_time(dump, repeat=1, warmup=0)
    return seconds, rows


def _proxy_overhead() -> dict[str, float]:
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
    # The same script as a NetBox job run in-process (what `netbox runscript` does): Job rows, logging, transaction.
    as_job = median_time(
        lambda: _ProxiedScriptJob.enqueue(
            instance=script, user=user, immediate=True, data={}, request=None, commit=True, notifications="never"
        ),
        repeat=15,
    )
    proxied = median_time(lambda: client.get(url), repeat=15)  # a pooled worker, its connection already open

    def cold_call() -> None:  # the first call after the worker pool went idle: a new thread and DB connection
        retire_workers()
        client.get(url)

    cold = median_time(cold_call, repeat=3, warmup=0)
    retire_workers()
    return {
        "device stats script median s": round(direct, 4),
        "device stats as an in-process NetBox job median s": round(as_job, 4),
        "device stats via proxy median s": round(proxied, 4),
        "proxy overhead over run() ms (target < 100)": round((proxied - direct) * 1000, 1),
        "proxy overhead over the NetBox job ms": round((proxied - as_job) * 1000, 1),
        "proxy overhead over run() with a fresh worker ms": round((cold - direct) * 1000, 1),
    }


def run() -> dict[str, float | int | str]:
    seconds, rows = _dump_seconds()
    return {"full dump s (target < 20 at scale 1.0)": round(seconds, 2), "full dump rows": rows, **_proxy_overhead()}
