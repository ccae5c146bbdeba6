"""Fixtures shared by the unit tests."""

import pytest

from netbox_wmf_ops import policy


@pytest.fixture
def site_policy():
    """``policy.apply`` for a test that configures the site policy; the defaults come back afterwards."""
    yield policy.apply
    policy.apply({})
