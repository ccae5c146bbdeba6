"""The device custom fields the reports, validators and links read, created when missing (never altered)."""

from __future__ import annotations

from core.models import ObjectType
from dcim.models import Device
from extras.choices import CustomFieldTypeChoices
from extras.models import CustomField

# name, label, type: `purchase_date` (Accounting, Coherence, VLAN migration), `ticket` (Accounting, Coherence,
# the procurement-ticket link).
DEVICE_FIELDS = (
    ("purchase_date", "Purchase date", CustomFieldTypeChoices.TYPE_DATE),
    ("ticket", "Procurement ticket", CustomFieldTypeChoices.TYPE_TEXT),
)


def ensure_custom_fields() -> list[str]:
    """Create the missing fields and attach them to devices; an operator's existing field is left as it is."""
    device_type = ObjectType.objects.get_for_model(Device)
    created = []
    for name, label, field_type in DEVICE_FIELDS:
        field, was_created = CustomField.objects.get_or_create(name=name, defaults={"type": field_type, "label": label})
        if was_created:
            field.object_types.add(device_type)
            created.append(name)
    return created
