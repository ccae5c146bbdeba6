"""The validators behind NetBox's doors: the REST API, the UI edit form, and the two ways of enabling them."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from extras.validators import CustomValidator
from netbox.config import clear_config

from netbox_wmf_ops import validation
from netbox_wmf_ops.validation import CUSTOM_VALIDATORS, validators
from tests import factories

from .helpers import device_custom_fields, errors_of, good_server, interface, switch

pytestmark = pytest.mark.django_db


def test_every_configured_path_is_a_validator_of_a_real_model():
    for label, paths in CUSTOM_VALIDATORS.items():
        apps.get_model(label)  # raises for a wrong label
        for path in paths:
            module, name = path.rsplit(".", 1)
            assert module == validators.__name__
            assert issubclass(getattr(validators, name), CustomValidator)


def test_configuration_py_can_import_the_setting(tmp_path):
    """configuration.py imports CUSTOM_VALIDATORS while NetBox loads its settings (no Django model import)."""
    source = Path(os.environ["NETBOX_ROOT"]) / "conf" / "configuration.py"
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "configuration.py").write_text(
        source.read_text() + "\nfrom netbox_wmf_ops.validation import CUSTOM_VALIDATORS  # noqa\n"
    )
    script = textwrap.dedent(
        """
        import sys, django
        django.setup()
        from django.conf import settings
        from netbox.config import get_config
        assert settings.CUSTOM_VALIDATORS == get_config().CUSTOM_VALIDATORS
        print(get_config().CUSTOM_VALIDATORS["dcim.device"][0], "validators" in str(sorted(sys.modules)))
        """
    )
    env = {**os.environ, "NETBOX_ROOT": str(tmp_path), "DJANGO_SETTINGS_MODULE": "netbox.settings"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "netbox_wmf_ops.validation.validators.DeviceValidator"


def test_api_device_with_bad_asset_tag_and_name_gets_both_messages(client, api_headers, validators_enabled):
    device_custom_fields()
    body = {
        "name": "TST1001",
        "asset_tag": "wmf1",
        "role": factories.role("server").pk,
        "device_type": factories.device_type("Test Server", "Dell").pk,
        "site": factories.site("eqiad").pk,
        "status": "planned",
        "serial": factories.unique("SN"),
        "custom_fields": {"purchase_date": "2024-01-01", "ticket": "T123456"},
    }
    response = client.post("/api/dcim/devices/", body, content_type="application/json", **api_headers)
    assert response.status_code == 400
    assert response.json() == {
        "name": ["Invalid name (must be lowercase)"],
        "asset_tag": ["Invalid asset tag wmf1 (must be (capitals) WMF then 4 or 5 digits)"],
    }
    body.update(name="tst1001", asset_tag="WMF91001")
    assert client.post("/api/dcim/devices/", body, content_type="application/json", **api_headers).status_code == 201


def test_ui_form_shows_field_and_non_field_errors(client, superuser, validators_enabled):
    """Errors render in the edit form (a field-keyed error on a field the form lacks would be a server error)."""
    client.force_login(superuser)
    sw = switch()
    port = interface(sw, "et-0/0/7")
    port.save()
    from ipam.models import IPAddress

    IPAddress.objects.create(address="198.51.100.77/24", assigned_object=port)
    form = {"device": sw.pk, "name": "et-0/0/7", "type": "10gbase-x-sfpp", "description": "old", "mtu": 1500}
    response = client.post(f"/dcim/interfaces/{port.pk}/edit/", form)  # "enabled" unchecked
    assert response.status_code == 200
    html = response.content.decode()
    for message in (
        "Invalid description (must not be set on disabled interfaces)",
        "Invalid mtu (must not be set on disabled interfaces)",
        "Invalid count_ipaddresses (must not be set on disabled interfaces)",
    ):
        assert message in html


@pytest.fixture
def registered():
    validation.connect_validators()
    yield
    validation.disconnect_validators()


def test_registration_runs_the_validators_without_custom_validators(settings, registered):
    settings.CUSTOM_VALIDATORS = {}
    assert errors_of(good_server(asset_tag=None)) == {"asset_tag": ["Missing asset tag"]}


def test_registration_works_with_the_database_configuration(settings, registered):
    """Without CUSTOM_VALIDATORS in configuration.py NetBox reads it from the config revisions (UI): the plugin's
    receiver works there too, and does not hide what the operator configured in the UI."""
    del settings.CUSTOM_VALIDATORS
    clear_config()
    try:
        assert errors_of(good_server(asset_tag=None)) == {"asset_tag": ["Missing asset tag"]}
    finally:
        clear_config()


def test_ui_managed_json_with_the_plugin_paths(settings):
    """The same dotted paths pasted in Admin → Configuration → Custom validators (JSON) work too."""
    from core.models import ConfigRevision

    del settings.CUSTOM_VALIDATORS
    revision = ConfigRevision.objects.create(data={"CUSTOM_VALIDATORS": CUSTOM_VALIDATORS})
    revision.activate()
    clear_config()
    try:
        assert errors_of(good_server(asset_tag=None)) == {"asset_tag": ["Missing asset tag"]}
    finally:
        cache.delete_many(["config", "config_version"])
        clear_config()


def test_registration_skips_validators_netbox_already_runs(settings, registered, monkeypatch):
    calls = []
    original = validators.DeviceValidator.errors
    monkeypatch.setattr(validators.DeviceValidator, "errors", lambda self, i: calls.append(i) or original(self, i))
    settings.CUSTOM_VALIDATORS = {"dcim.device": CUSTOM_VALIDATORS["dcim.device"]}
    assert errors_of(good_server()) == {}
    assert len(calls) == 1


def test_register_setting(settings):
    assert validation.register_validators_if_enabled() is False  # default: off
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "netbox_wmf_ops": {**settings.PLUGINS_CONFIG["netbox_wmf_ops"], "register_validators": True},
    }
    settings.CUSTOM_VALIDATORS = {}
    try:
        assert validation.register_validators_if_enabled() is True
        assert errors_of(good_server(asset_tag=None)) == {"asset_tag": ["Missing asset tag"]}
    finally:
        validation.disconnect_validators()
