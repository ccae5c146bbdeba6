"""The shipped reports/scripts appear in NetBox by themselves, and disappear (NetBox's way) when no longer shipped."""

import importlib
import pkgutil
import uuid

import pytest
from core.models import Job
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from extras.models import Script, ScriptModule

import netbox_wmf_ops
from netbox_wmf_ops.registration import discover_shipped_modules, register_shipped_scripts, render_shim

pytestmark = pytest.mark.django_db


def test_every_plugin_module_imports():
    # Fails on any import error anywhere in the package, shipped report/script modules included.
    names = [m.name for m in pkgutil.walk_packages(netbox_wmf_ops.__path__, "netbox_wmf_ops.")]
    for name in names:
        importlib.import_module(name)
    assert "netbox_wmf_ops.reports.management" in names


def test_every_shipped_module_is_registered_after_migrate():
    # The test database was migrated (post_migrate ran registration); every shipped class has a Script row.
    shipped = discover_shipped_modules()
    assert shipped, "no shipped reports or scripts found"
    for module in shipped:
        script_module = ScriptModule.objects.get(file_path=module.file_name)
        assert script_module.error is None
        assert set(script_module.module_scripts) == set(module.class_names)
        executable = set(script_module.scripts.filter(is_executable=True).values_list("name", flat=True))
        assert executable == set(module.class_names)


def test_management_report_has_a_clean_name():
    script = Script.objects.get(module__file_path="wmf_ops_management.py", name="ManagementConsole")
    cls = script.python_class
    assert cls.full_name == "wmf_ops_management.ManagementConsole"
    assert cls.name == "Management: console ports"
    assert "class ManagementConsole" in cls().source


def test_registration_is_idempotent():
    result = register_shipped_scripts()
    assert result.written == [] and result.retired == [] and result.removed == []
    assert len(result.unchanged) == len(discover_shipped_modules())


def test_a_tampered_shim_is_rewritten():
    storage = storages.create_storage(storages.backends["scripts"])
    module = discover_shipped_modules()[0]
    storage.save(module.file_name, ContentFile(b"# edited by hand\n"))
    assert register_shipped_scripts().written == [module.file_name]
    with storage.open(module.file_name, "r") as f:
        assert f.read() == render_shim(module)


def _register_foreign_shim(file_name: str) -> Script:
    """A shim of ours for a module the plugin no longer ships (as after an upgrade that removed it)."""
    storage = storages.create_storage(storages.backends["scripts"])
    storage.save(file_name, ContentFile(b"from extras.reports import Report\n\nclass OldCheck(Report):\n    pass\n"))
    script_module = ScriptModule(file_root="scripts", file_path=file_name)
    script_module.full_clean()
    script_module.save()
    return Script.objects.get(module=script_module, name="OldCheck")


def test_module_no_longer_shipped_is_removed_when_it_has_no_history():
    _register_foreign_shim("wmf_ops_gone.py")
    result = register_shipped_scripts()
    assert result.removed == ["wmf_ops_gone.py"]
    assert not ScriptModule.objects.filter(file_path="wmf_ops_gone.py").exists()


def test_module_no_longer_shipped_keeps_its_job_history():
    script = _register_foreign_shim("wmf_ops_retired.py")
    Job.objects.create(object=script, name="OldCheck", status="completed", job_id=uuid.uuid4())
    result = register_shipped_scripts()
    assert result.retired == ["wmf_ops_retired.py"]
    script.refresh_from_db()
    assert script.is_executable is False  # NetBox's soft delete: still listed with its results, no longer runnable


def test_register_command(run_netbox):
    out = run_netbox("wmf_ops_register_scripts")
    assert out.returncode == 0, out.stderr
    assert "shim modules written" in out.stdout


def test_navigation_links_to_the_exports_page(client):
    from users.models import User

    client.force_login(User.objects.create_user(username="viewer", password="Unused-Pass-1234", is_superuser=True))
    page = client.get("/").content.decode()
    assert 'href="/plugins/wmf-ops/exports/"' in page and "CSV exports" in page


def test_device_custom_fields_are_provisioned_and_never_altered():
    from extras.models import CustomField

    from netbox_wmf_ops.custom_fields import ensure_custom_fields

    assert set(CustomField.objects.filter(object_types__model="device").values_list("name", flat=True)) >= {
        "purchase_date",
        "ticket",
    }
    CustomField.objects.filter(name="ticket").update(label="Ticket (ours)")
    CustomField.objects.filter(name="purchase_date").delete()
    assert ensure_custom_fields() == ["purchase_date"]
    assert CustomField.objects.get(name="ticket").label == "Ticket (ours)"
    assert CustomField.objects.get(name="purchase_date").type == "date"
