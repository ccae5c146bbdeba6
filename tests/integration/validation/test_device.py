"""The device validator through full_clean() with CUSTOM_VALIDATORS set (docs/behaviour-reference.md §5.1)."""

import pytest
from dcim.models import Device

from tests import factories

from .helpers import errors_of, good_server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("validators_enabled")]


def test_a_good_device_saves():
    device = good_server()
    assert errors_of(device) == {}
    device.save()


def test_all_failures_at_once_keyed_by_field():
    device = good_server(
        name="TST2001.x",
        asset_tag="wmf1",
        serial="",
        rack=None,
        position=None,
        custom_field_data={"purchase_date": "2099-01-01", "ticket": None},
    )
    assert errors_of(device) == {
        "name": [
            "Invalid name (must be lowercase)",
            "Invalid name (must not contain a dot)",
            "Invalid name (first digit of 2001 must match device's site eqiad digit)",
        ],
        "asset_tag": ["Invalid asset tag wmf1 (must be (capitals) WMF then 4 or 5 digits)"],
        "cf_purchase_date": ["Invalid purchase date (must not be in the future)"],
        "cf_ticket": ["Missing procurement ticket"],
        "serial": ["Missing serial number"],
        "rack": ["Invalid rack/status (ACTIVE devices must have rack defined)"],
    }


def test_duplicate_serial_names_the_other_device():
    first = good_server()
    first.save()
    second = good_server(serial=first.serial)
    assert errors_of(second) == {"serial": [f"Duplicate serial number with {first}"]}  # str(): "name (asset tag)"
    # Editing the first device does not find itself.
    assert errors_of(Device.objects.get(pk=first.pk)) == {}


def test_status_rack_position_rules():
    assert errors_of(good_server(status="staged")) == {"status": ["Invalid role/status (servers must not use STAGED)"]}
    assert errors_of(good_server(status="offline")) == {
        "rack": ["Invalid rack/status (OFFLINE devices most not have rack defined)"]
    }
    assert errors_of(good_server(position=None)) == {
        "position": ["Invalid rack/position (device with U height and rack must have position)"]
    }


def test_no_validation_without_the_setting(settings):
    settings.CUSTOM_VALIDATORS = {}
    assert errors_of(good_server(asset_tag=None)) == {}


def test_patch_panels_need_no_asset_tag_or_serial():
    panel = good_server(role=factories.role("patch-panel"), asset_tag=None, serial="")
    assert errors_of(panel) == {}
