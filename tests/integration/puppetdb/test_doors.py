"""The doors onto the import: the ImportPuppetDB script and `netbox wmf_ops_import_facts`."""

from __future__ import annotations

import copy

import pytest
from dcim.models import Interface
from django.core.management import CommandError, call_command

from netbox_wmf_ops.scripts.interface_automation import ImportPuppetDB
from tests import factories

from .conftest import provisioned_with_facts

pytestmark = pytest.mark.slow


@pytest.fixture
def configured(settings, puppetdb_server):
    config = copy.deepcopy(settings.PLUGINS_CONFIG)
    config.setdefault("netbox_wmf_ops", {}).update(puppetdb_url=puppetdb_server.url, puppetdb_api="v4")
    settings.PLUGINS_CONFIG = config
    return puppetdb_server


def messages(script) -> list[tuple[str, str]]:
    return [(entry["status"], entry["message"]) for entry in script.messages]


@pytest.mark.django_db
def test_script_dry_run_shows_the_plan_and_commit_applies_it(configured):
    dev = provisioned_with_facts(configured.replace_facts)[0]

    script = ImportPuppetDB()
    output = script.run({"device": f"{dev.name} no-such-host"}, commit=False)
    assert output.startswith(f"# {dev.name}: ")
    assert f"update interface {dev.name}:##PRIMARY##: name ##PRIMARY## → eno1np0" in output
    assert ("info", f"Processing baremetal device {dev.name}") in messages(script)
    assert ("success", f"{dev.name}: renamed ##PRIMARY## interface to eno1np0") in messages(script)
    assert messages(script)[-1][1].startswith("Dry run: ")
    assert Interface.objects.filter(device=dev, name="##PRIMARY##").exists()

    script = ImportPuppetDB()
    script.run({"device": dev.name}, commit=True)
    assert not [m for m in messages(script) if m[0] == "failure"]
    assert Interface.objects.filter(device=dev, name="eno1np0").exists()


@pytest.mark.django_db
def test_script_without_configuration_says_so(settings):
    config = copy.deepcopy(settings.PLUGINS_CONFIG)
    config.setdefault("netbox_wmf_ops", {})["puppetdb_url"] = ""
    settings.PLUGINS_CONFIG = config
    script = ImportPuppetDB()
    script.run({"device": "db1201"}, commit=False)
    assert messages(script) == [
        (
            "failure",
            "PuppetDB is not usable: PuppetDB is not configured: set PLUGINS_CONFIG['netbox_wmf_ops']['puppetdb_url']",
        )
    ]


@pytest.mark.django_db
def test_management_command(configured, capsys):
    dev = provisioned_with_facts(configured.replace_facts)[0]
    call_command("wmf_ops_import_facts", dev.name)
    out = capsys.readouterr().out
    assert "changes planned (dry run: nothing changed)" in out
    assert Interface.objects.filter(device=dev, name="##PRIMARY##").exists()
    call_command("wmf_ops_import_facts", dev.name, "--commit", "--quiet")
    assert Interface.objects.filter(device=dev, name="eno1np0").exists()
    with pytest.raises(CommandError, match="failed hosts: none found"):
        call_command("wmf_ops_import_facts", "no-such-host")


@pytest.mark.django_db
def test_queue_import_enqueues_the_registered_script():
    from core.models import Job
    from users.models import User

    from netbox_wmf_ops.puppetdb.importer import queue_import
    from netbox_wmf_ops.registration import register_shipped_scripts

    register_shipped_scripts()
    user = User.objects.create_user(username=factories.unique("ganeti"), is_superuser=True)
    job = queue_import(["etcd1007", "etcd1008"], commit=True, user=user)
    job = Job.objects.get(pk=job.pk)
    assert (job.object.name, job.object.module.file_path) == ("ImportPuppetDB", "wmf_ops_interface_automation.py")
    assert job.data is None or "etcd1007" not in str(job.data)  # not run here: only queued
    assert job.status == "pending"
