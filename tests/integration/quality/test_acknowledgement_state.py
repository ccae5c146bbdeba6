from datetime import UTC, date, datetime

from netbox_wmf_ops.models import Finding

TODAY = date(2026, 12, 6)


def test_an_acknowledgement_holds_through_its_expiry_day():
    finding = Finding(acknowledged=datetime(2026, 12, 1, tzinfo=UTC), acknowledged_until=TODAY)
    assert finding.is_acknowledged(TODAY) and not finding.is_acknowledged(date(2026, 12, 7))
    assert Finding(acknowledged=datetime(2026, 12, 1, tzinfo=UTC)).is_acknowledged(TODAY)  # no expiry
    assert not Finding().is_acknowledged(TODAY) and Finding().acknowledgement_state == ""
