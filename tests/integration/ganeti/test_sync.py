"""The Ganeti sync end to end: a fake RAPI server on a random port, NetBox + PostgreSQL, the sync service and doors."""

import psycopg
import pytest
from dcim.models import Site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from ipam.models import IPAddress
from virtualization.models import Cluster, ClusterGroup, VirtualMachine, VMInterface

from dev.fakes.tls import self_signed_certificate
from netbox_wmf_ops.ganeti.plan import PRIMARY_PLACEHOLDER
from netbox_wmf_ops.ganeti.sync import advisory_lock_key, lock_profile, sync_profile
from netbox_wmf_ops.scripts.ganeti_sync import GanetiSync
from tests import factories
from tests.factories import ganeti as fg

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return factories.site()


@pytest.fixture
def fake():
    return fg.cluster(instances=40)


@pytest.fixture
def rapi(fake):
    with fg.server(fake) as srv:
        yield srv


@pytest.fixture
def profile(rapi, site, fake):
    fg.node_devices(fake, site)
    return fg.profile(rapi, site)


def vms_of(profile_name: str) -> dict[str, VirtualMachine]:
    return {vm.name: vm for vm in VirtualMachine.objects.filter(cluster__group__name=profile_name)}


def failures(result) -> list[str]:
    return [line.message for line in result.lines if line.level == "failure"]


def test_first_run_creates_group_clusters_vms_and_assigns_nodes(profile, fake, site):
    result = sync_profile(profile, commit=True)
    assert not result.failed, failures(result)
    assert result.applied

    group = ClusterGroup.objects.get(name=profile.name)
    clusters = {c.name: c for c in Cluster.objects.filter(group=group)}
    assert set(clusters) == set(fake.groups)
    assert all(c.type.name == "Ganeti" and c.scope == site and c.status == "active" for c in clusters.values())
    for node in fake.nodes:
        device = site.devices.get(name=node.name.split(".")[0])
        assert device.cluster == clusters[node.group]

    vms = vms_of(profile.name)
    assert set(vms) == fg.instance_names(fake)
    for inst in fake.instances:
        vm = vms[inst.name.split(".")[0]]
        pnode_group = next(n.group for n in fake.nodes if n.name == inst.pnode)
        assert vm.cluster.name == pnode_group
        assert (vm.vcpus, vm.memory, vm.disk) == (inst.vcpus, inst.memory, sum(inst.disks))  # disk in MB
        assert vm.status == ("active" if inst.state not in ("ADMIN_down", "ADMIN_offline", "ERROR_up") else "offline")
        assert vm.site == site and vm.role.slug == "server"
    assert result.plan.counts()["VMs added"] == 40
    assert result.summary() == f"{result.change_count} changes applied to profile {profile.name}"


def test_second_run_on_matching_data_changes_nothing(profile):
    sync_profile(profile, commit=True)
    before = {vm.pk: vm.last_updated for vm in VirtualMachine.objects.filter(cluster__group__name=profile.name)}
    again = sync_profile(profile, commit=True)
    assert again.change_count == 0 and not again.failed
    assert [line.message for line in again.lines if line.level == "info"] == [
        "Summary of performed actions: no changes"
    ]
    after = {vm.pk: vm.last_updated for vm in VirtualMachine.objects.filter(cluster__group__name=profile.name)}
    assert after == before


def test_dry_run_shows_the_diff_and_writes_nothing(profile, fake):
    counts = (VirtualMachine.objects.count(), Cluster.objects.count(), ClusterGroup.objects.count())
    result = sync_profile(profile, commit=False)
    assert not result.applied
    assert (VirtualMachine.objects.count(), Cluster.objects.count(), ClusterGroup.objects.count()) == counts
    messages = [line.message for line in result.lines]
    assert f"Creating cluster group {profile.name}" in messages
    assert sum(m.startswith("Creating VM ") for m in messages) == 40
    assert result.summary() == f"{result.plan.change_count} changes planned for profile {profile.name}"


def test_updates_moves_creates_and_deletes(profile, fake, rapi):
    sync_profile(profile, commit=True)
    names = sorted(fg.instance_names(fake))
    changed, moved, removed = names[0], names[1], names[2]
    fake.instance(changed).vcpus = 12
    fake.instance(changed).disks = [1000, 2000]
    target = next(g for g in fake.groups if g != vms_of(profile.name)[moved].cluster.name)
    fake.move_instance(moved, target)
    fake.remove_instance(removed)
    new = fake.add_instance(f"{changed}-new", group=fake.groups[1], vcpus=3, memory=3072, state="ADMIN_down")

    result = sync_profile(profile, commit=True, force=True)  # one deletion in a 20-VM cluster is over 10 %
    assert not result.failed, failures(result)
    vms = vms_of(profile.name)
    assert (vms[changed].vcpus, vms[changed].disk) == (12, 3000)
    assert vms[moved].cluster.name == target
    assert removed not in vms
    created = vms[new.name.split(".")[0]]
    assert (created.vcpus, created.memory, created.status, created.cluster.name) == (3, 3072, "offline", "B")
    assert result.plan.counts() == {"VMs updated": 1, "VMs moved": 1, "VMs deleted": 1, "VMs added": 1}


def test_guard_refuses_a_mass_deletion_and_force_applies_it(profile, fake, rapi):
    sync_profile(profile, commit=True)
    for name in sorted(fg.instance_names(fake))[:10]:
        fake.remove_instance(name)
    refused = sync_profile(profile, commit=True)
    assert refused.failed and not refused.applied
    assert any(m.startswith("Refusing to delete ") for m in failures(refused))
    assert len(vms_of(profile.name)) == 40

    forced = sync_profile(profile, commit=True, force=True)
    assert forced.applied and len(vms_of(profile.name)) == 30


@pytest.mark.parametrize("endpoints", [{"instances"}, {"groups"}, {"nodes"}])
def test_empty_or_partial_answer_never_wipes_netbox(profile, rapi, endpoints):
    sync_profile(profile, commit=True)
    rapi.set_fault("empty", endpoints=endpoints)
    result = sync_profile(profile, commit=True)
    assert result.failed and not result.applied
    assert len(vms_of(profile.name)) == 40
    rapi.set_fault("truncated", endpoints=endpoints)
    assert sync_profile(profile, commit=True).failed
    assert len(vms_of(profile.name)) == 40


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"kind": "status", "status": 500}, "failed with HTTP 500"),
        ({"kind": "garbage"}, "malformed JSON"),
        ({"kind": "slow", "delay": 1.5}, "no answer within"),
    ],
)
def test_rapi_failures_are_one_line_and_no_writes(profile, rapi, fault, expected):
    profile = fg.profile(rapi, Site.objects.get(slug=profile.site), name=profile.name, timeout=(2.0, 0.5))
    rapi.set_fault(**fault)
    count = VirtualMachine.objects.count()
    result = sync_profile(profile, commit=True)
    (message,) = failures(result)
    assert expected in message and message.startswith(f"Ganeti profile {profile.name}: Ganeti API call to ")
    assert VirtualMachine.objects.count() == count and not ClusterGroup.objects.filter(name=profile.name).exists()


def test_wrong_password_and_forbidden_user(rapi, site):
    result = sync_profile(fg.profile(rapi, site, password="wrong"), commit=True)
    (message,) = failures(result)
    assert "authentication failed (HTTP 401)" in message and "wrong" not in message
    rapi.forbidden_users.add(fg.RAPI_USER)
    assert "permission denied (HTTP 403)" in failures(sync_profile(fg.profile(rapi, site), commit=True))[0]


def test_tls_is_verified(fake, site, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    fg.node_devices(fake, site)
    with fg.server(fake, certfile=cert, keyfile=key) as srv:
        untrusted = sync_profile(fg.profile(srv, site), commit=True)
        assert "TLS verification failed" in failures(untrusted)[0]
        trusted = sync_profile(fg.profile(srv, site, ca_cert=cert), commit=True)
        assert not trusted.failed and len(vms_of(trusted.profile)) == 40


def test_unknown_node_device_is_a_failure_and_the_rest_syncs(rapi, fake, site):
    devices = fg.node_devices(fake, site)
    devices[0].delete()
    result = sync_profile(fg.profile(rapi, site), commit=True)
    missing = fake.nodes[0].name.split(".")[0]
    assert failures(result) == [f"Ganeti node {missing} of node group A is not a device in NetBox"]
    assert len(vms_of(result.profile)) == 40


def refuse_in_database(refused: str, blocked: str, kept: str) -> None:
    """A trigger on the VM table, rolled back with the test: the database itself refuses to insert ``refused``, to
    give ``blocked`` 50 vCPUs or more (as a CHECK constraint would) and to delete ``kept``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION pg_temp.refuse_vm() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'INSERT' AND NEW.name = '{refused}' OR TG_OP = 'UPDATE' AND NEW.name = '{blocked}' "
            "AND NEW.vcpus >= 50 THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END IF; "
            f"IF TG_OP = 'DELETE' AND OLD.name = '{kept}' THEN RAISE EXCEPTION 'kept by the test'; END IF; "
            "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_vm BEFORE INSERT OR UPDATE OR DELETE ON virtualization_virtualmachine "
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_vm()"
        )


def failed_names(result) -> list[str]:
    return sorted(message.split(":")[0] for message in failures(result))


def test_vms_the_database_refuses_are_one_failure_each_and_the_rest_applies(profile, fake):
    names = sorted(fg.instance_names(fake))
    refused, updated, blocked, deleted, kept = names[5], names[0], names[1], names[2], names[3]
    refuse_in_database(refused, blocked, kept)
    result = sync_profile(profile, commit=True)
    assert failed_names(result) == [f"Failed to save VM {refused}"], failures(result)
    assert set(vms_of(profile.name)) == set(names) - {refused}

    # an update and a deletion refused by the database: the other update and deletion of the run are written
    vcpus_before = vms_of(profile.name)[blocked].vcpus
    fake.instance(updated).vcpus = 60
    fake.instance(blocked).vcpus = 60
    fake.remove_instance(deleted)
    fake.remove_instance(kept)
    again = sync_profile(profile, commit=True, force=True)
    assert failed_names(again) == sorted(
        [f"Failed to save VM {refused}", f"Failed to save VM {blocked}", f"Failed to delete VM {kept}"]
    ), failures(again)
    vms = vms_of(profile.name)
    assert (vms[updated].vcpus, vms[blocked].vcpus) == (60, vcpus_before)
    assert deleted not in vms and kept in vms
    assert set(vms) == set(names) - {refused, deleted}


def test_former_node_is_removed_from_its_cluster(profile, fake, site):
    sync_profile(profile, commit=True)
    gone = fake.nodes.pop()
    result = sync_profile(profile, commit=True, force=True)
    assert site.devices.get(name=gone.name.split(".")[0]).cluster is None
    assert result.plan.counts()["Nodes removed"] == 1


def test_vm_with_ip_addresses_is_kept(profile, fake):
    sync_profile(profile, commit=True)
    name = sorted(fg.instance_names(fake))[0]
    vm = vms_of(profile.name)[name]
    iface = VMInterface.objects.create(virtual_machine=vm, name="ens13")
    IPAddress.objects.create(address="10.199.0.5/24", assigned_object=iface)
    fake.remove_instance(name)
    result = sync_profile(profile, commit=True, force=True)
    assert f"Not deleting VM {name}: gone from Ganeti but still has 1 IP addresses" in failures(result)
    assert name in vms_of(profile.name)


def test_vms_awaiting_import_are_handed_to_the_interface_automation(profile, fake):
    sync_profile(profile, commit=True)
    name = sorted(fg.instance_names(fake))[4]
    VMInterface.objects.create(virtual_machine=vms_of(profile.name)[name], name=PRIMARY_PLACEHOLDER)
    result = sync_profile(profile, commit=False)
    assert f"Would queue the interface automation for 1 VMs: {name}" in [line.message for line in result.lines]


def test_noop_query_count_does_not_grow_with_the_vm_count():
    counts = []
    for size in (10, 60):
        site = factories.site()
        fake = fg.cluster(instances=size)
        fg.node_devices(fake, site)
        with fg.server(fake) as srv:
            prof = fg.profile(srv, site)
            sync_profile(prof, commit=True)
            sync_profile(prof, commit=True)  # warm caches (content types, config) so both sizes measure the same
            with CaptureQueriesContext(connection) as queries:
                result = sync_profile(prof, commit=True)
            assert result.change_count == 0
            counts.append(len(queries))
    assert counts[0] == counts[1] and counts[0] <= 8, counts


def test_same_named_cluster_of_another_profile_is_not_taken_over(profile, fake, rapi, site):
    sync_profile(profile, commit=True)
    other = fg.cluster(instances=10)  # node groups A and B again, at the same site
    fg.node_devices(other, site)
    with fg.server(other) as srv:
        result = sync_profile(fg.profile(srv, site), commit=True)
    assert failures(result) == [
        f"Not syncing node group {g}: cluster {g} at the site is in group {profile.name}" for g in ("A", "B")
    ]
    assert len(vms_of(profile.name)) == 40 and not vms_of(result.profile)
    assert Cluster.objects.filter(group__name=profile.name).count() == 2


def test_runs_for_one_profile_are_serialised(profile):
    """A second session holding the profile's lock makes the sync wait (here: time out) instead of running along."""
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"]
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [advisory_lock_key(profile.name)])
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            lock_profile(profile.name)
        with transaction.atomic():  # another profile is not blocked
            lock_profile(profile.name + "-other")


# ----------------------------------------------------------------------------------------------------------- doors


@pytest.fixture
def configured(profile, settings):
    values = {"site": profile.site, "url": profile.endpoint.url, "user": fg.RAPI_USER, "password": fg.RAPI_PASSWORD}
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "netbox_wmf_ops": {**settings.PLUGINS_CONFIG["netbox_wmf_ops"], "ganeti_profiles": {profile.name: values}},
    }
    return profile


def test_command_dry_run_then_commit(configured, capsys):
    call_command("wmf_ops_ganeti_sync", profile=configured.name)
    out = capsys.readouterr().out
    assert "DRY-RUN [info] Creating VM " in out and not vms_of(configured.name)
    call_command("wmf_ops_ganeti_sync", profile=configured.name, commit=True)
    assert len(vms_of(configured.name)) == 40
    with pytest.raises(CommandError, match="unknown Ganeti profile 'nope'"):
        call_command("wmf_ops_ganeti_sync", profile="nope")


def test_command_exits_non_zero_on_failure(configured, rapi):
    rapi.set_fault("status", status=500)
    with pytest.raises(CommandError, match="had failures"):
        call_command("wmf_ops_ganeti_sync", profile=configured.name, commit=True)


def test_script_logs_the_diff_and_a_summary_last(configured):
    script = GanetiSync()
    script.run({"profile": configured.name, "force": False}, commit=True)
    statuses = [m["status"] for m in script.messages]
    assert script.messages[-1]["status"] == "success"
    assert script.messages[-1]["message"].endswith(f"changes applied to profile {configured.name}")
    assert "failure" not in statuses
    assert len(vms_of(configured.name)) == 40
