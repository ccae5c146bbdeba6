"""Revert input parsing (docs/behaviour-reference.md §2.10): request IDs, change ID lists and the refusals."""

import pytest

from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.revert import parse_change_filter

REQUEST = "8ff8c035-ce55-4048-b098-049c391ee3d7"


def test_request_id():
    assert parse_change_filter(f" {REQUEST} ") == {"request_id": REQUEST}


def test_change_ids():
    assert parse_change_filter("12") == {"id__in": [12]}
    assert parse_change_filter("12, 13,,14") == {"id__in": [12, 13, 14]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No request ID or change ID given"),
        (" , ", "No request ID or change ID given"),
        ("12,abc", "abc is not a valid change ID"),
        ("8ff8c035-nope", "8ff8c035-nope is not a valid request ID"),
    ],
)
def test_refused_inputs(text, message):
    with pytest.raises(Refused, match=f"^{message}$"):
        parse_change_filter(text)
