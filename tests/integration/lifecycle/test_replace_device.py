"""ReplaceDevice (docs/behaviour-reference.md §2.7): an RMA on a realistic racked server, the dry run, and every
refusal."""

import pytest
from dcim.models import CableTermination, ConsolePort, Device, Interface, InventoryItem, PowerOutlet, PowerPort
from ipam.models import IPAddress

from tests import factories
from tests.factories import racked_servers as f
from tests.factories import reports as factories_reports
from tests.script_runs import REVERTED

pytestmark = pytest.mark.django_db


def state(*devices: Device) -> list:
    pks = [d.pk for d in devices]
    return [
        list(Device.objects.filter(pk__in=pks).order_by("pk").values()),
        sorted(Interface.objects.filter(device__in=pks).values_list("pk", "device_id", "name")),
        sorted(ConsolePort.objects.filter(device__in=pks).values_list("pk", "device_id")),
        sorted(PowerPort.objects.filter(device__in=pks).values_list("pk", "device_id")),
        sorted(PowerOutlet.objects.filter(device__in=pks).values_list("pk", "device_id")),
        sorted(IPAddress.objects.values_list("pk", "assigned_object_id")),
        sorted(CableTermination.objects.values_list("pk", "_device_id")),
    ]


def test_replacement_takes_over_name_placement_addresses_and_cables(run_script):
    old = f.racked_server()
    new = f.replacement(old)
    name, old_tag, new_tag = old.device.name, old.device.asset_tag, new.asset_tag
    data = {"source_device": old.device, "destination_device": new, "already_racked": False, "move_inventory": False}

    run = run_script("replace_device", "ReplaceDevice", data, commit=True)

    assert run.job.status == "completed", run.log
    assert run.messages("failure") == []
    new.refresh_from_db()
    old_dev = Device.objects.get(pk=old.device.pk)
    assert (new.name, new.status, new.rack, new.position, new.face) == (name, "active", old.device.rack, 10, "front")
    assert (new.primary_ip4_id, new.primary_ip6_id, new.oob_ip_id) == (old.ip4.pk, old.ip6.pk, old.oob.pk)
    assert new.comments.endswith(f" - Replaced {old_tag}")
    assert (old_dev.name, old_dev.status, old_dev.position, old_dev.rack) == (
        f"{name}-old",
        "decommissioning",
        None,
        old.device.rack,
    )
    assert (old_dev.primary_ip4, old_dev.primary_ip6, old_dev.oob_ip) == (None, None, None)
    # The old device's components, with their cables and addresses, are now the new one's; its own are gone.
    assert sorted(Interface.objects.filter(device=new).values_list("pk", flat=True)) == sorted(
        [old.primary.pk, old.vlan_sub.pk, old.spare.pk, old.mgmt.pk]
    )
    assert not Interface.objects.filter(device=old_dev).exists()
    assert ConsolePort.objects.get(device=new).cable is not None
    assert PowerPort.objects.filter(device=new).count() == 1 and not PowerPort.objects.filter(device=old_dev).exists()
    assert not PowerOutlet.objects.filter(device=new).exists()  # the new device's outlet was deleted, none moved
    assert InventoryItem.objects.filter(device=new, name="new-disk").exists()  # inventory not touched by default
    assert IPAddress.objects.get(pk=old.ip4.pk).assigned_object.device == new
    eno1 = Interface.objects.get(pk=old.primary.pk)
    assert eno1.cable_id == old.cable.pk and eno1.link_peers[0] == old.cable.b_terminations[0]
    assert set(CableTermination.objects.filter(termination_id=eno1.pk).values_list("_device_id", "_site_id")) == {
        (new.pk, new.site_id)
    }

    assert run.log[:3] == [
        ("success", f"[dst] Setting primary_ip4 to {old.ip4.address}"),
        ("info", "[src] Removing primary_ip4"),
        ("success", f"[dst] Setting primary_ip6 to {old.ip6.address}"),
    ]
    assert ("info", "[dst] Deleting interfaces eno1.") in run.log
    assert ("success", "Moved interfaces eno1.1001") in run.log
    assert ("success", f"[dst] Setting rack to {old.device.rack}") in run.log
    assert run.log[-1] == ("success", f"All done! {new_tag} replaced {old_tag}")
    assert run.output == "\n".join(f"[{level}] {message}" for level, message in run.log)


def test_dry_run_changes_nothing(run_script):
    old = f.racked_server()
    new = f.replacement(old)
    before = state(old.device, new)
    data = {"source_device": old.device, "destination_device": new, "already_racked": False, "move_inventory": True}
    run = run_script("replace_device", "ReplaceDevice", data, commit=False)
    assert run.log[-2][1].startswith("All done! ") and run.log[-1] == ("info", REVERTED)
    assert state(old.device, new) == before


def refuse(run_script, source, destination, message, **options):
    before = state(source, destination)
    data = {"source_device": source, "destination_device": destination, "already_racked": False}
    data.update(move_inventory=False, **options)
    run = run_script("replace_device", "ReplaceDevice", data, commit=True)
    assert run.job.status == "errored"
    assert run.messages("failure") == [f"Script aborted with error: {message}"]
    assert state(source, destination) == before


def test_refuses_the_same_device(run_script):
    old = f.racked_server()
    refuse(run_script, old.device, old.device, "Source and destination devices are the same")


def test_refuses_another_site(run_script):
    old = f.racked_server()
    elsewhere = factories_reports.device(factories.unique("new-"), site_obj=factories.site())
    refuse(
        run_script,
        old.device,
        elsewhere,
        f"{old.device.name} is at site {old.device.site.slug} and {elsewhere.name} at site {elsewhere.site.slug}: "
        "an in-place replacement needs both at the same site",
    )


def test_refuses_to_delete_a_used_interface_of_the_new_device(run_script):
    old = f.racked_server()
    new = f.replacement(old)
    factories_reports.ip("100.126.9.9/24", assigned=new.interfaces.get(name="eno2"))
    refuse(
        run_script,
        old.device,
        new,
        f"{new.name}: interfaces eno2 has IP addresses, which would be deleted with it: remove it from the new "
        "device first",
    )


def test_refuses_when_the_old_name_is_taken(run_script):
    old = f.racked_server()
    new = f.replacement(old)
    factories_reports.device(f"{old.device.name}-old", site_obj=old.device.site)
    refuse(
        run_script,
        old.device,
        new,
        f"A device named {old.device.name}-old already exists at site {old.device.site.slug}",
    )


def test_loader_reads_both_devices_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    from netbox_wmf_ops.lifecycle.replace_device import load_sides

    old = f.racked_server()
    new = f.replacement(old)
    with django_assert_max_num_queries(12):  # devices, interface IPs, 6 component kinds, the "-old" name check
        source, destination, *_ = load_sides(old.device, new)
    assert [c.name for c in source.components["interfaces"]] == ["eno1", "eno1.1001", "eno2", "mgmt"]
    assert destination.components["interfaces"][0].occupied_by == ""
