"""The upgrade check on the seeded fleet: two snapshots with planted differences, an unchanged rerun, nothing written
to NetBox, reports that break, the Ganeti dry-run plan against the fake RAPI, and the real read-only transaction."""

import io
import json

import pytest
from dcim.models import Device
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from ipam.models import IPAddress, Prefix
from virtualization.models import VirtualMachine

from netbox_wmf_ops.ops.upgrade_check import (
    NO_GANETI_PROFILES,
    collect_ganeti,
    read_snapshot_dir,
    run_report,
    shipped_reports,
)
from netbox_wmf_ops.ops.upgrade_diff import diff_syncs, pending_sync_lines
from netbox_wmf_ops.reports.coherence import Coherence, Rack
from tests import factories
from tests.factories import ganeti as factories_ganeti
from tests.factories import unique

pytestmark = pytest.mark.django_db


def run_check(*args: str) -> tuple[int, str]:
    """call_command, returning (exit code, stdout)."""
    out = io.StringIO()
    try:
        call_command("wmf_ops_upgrade_check", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every concrete model NetBox and the plugin know, ObjectChange and Job included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }


def plant_differences() -> tuple[Device, str]:
    """An active device without a rack (a Rack report failure) and an address with a DNS name in a site prefix."""
    site = factories.site()
    device = factories.device(site_obj=site, status="active")  # no rack: "no rack defined for status Active device"
    Prefix.objects.create(prefix="100.124.0.0/24", scope=site)
    name = f"{unique('upgchk')}.{site.slug}.wmnet"
    IPAddress.objects.create(address="100.124.0.10/24", dns_name=name, status="active")
    return device, name


def test_two_snapshots_name_the_new_finding_the_dns_change_and_the_row_counts(tmp_path):
    before_counts = row_counts()
    code, out = run_check("--output", str(tmp_path / "before"))
    assert code == 0, out
    assert row_counts() == before_counts  # nothing written: every table, the change log and jobs included
    assert "Snapshot written to" in out and "reports:" in out

    snapshot, tree = read_snapshot_dir(tmp_path / "before")
    assert snapshot["read_only"] is False  # inside the test's transaction: its savepoints still roll back
    assert set(snapshot["reports"]) == {key for key, _cls in shipped_reports()}
    assert "wmf_ops_coherence.Rack" in snapshot["reports"]
    assert snapshot["syncs"] == {"ganeti": {"skipped": NO_GANETI_PROFILES}}
    assert snapshot["dns"]["records"] > 0 and set(tree) == set(snapshot["dns"]["files"])
    assert snapshot["dump"]["tables"]["dcim.devices"]["rows"] == Device.objects.count()
    # External-source reports say why their source was not read, in one line, and do not crash.
    puppetdb = snapshot["reports"]["wmf_ops_puppetdb.VirtualMachines"]
    assert puppetdb["error"] is None and puppetdb["source_failure"]
    failures = [line for t in puppetdb["tests"].values() for line in t["log"] if line[0] == "failure"]
    assert failures == [["failure", None, puppetdb["source_failure"]]]

    device, dns_name = plant_differences()
    code, out = run_check("--output", str(tmp_path / "after"), "--compare", str(tmp_path / "before"))
    assert code == 1, out
    lines = out.splitlines()
    assert (
        f"  report wmf_ops_coherence.Rack: new failure in test_online_rack: {device.name}: "
        "no rack defined for status Active device" in lines
    )
    records = snapshot["dns"]["records"]
    assert f"  dns: records {records} → {records + 1}" in lines
    assert any(line.startswith(f"+{dns_name.split('.')[0]} ") for line in lines), out  # the zone files' diff
    assert not any("Gathered" in line for line in lines)  # the generator's progress counts are not differences
    devices = snapshot["dump"]["tables"]["dcim.devices"]["rows"]
    assert f"  dump: table dcim.devices rows {devices} → {devices + 1}" in lines
    addresses = snapshot["dump"]["tables"]["ipam.ip_addresses"]["rows"]
    assert f"  dump: table ipam.ip_addresses rows {addresses} → {addresses + 1}" in lines
    assert lines[-1].endswith("differences")

    code, out = run_check("--compare", str(tmp_path / "after"))
    assert code == 0, out
    assert out.splitlines()[-1] == "No differences"


def test_errors_exit_2_before_anything_runs(tmp_path):
    with pytest.raises(CommandError, match="cannot read the snapshot") as missing:
        call_command("wmf_ops_upgrade_check", "--compare", str(tmp_path / "nothing-here"))
    assert missing.value.returncode == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "snapshot.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(CommandError, match="format 99 is not supported") as bad:
        call_command("wmf_ops_upgrade_check", "--compare", str(tmp_path / "bad"))
    assert bad.value.returncode == 2
    with pytest.raises(CommandError, match="not an empty directory") as busy:
        call_command("wmf_ops_upgrade_check", "--output", str(tmp_path / "bad"))
    assert busy.value.returncode == 2


def test_a_report_that_raises_is_recorded_and_the_others_still_run(monkeypatch):
    device = factories.device(status="active")

    def broken_query(*args, **kwargs):
        with connection.cursor() as cursor:  # a column gone after a migration: the transaction is aborted
            cursor.execute("SELECT no_such_column FROM dcim_device")

    monkeypatch.setattr("netbox_wmf_ops.loaders.coherence.load_devices", broken_query)
    broken = run_report(Coherence)
    assert broken["error"].startswith('ProgrammingError: column "no_such_column" does not exist')
    monkeypatch.undo()
    healthy = run_report(Rack)  # the savepoint was rolled back: the connection is usable
    assert healthy["error"] is None
    assert ["failure", device.name, "no rack defined for status Active device"] in (
        healthy["tests"]["test_online_rack"]["log"]
    )


def test_ganeti_dry_run_plans_per_profile_against_the_fake_rapi(settings):
    fake = factories_ganeti.cluster(instances=6)
    site = factories.site()
    factories_ganeti.node_devices(fake, site)
    with factories_ganeti.server(fake) as srv:
        profile = factories_ganeti.profile(srv, site)
        plugin = dict(settings.PLUGINS_CONFIG.get("netbox_wmf_ops", {}))
        plugin["ganeti_profiles"] = {
            profile.name: {
                "site": site.slug,
                "url": srv.url,
                "user": factories_ganeti.RAPI_USER,
                "password": factories_ganeti.RAPI_PASSWORD,
            }
        }
        settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG, "netbox_wmf_ops": plugin}
        vms_before = len(fake.instances)
        first = collect_ganeti()
        fake.remove_instance(fake.instances[0].name)
        second = collect_ganeti()
    planned = first["profiles"][profile.name]
    assert planned["error"] is None and planned["changes"] >= vms_before  # nothing synced yet: every VM is new
    assert [f"sync ganeti/{profile.name}: {planned['summary']}"] == pending_sync_lines({"syncs": {"ganeti": first}})
    assert not VirtualMachine.objects.filter(name__in=factories_ganeti.instance_names(fake)).exists()  # dry run
    differences = diff_syncs({"ganeti": first}, {"ganeti": second})
    assert differences[0] == (
        f"sync ganeti/{profile.name}: planned changes {planned['changes']} → "
        f"{second['profiles'][profile.name]['changes']}"
    )
    assert any("plan line gone" in line for line in differences), differences


def test_the_command_in_its_own_process_runs_read_only(run_netbox, tmp_path):
    """Outside a test transaction the check runs in one REPEATABLE READ READ ONLY transaction: PostgreSQL refuses
    any write there, so a run without errors shows nothing tried to write. (It sees the committed demo fleet.)"""
    result = run_netbox("wmf_ops_upgrade_check", "--output", str(tmp_path / "snap"))
    assert result.returncode == 0, result.stderr + result.stdout
    snapshot, _tree = read_snapshot_dir(tmp_path / "snap")
    assert snapshot["read_only"] is True
    assert {key: r["error"] for key, r in snapshot["reports"].items() if r["error"]} == {}
    assert snapshot["dns"]["error"] is None and snapshot["dump"]["error"] is None
    assert snapshot["dump"]["tables"]["dcim.devices"]["rows"] > 0
