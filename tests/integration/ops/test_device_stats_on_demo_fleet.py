"""GetDeviceStats (docs/behaviour-reference.md §2.2) on the demo fleet: one sample per (status, site, location,
manufacturer)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from core.models import Job
from dcim.models import Device
from django.utils import timezone

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_fleet_loaded")]

SAMPLE = re.compile(
    r'^netbox_device_count\{status="(.*)",datacenter="(.*)",rackgroup="(.*)",manufacturer="(.*)"\} (\d+)$'
)


def test_counts_every_device_and_prunes_old_runs(run_script):
    first = run_script("device_stats", "GetDeviceStats", {}, commit=True)
    assert first.job.status == "completed", first.log
    Job.objects.filter(pk=first.job.pk).update(created=timezone.now() - timedelta(minutes=6))

    run = run_script("device_stats", "GetDeviceStats", {}, commit=True)

    assert run.job.status == "completed", run.log
    assert not Job.objects.filter(pk=first.job.pk).exists()  # finished more than 5 minutes ago: pruned
    lines = run.output.split("\n")
    assert lines[:2] == [
        "# HELP netbox_device_count The number of devices with various properties.",
        "# TYPE netbox_device_count gauge",
    ]
    assert lines[-1] == ""  # every line ends with a newline
    samples = [SAMPLE.match(line).groups() for line in lines[2:-1]]
    assert len({s[:4] for s in samples}) == len(samples)
    assert sum(int(s[4]) for s in samples) == Device.objects.count()
    for status, site, location, manufacturer, count in samples:
        # Each count, queried on its own ("None" is a device without a location).
        devices = Device.objects.filter(status=status, site__slug=site, device_type__manufacturer__slug=manufacturer)
        if location == "None":
            devices = devices.filter(location__isnull=True)
        else:
            devices = devices.filter(location__slug=location)
        assert devices.count() == int(count), (status, site, location, manufacturer)
    assert ("active", "eqiad", "eqiad-row-a", "dell") in {s[:4] for s in samples}
