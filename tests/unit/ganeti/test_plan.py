"""The pure Ganeti sync planner: parsing RAPI answers, the diff, the mass-deletion guard."""

from decimal import Decimal

import pytest

from dev.fakes.ganeti_rapi import generate_cluster
from netbox_wmf_ops.ganeti.plan import (
    GanetiDataError,
    NetboxCluster,
    NetboxDevice,
    NetboxState,
    NetboxVM,
    instance_status,
    parse_ganeti,
    plan_sync,
)


def ganeti_from(cluster):
    return parse_ganeti(cluster.groups_bulk(), cluster.nodes_bulk(), cluster.instances_bulk())


def matching_netbox(state, *, group_exists=True) -> NetboxState:
    """A NetBox that already matches ``state`` exactly."""
    clusters = {g: NetboxCluster(i + 1, g, True) for i, g in enumerate(sorted(state.groups))}
    vms = tuple(
        NetboxVM(n + 100, i.name, i.group, True, Decimal(i.vcpus), i.memory, i.disk, i.status)
        for n, i in enumerate(state.instances.values())
    )
    devices = tuple(
        NetboxDevice(n + 1000, node, group, True, True)
        for n, (node, group) in enumerate((node, g) for g, nodes in state.groups.items() for node in nodes)
    )
    return NetboxState(group_exists, clusters, vms, devices)


def replace_vm(netbox: NetboxState, name: str, **changes) -> NetboxState:
    vms = tuple(
        NetboxVM(**{**vm.__dict__, **changes}) if vm.name == name else vm for vm in netbox.vms
    )  # frozen dataclasses: rebuild
    return NetboxState(netbox.group_exists, netbox.clusters, vms, netbox.devices)


@pytest.fixture(scope="module")
def fake():
    return generate_cluster(seed=11, instances=200)


@pytest.fixture(scope="module")
def ganeti(fake):
    return ganeti_from(fake)


# ------------------------------------------------------------------------------------------------------- parsing


def test_parse_maps_fields_and_units(fake, ganeti):
    record = fake.instances_bulk()[5]
    instance = ganeti.instances[record["name"].split(".")[0]]
    assert instance.vcpus == record["beparams"]["vcpus"]
    assert instance.memory == record["beparams"]["memory"]
    assert instance.disk == sum(record["disk.sizes"])  # MB, not GB (docs/behaviour-reference.md §6.4 item 18)
    assert instance.primary_node == record["pnode"].split(".")[0]
    assert instance.status == ("active" if record["admin_state"] == "up" else "offline")
    assert set(ganeti.groups) == {"A", "B", "C", "D"}
    assert all(not n.endswith(".wmnet") for nodes in ganeti.groups.values() for n in nodes)
    assert len(ganeti.instances) == 200 and not ganeti.errors


@pytest.mark.parametrize(
    ("admin_state", "status"), [("up", "active"), ("down", "offline"), ("offline", "offline"), (True, "active")]
)
def test_instance_status(admin_state, status):
    assert instance_status(admin_state) == status


def test_every_ganeti_state_maps_to_a_netbox_status(ganeti):
    assert {i.status for i in ganeti.instances.values()} == {"active", "offline"}


def test_a_bad_instance_record_fails_alone_and_protects_its_vm(fake):
    instances = fake.instances_bulk()
    bad = dict(instances[0], beparams={"memory": 1024})  # no vcpus
    weird = dict(instances[1], pnode="nowhere.eqiad.wmnet")
    state = parse_ganeti(fake.groups_bulk(), fake.nodes_bulk(), [bad, weird, *instances[2:]])
    bad_name, weird_name = bad["name"].split(".")[0], weird["name"].split(".")[0]
    messages = dict(state.errors)
    assert messages[bad_name] == f"Failed to get data for Ganeti instance {bad_name}: missing field 'vcpus'"
    assert messages[weird_name].endswith("primary node nowhere is in no node group")
    assert state.protected == {bad_name, weird_name}
    assert len(state.instances) == 198

    netbox = matching_netbox(ganeti_from(fake))
    plan = plan_sync("eqiad", state, netbox)
    assert not plan.vms_delete and not plan.vms_update  # the protected VMs are left alone
    assert {name for name, _ in plan.failures} == {bad_name, weird_name}


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda g, n, i: ([], n, i), "no node groups"),
        (lambda g, n, i: (g, [], i), "no nodes"),
        (lambda g, n, i: (g, n[:-1], i), "disagree"),
        (lambda g, n, i: (g, n, [{"status": "running"}, *i]), "instance record without a name"),
        (lambda g, n, i: ([{"node_list": []}, *g], n, i), "node group record without a name"),
    ],
)
def test_unusable_answers_fail_the_whole_load(fake, mangle, message):
    groups, nodes, instances = mangle(fake.groups_bulk(), fake.nodes_bulk(), fake.instances_bulk())
    with pytest.raises(GanetiDataError, match=message):
        parse_ganeti(groups, nodes, instances)


# ---------------------------------------------------------------------------------------------------------- plan


def test_matching_netbox_needs_no_change(ganeti):
    plan = plan_sync("eqiad", ganeti, matching_netbox(ganeti))
    assert plan.change_count == 0 and not plan.failures and not plan.refusals
    assert plan.summary() == "Summary of performed actions: no changes"
    assert plan.log_lines() == []


def test_empty_netbox_creates_everything(ganeti):
    plan = plan_sync("eqiad", ganeti, NetboxState(False, {}, (), ()))
    assert plan.create_cluster_group
    assert [c.name for c in plan.clusters_create] == ["A", "B", "C", "D"]
    assert len(plan.vms_create) == 200 and not plan.vms_delete
    assert len(plan.failures) == 20  # no node devices in NetBox: one failure per node
    assert plan.counts()["VMs added"] == 200
    vm = plan.vms_create[0]
    assert vm.cluster == ganeti.instances[vm.name].group
    assert set(vm.fields) == {"vcpus", "memory", "disk", "status"}


def test_field_changes_are_updates_with_old_and_new(ganeti):
    name = sorted(ganeti.instances)[0]
    instance = ganeti.instances[name]
    netbox = replace_vm(matching_netbox(ganeti), name, vcpus=Decimal("99.00"), disk=instance.disk // 1024)
    plan = plan_sync("eqiad", ganeti, netbox)
    (update,) = plan.vms_update
    assert update.changes == {
        "vcpus": (Decimal("99.00"), instance.vcpus),
        "disk": (instance.disk // 1024, instance.disk),
    }
    assert plan.counts() == {"VMs updated": 1}
    (line,) = plan.log_lines()
    assert line.message == (
        f"Updating VM {name} in Netbox: vcpus 99 -> {instance.vcpus}, disk {instance.disk // 1024} -> {instance.disk}"
    )


def test_decimal_vcpus_equal_to_the_instance_are_no_change(ganeti):
    name = sorted(ganeti.instances)[0]
    netbox = replace_vm(matching_netbox(ganeti), name, vcpus=Decimal(f"{ganeti.instances[name].vcpus}.00"))
    assert plan_sync("eqiad", ganeti, netbox).change_count == 0


def test_vm_with_virtual_disks_keeps_its_disk(ganeti):
    name = sorted(ganeti.instances)[0]
    netbox = replace_vm(matching_netbox(ganeti), name, disk=1, has_virtual_disks=True)
    assert plan_sync("eqiad", ganeti, netbox).change_count == 0


def test_instance_in_another_node_group_moves_the_vm(ganeti):
    name = sorted(ganeti.instances)[0]
    old_group = "A" if ganeti.instances[name].group != "A" else "B"
    netbox = replace_vm(matching_netbox(ganeti), name, cluster=old_group)
    plan = plan_sync("eqiad", ganeti, netbox)
    (move,) = plan.vms_update
    assert move.is_move and move.changes == {"cluster": (old_group, ganeti.instances[name].group)}
    assert plan.counts() == {"VMs moved": 1}
    assert plan.log_lines()[0].message.startswith(f"Moving VM {name} from cluster {old_group} to cluster")


def test_vm_outside_the_profile_is_moved_in_not_duplicated(ganeti):
    name = sorted(ganeti.instances)[0]
    netbox = replace_vm(matching_netbox(ganeti), name, cluster="elsewhere", in_group=False)
    plan = plan_sync("eqiad", ganeti, netbox)
    assert not plan.vms_create
    assert plan.vms_update[0].changes["cluster"] == ("elsewhere", ganeti.instances[name].group)


def test_duplicate_vm_names_are_a_failure_not_a_guess(ganeti):
    name = sorted(ganeti.instances)[0]
    netbox = matching_netbox(ganeti)
    twin = NetboxVM(9999, name, "other", False, 1, 1, 1, "active")
    netbox = replace_vm(NetboxState(True, netbox.clusters, (*netbox.vms, twin), netbox.devices), name, in_group=False)
    plan = plan_sync("eqiad", ganeti, netbox)
    assert not plan.vms_create and not plan.vms_update
    assert plan.failures[0][1].startswith(f"VM {name} exists 2 times in NetBox")


def test_deletions_within_the_share_are_planned(fake):
    ganeti = ganeti_from(fake)
    netbox = matching_netbox(ganeti)
    in_a = sorted(i.name for i in ganeti.instances.values() if i.group == "A")
    gone = set(in_a[: len(in_a) // 10])  # at most 10 %
    instances = [r for r in fake.instances_bulk() if r["name"].split(".")[0] not in gone]
    plan = plan_sync("eqiad", parse_ganeti(fake.groups_bulk(), fake.nodes_bulk(), instances), netbox)
    assert {v.name for v in plan.vms_delete} == gone and not plan.blocked
    assert plan.counts() == {"VMs deleted": len(gone)}


def test_guard_refuses_mass_deletion_unless_forced(fake):
    ganeti = ganeti_from(fake)
    netbox = matching_netbox(ganeti)
    in_b = sorted(i.name for i in ganeti.instances.values() if i.group == "B")
    gone = set(in_b[: len(in_b) // 10 + 2])  # just over 10 %
    instances = [r for r in fake.instances_bulk() if r["name"].split(".")[0] not in gone]
    partial = parse_ganeti(fake.groups_bulk(), fake.nodes_bulk(), instances)

    plan = plan_sync("eqiad", partial, netbox)
    assert plan.blocked
    assert plan.refusals == [
        f"Refusing to delete {len(gone)} of {len(in_b)} VMs in cluster B (more than 10%); run with force to delete them"
    ]
    assert plan_sync("eqiad", partial, netbox, max_delete_share=0.5).refusals == []
    forced = plan_sync("eqiad", partial, netbox, force=True)
    assert not forced.blocked and len(forced.vms_delete) == len(gone)
    assert forced.warnings == [("B", f"Forced: deleting {len(gone)} of {len(in_b)} VMs in cluster B")]


def test_empty_instance_list_never_wipes_netbox(fake):
    ganeti = ganeti_from(fake)
    plan = plan_sync("eqiad", parse_ganeti(fake.groups_bulk(), fake.nodes_bulk(), []), matching_netbox(ganeti))
    assert plan.blocked and len(plan.refusals) == 4


def test_vm_with_ip_addresses_is_never_deleted(fake):
    ganeti = ganeti_from(fake)
    name = sorted(ganeti.instances)[0]
    netbox = replace_vm(matching_netbox(ganeti), name, ip_count=2)
    instances = [r for r in fake.instances_bulk() if r["name"].split(".")[0] != name]
    plan = plan_sync("eqiad", parse_ganeti(fake.groups_bulk(), fake.nodes_bulk(), instances), netbox)
    assert not plan.vms_delete
    assert plan.failures == [(name, f"Not deleting VM {name}: gone from Ganeti but still has 2 IP addresses")]


def test_node_devices_are_assigned_and_former_nodes_removed(ganeti):
    netbox = matching_netbox(ganeti)
    node_a = ganeti.groups["A"][0]
    devices = [
        NetboxDevice(d.id, d.name, None, False, True) if d.name == node_a else d for d in netbox.devices
    ]  # one node not yet in its cluster
    devices.append(NetboxDevice(1, "ganeti1099", "C", True, True))  # no longer a Ganeti node
    plan = plan_sync("eqiad", ganeti, NetboxState(True, netbox.clusters, netbox.vms, tuple(devices)))
    assert [(d.name, d.old_cluster, d.new_cluster) for d in plan.devices] == [
        (node_a, None, "A"),
        ("ganeti1099", "C", None),
    ]
    assert plan.counts() == {"Nodes added": 1, "Nodes removed": 1}


def test_unknown_node_is_one_failure_and_no_crash(ganeti):
    netbox = matching_netbox(ganeti)
    missing = ganeti.groups["D"][-1]
    devices = tuple(d for d in netbox.devices if d.name != missing)
    plan = plan_sync("eqiad", ganeti, NetboxState(True, netbox.clusters, netbox.vms, devices))
    assert plan.failures == [(missing, f"Ganeti node {missing} of node group D is not a device in NetBox")]
    assert plan.change_count == 0


def test_ambiguous_node_name_prefers_the_device_at_the_site(ganeti):
    netbox = matching_netbox(ganeti)
    node = ganeti.groups["A"][0]
    other_site_twin = NetboxDevice(5, node, None, False, False)
    plan = plan_sync(
        "eqiad", ganeti, NetboxState(True, netbox.clusters, netbox.vms, (*netbox.devices, other_site_twin))
    )
    assert plan.change_count == 0 and not plan.failures


def test_same_named_cluster_at_the_site_is_adopted(ganeti):
    netbox = matching_netbox(ganeti)
    clusters = dict(netbox.clusters, A=NetboxCluster(1, "A", in_group=False))
    plan = plan_sync("eqiad", ganeti, NetboxState(True, clusters, netbox.vms, netbox.devices))
    assert [c.name for c in plan.clusters_adopt] == ["A"] and not plan.clusters_create


def test_vanished_node_group_is_deleted_once_empty(fake):
    ganeti = ganeti_from(fake)
    netbox = matching_netbox(ganeti)
    clusters = dict(netbox.clusters, Z=NetboxCluster(77, "Z", True))
    plan = plan_sync("eqiad", ganeti, NetboxState(True, clusters, netbox.vms, netbox.devices))
    assert [c.name for c in plan.clusters_delete] == ["Z"]
    assert plan.log_lines()[-1].message == "Deleting Cluster Z from netbox"


def test_import_candidates_are_vms_awaiting_import(ganeti):
    name = sorted(ganeti.instances)[3]
    plan = plan_sync("eqiad", ganeti, replace_vm(matching_netbox(ganeti), name, awaiting_import=True))
    assert plan.import_candidates == [name]
