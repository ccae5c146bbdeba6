"""Fixtures of the integration tests that use the seeded demo fleet as it is (the shared ones, rq_worker and
run_netbox, live in tests/conftest.py)."""

import pytest


@pytest.fixture
def demo_fleet_loaded(db):
    """Fail clearly when the test database is not a clone of the current demo-fleet template."""
    from dcim.models import Device

    from tests.integration.lifecycle.demo_fleet import READY, READY_MGMT

    if Device.objects.filter(name__in=READY + READY_MGMT).count() != len(READY + READY_MGMT):
        pytest.fail("the test template holds no (or an older) demo fleet: rebuild it with `dev/wmfops.py test-prepare`")
