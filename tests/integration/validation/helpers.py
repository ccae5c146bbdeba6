"""Builders for the validator tests (on top of tests/factories.py) and the error-reading helper."""

from __future__ import annotations

from core.models import ObjectType
from dcim.models import Device, Interface
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from extras.models import CustomField

from tests import factories


def errors_of(obj) -> dict[str, list[str]]:
    """``full_clean()`` the object and return its errors by field (``__all__`` for non-field ones); {} when valid."""
    try:
        obj.full_clean()
    except ValidationError as e:
        return {field: [str(m) for m in messages] for field, messages in e.message_dict.items()}
    return {}


def non_field(errors: dict[str, list[str]]) -> list[str]:
    return errors.get(NON_FIELD_ERRORS, [])


def device_custom_fields() -> None:
    """The purchase_date/ticket custom fields the device validator reads (the demo fleet has them too)."""
    for name, type_ in (("purchase_date", "date"), ("ticket", "text")):
        field, _ = CustomField.objects.get_or_create(name=name, defaults={"type": type_, "label": name})
        field.object_types.add(ObjectType.objects.get_for_model(Device))


def good_server(**fields) -> Device:
    """An unsaved eqiad server that passes every device rule (tests break what they exercise)."""
    device_custom_fields()
    site = factories.site("eqiad")
    values = {
        "name": f"tst1{int(factories.unique('')) % 1000:03d}",
        "role": factories.role("server"),
        "device_type": factories.device_type("Test Server", "Dell"),
        "site": site,
        "rack": factories.rack(site, factories.unique("rack"), status="active"),
        "position": 10,
        "face": "front",
        "status": "active",
        "asset_tag": free_asset_tag(),
        "serial": factories.unique("SN"),
        "custom_field_data": {"purchase_date": "2024-01-15", "ticket": "T123456"},
    }
    values.update(fields)
    return Device(**values)


def free_asset_tag() -> str:
    """A valid asset tag no device has (asset tags are unique in NetBox; the demo fleet uses real-looking ones)."""
    while True:
        tag = f"WMF{90000 + int(factories.unique('')) % 10000}"
        if not Device.objects.filter(asset_tag=tag).exists():
            return tag


def switch(manufacturer: str = "Juniper", model: str = "qfx5120-48y-afi", role: str = "asw", **fields) -> Device:
    """A saved network device (the device validator is not what these tests enable)."""
    values = {
        "name": factories.unique("testsw"),
        "role": factories.role(role),
        "device_type": factories.device_type(model, manufacturer),
        "site": factories.site(),
        "status": "active",
    }
    values.update(fields)
    return Device.objects.create(**values)


def interface(dev: Device, name: str, type_: str = "10gbase-x-sfpp", **fields) -> Interface:
    """An unsaved interface of ``dev``."""
    return Interface(device=dev, name=name, type=type_, **fields)
