from datetime import date

import pytest

from netbox_wmf_ops.quality.acknowledge import AcknowledgementError, check_acknowledgement
from netbox_wmf_ops.quality.notify import notification_text

TODAY = date(2026, 12, 6)


def test_a_reason_is_required_and_stripped():
    assert check_acknowledgement("  known issue ", None, TODAY) == "known issue"
    with pytest.raises(AcknowledgementError, match="reason is required"):
        check_acknowledgement(" \n", None, TODAY)
    with pytest.raises(AcknowledgementError, match="longer than"):
        check_acknowledgement("x" * 2001, None, TODAY)


def test_the_expiry_may_be_today_or_later_never_in_the_past():
    assert check_acknowledgement("ok", TODAY, TODAY) == "ok"
    with pytest.raises(AcknowledgementError, match="2026-12-05 is in the past"):
        check_acknowledgement("ok", date(2026, 12, 5), TODAY)


def test_notification_text_counts_and_owner_within_netbox_limit():
    assert notification_text("Cables", 1, 4, "DC-ops") == "Cables: 1 new failure, 4 open (owner: DC-ops)"
    assert notification_text("Cables", 3, 3, "") == "Cables: 3 new failures, 3 open"
    assert len(notification_text("x" * 300, 1, 1, "y")) == 200
