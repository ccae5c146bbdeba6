"""Grandfathering (``validators_grandfathering``): an old object breaking a rule can still have another field
corrected; a save adding a violation is refused, naming only the new one. Through the UI edit form and the REST API."""

import pytest
from dcim.models import Device

from .helpers import good_server

pytestmark = pytest.mark.django_db

OLD_TAG_ERROR = "Invalid asset tag WMF-1234 (must be (capitals) WMF then 4 or 5 digits)"
NAME_ERROR = "Invalid name (must be lowercase)"


@pytest.fixture
def grandfathering(settings):
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "netbox_wmf_ops": {**settings.PLUGINS_CONFIG["netbox_wmf_ops"], "validators_grandfathering": True},
    }


@pytest.fixture
def old_device() -> Device:
    """A device stored before the validators were enabled, with a malformed asset tag (saved without clean)."""
    device = good_server(asset_tag="WMF-1234")
    device.save()
    return device


def edit_form(device: Device, **changes) -> dict:
    """The device edit form as the UI posts it, with ``changes``."""
    form = {
        "name": device.name,
        "role": device.role_id,
        "device_type": device.device_type_id,
        "site": device.site_id,
        "rack": device.rack_id,
        "position": device.position,
        "face": device.face,
        "status": device.status,
        "airflow": "",
        "asset_tag": device.asset_tag,
        "serial": device.serial,
        "cf_purchase_date": device.custom_field_data["purchase_date"],
        "cf_ticket": device.custom_field_data["ticket"],
    }
    form.update(changes)
    return form


def ui_edit(client, device: Device, **changes):
    return client.post(f"/dcim/devices/{device.pk}/edit/", edit_form(device, **changes))


def api_patch(client, headers, device: Device, **changes):
    return client.patch(f"/api/dcim/devices/{device.pk}/", changes, content_type="application/json", **headers)


def test_off_by_default_the_old_violation_refuses_any_ui_edit(client, superuser, validators_enabled, old_device):
    client.force_login(superuser)
    response = ui_edit(client, old_device, serial="NEWSERIAL1")
    assert response.status_code == 200 and OLD_TAG_ERROR in response.content.decode()
    old_device.refresh_from_db()
    assert old_device.serial != "NEWSERIAL1"


def test_ui_edit_of_another_field_is_saved_under_grandfathering(
    client, superuser, validators_enabled, grandfathering, old_device
):
    client.force_login(superuser)
    response = ui_edit(client, old_device, serial="NEWSERIAL2")
    assert response.status_code == 302, response.content.decode()[:2000]
    old_device.refresh_from_db()
    assert old_device.serial == "NEWSERIAL2" and old_device.asset_tag == "WMF-1234"


def test_ui_edit_adding_a_violation_is_refused_naming_only_the_new_one(
    client, superuser, validators_enabled, grandfathering, old_device
):
    client.force_login(superuser)
    response = ui_edit(client, old_device, name=old_device.name.upper())
    html = response.content.decode()
    assert response.status_code == 200 and NAME_ERROR in html and OLD_TAG_ERROR not in html
    old_device.refresh_from_db()
    assert old_device.name.islower()


def test_api_patch_off_by_default_is_refused_for_the_old_violation(client, api_headers, validators_enabled, old_device):
    response = api_patch(client, api_headers, old_device, serial="NEWSERIAL3")
    assert response.status_code == 400 and response.json() == {"asset_tag": [OLD_TAG_ERROR]}


def test_api_patch_under_grandfathering(client, api_headers, validators_enabled, grandfathering, old_device):
    assert api_patch(client, api_headers, old_device, serial="NEWSERIAL4").status_code == 200
    response = api_patch(client, api_headers, old_device, name=old_device.name.upper(), serial="")
    assert response.status_code == 400
    assert response.json() == {"name": [NAME_ERROR], "serial": ["Missing serial number"]}
    # Another malformed asset tag breaks the same rule: not a new violation.
    assert api_patch(client, api_headers, old_device, asset_tag="WMF-5678").status_code == 200
    # Fixing the old violation is of course accepted, and from then on the rule holds for this device.
    assert api_patch(client, api_headers, old_device, asset_tag="WMF91234").status_code == 200
    response = api_patch(client, api_headers, old_device, asset_tag="wmf1")
    assert response.status_code == 400 and list(response.json()) == ["asset_tag"]


def test_a_new_object_gets_every_violation_under_grandfathering(
    client, api_headers, validators_enabled, grandfathering
):
    device = good_server(name="TST1999", asset_tag="wmf1")
    body = {
        "name": device.name,
        "asset_tag": device.asset_tag,
        "role": device.role_id,
        "device_type": device.device_type_id,
        "site": device.site_id,
        "status": "planned",
        "serial": device.serial,
        "custom_fields": device.custom_field_data,
    }
    response = client.post("/api/dcim/devices/", body, content_type="application/json", **api_headers)
    assert response.status_code == 400
    assert response.json() == {
        "name": [NAME_ERROR],
        "asset_tag": ["Invalid asset tag wmf1 (must be (capitals) WMF then 4 or 5 digits)"],
    }
