"""Ganeti profile settings: validation messages and the profile objects built from them."""

import pytest

from netbox_wmf_ops.ganeti.config import load_profiles, validate_profiles, validate_share

GOOD = {"eqiad": {"site": "eqiad", "url": "ganeti01.svc.eqiad.wmnet", "user": "ro", "password": "pw", "timeout": 10}}


def test_good_profiles_build_endpoints():
    assert validate_profiles(GOOD) is None
    profile = load_profiles(GOOD)["eqiad"]
    assert profile.site == "eqiad"
    assert profile.endpoint.base_url == "https://ganeti01.svc.eqiad.wmnet:5080"
    assert profile.endpoint.timeout == (10.0, 10.0)
    assert load_profiles(None) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "must be a mapping"),
        ({"eqiad": {"url": "x"}}, "missing ['site']"),
        ({"eqiad": {"site": "eqiad", "url": "x", "cluster": "y"}}, "unknown keys ['cluster']"),
        ({"eqiad": {"site": "eqiad", "url": "ftp://x"}}, "not a Ganeti RAPI URL"),
        ({"eqiad": {"site": "eqiad", "url": "x", "timeout": "soon"}}, "timeout must be"),
        ({"eqiad": {"site": "eqiad", "url": "x", "password": "pw"}}, "a password needs a user"),
        ({"eqiad": {"site": "", "url": "x"}}, "site must be a non-empty string"),
    ],
)
def test_bad_profiles_are_explained(value, message):
    assert message in validate_profiles(value)


@pytest.mark.parametrize(
    ("value", "ok"), [(0.1, True), (0, True), (1, True), (1.5, False), (True, False), ("10%", False)]
)
def test_share(value, ok):
    assert (validate_share(value) is None) is ok
