"""OfflineDevice (docs/behaviour-reference.md §2.3): the happy path on a realistic racked server, the dry run, and every
refusal."""

import pytest
from dcim.models import Cable, ConsolePort, Device, Interface, MACAddress
from ipam.models import IPAddress

from tests.factories import racked_servers as f
from tests.script_runs import REVERTED, REVERTED_ON_ERROR

pytestmark = pytest.mark.django_db


def state(*servers: f.RackedServer) -> list:
    """What the script may change, for the "nothing changed" assertions."""
    pks = [s.device.pk for s in servers]
    return [
        list(Device.objects.filter(pk__in=pks).order_by("pk").values()),
        list(Interface.objects.filter(device__in=pks).order_by("pk").values("pk", "name", "cable_id")),
        sorted(IPAddress.objects.values_list("pk", flat=True)),
        sorted(Cable.objects.values_list("pk", flat=True)),
    ]


def test_offlines_a_decommissioning_server(run_script):
    host = f.racked_server(status="decommissioning")
    MACAddress.objects.create(mac_address="b4:96:91:00:00:01", assigned_object=host.primary)
    name, dev = host.device.name, host.device
    switch_port = host.cable.b_terminations[0]

    run = run_script("offline_device", "OfflineDevice", {"devices": f"{name} no-such-host"}, commit=True)

    assert run.job.status == "completed"
    dev.refresh_from_db()
    assert (dev.status, dev.rack, dev.position, dev.face) == ("offline", None, None, "")
    assert (dev.primary_ip4, dev.primary_ip6, dev.oob_ip) == (None, None, None)
    assert not Interface.objects.filter(device=dev).exists()
    assert not IPAddress.objects.filter(pk__in=[host.ip4.pk, host.ip6.pk, host.sub_ip.pk, host.oob.pk]).exists()
    assert not Cable.objects.filter(pk=host.cable.pk).exists()
    switch_port.refresh_from_db()
    assert switch_port.cable is None  # the switch port stays, free
    assert ConsolePort.objects.get(device=dev).cable is not None  # console and power are not touched
    assert not MACAddress.objects.filter(mac_address="b4:96:91:00:00:01").exists()  # went with its interface

    ip4 = str(host.ip4.address)
    assert run.log == [
        ("info", "Found 1 Netbox devices"),
        ("info", f"Setting device {name} status to Offline and unset rack/unit position"),
        # eno1.1001 before its parent eno1: a parent with children cannot be deleted
        ("info", f"Deleting address {host.sub_ip.address} with DNS  on interface eno1.1001 for device {name}"),
        ("info", f"Deleting interface eno1.1001 on device {name}"),
        ("info", f"Deleting address {ip4} with DNS {name}.eqiad.wmnet on interface eno1 for device {name}"),
        (
            "info",
            f"Deleting address {host.ip6.address} with DNS {name}.eqiad.wmnet on interface eno1 for device {name}",
        ),
        ("info", f"Deleting cable {host.cable.label} on device {name}"),
        ("info", f"Deleting interface eno1 on device {name}"),
        ("info", f"Deleting interface eno2 on device {name}"),
        (
            "info",
            f"Deleting address {host.oob.address} with DNS {host.oob.dns_name} on interface mgmt for device {name}",
        ),
        ("info", f"Deleting interface mgmt on device {name}"),
        ("success", f"Successfully offlined device {name}"),
        ("warning", "Device not found: no-such-host"),
        ("success", "1 devices offlined"),
    ]
    assert run.output == "\n".join(f"[{level}] {message}" for level, message in run.log)


def test_dry_run_changes_nothing(run_script):
    host = f.racked_server(status="decommissioning")
    before = state(host)
    run = run_script("offline_device", "OfflineDevice", {"devices": host.device.name}, commit=False)
    assert run.job.status == "completed"
    assert ("success", f"Successfully offlined device {host.device.name}") in run.log
    assert run.log[-1] == ("info", REVERTED)
    assert state(host) == before


def test_only_decommissioning_devices_are_offlined(run_script):
    active = f.racked_server(status="active")
    decom = f.racked_server(status="decommissioning")
    before_active = state(active)
    run = run_script(
        "offline_device", "OfflineDevice", {"devices": f"{active.device.name} {decom.device.name}"}, commit=True
    )
    assert run.messages("failure") == [
        f"Device {active.device.name} is in active status, only decommissioned devices can be offlined. "
        "Skipping device."
    ]
    assert state(active)[:2] == before_active[:2]
    decom.device.refresh_from_db()
    assert decom.device.status == "offline"
    assert run.log[-1] == ("success", "1 devices offlined")


@pytest.mark.parametrize(
    ("devices", "message"),
    [("  ", "No device name given"), ("nosuch1 nosuch2", "No Netbox device found with name(s) nosuch1 nosuch2")],
)
def test_refused_input_aborts(run_script, devices, message):
    host = f.racked_server(status="decommissioning")
    before = state(host)
    run = run_script("offline_device", "OfflineDevice", {"devices": devices}, commit=True)
    assert run.job.status == "errored"  # NetBox re-raises AbortScript after logging it
    assert ("failure", f"Script aborted with error: {message}") in run.log
    assert state(host) == before


def test_an_error_midway_rolls_everything_back(run_script):
    host = f.racked_server(status="decommissioning")
    # An interface of another device whose parent is eno1 (bypassing validation): eno1 cannot be deleted.
    other = f.racked_server()
    Interface.objects.filter(pk=other.spare.pk).update(parent=host.primary)
    before = state(host)
    run = run_script("offline_device", "OfflineDevice", {"devices": host.device.name}, commit=True)
    assert run.job.status == "errored"
    failures = run.messages("failure")
    assert len(failures) == 1 and failures[0].startswith(
        f"Script aborted with error: Failed to offline device(s) {host.device.name}: "
    )
    assert run.log[-1] == ("info", REVERTED_ON_ERROR)
    assert state(host) == before  # the status change saved before the deletions is rolled back too


def test_loader_queries_do_not_grow_with_devices(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from netbox_wmf_ops.lifecycle.offline_device import load_devices

    hosts = [f.racked_server(status="decommissioning") for _ in range(3)]
    with CaptureQueriesContext(connection) as one:
        load_devices([hosts[0].device.name])
    with django_assert_num_queries(len(one)):
        records, _ = load_devices([h.device.name for h in hosts])
    assert [len(r.interfaces) for r in records] == [4, 4, 4]
