"""IKE/IPSec policies and proposals (docs/behaviour-reference.md §5.6): through full_clean() and the REST API (new
proposals count)."""

import pytest
from vpn.models import IKEPolicy, IKEProposal, IPSecProposal

from .helpers import errors_of, non_field

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("validators_enabled")]


def proposal(name, **fields):
    values = {"authentication_method": "preshared-keys", "encryption_algorithm": "aes-256-gcm", "group": 19}
    values.update(fields)
    return IKEProposal(name=name, **values)


def test_ike_proposal_rules():
    assert errors_of(proposal("good")) == {}
    assert non_field(
        errors_of(proposal("bad", encryption_algorithm="aes-256-cbc", authentication_algorithm="hmac-sha256", group=2))
    ) == [
        "Encryption algorithm must be AES in GCM mode.",
        "No authentication algorithm should be configured with AES-GCM.",
        "DH Group must be 14 or higher.",
    ]


def test_ipsec_proposal_rules():
    bad = IPSecProposal(name="ipsec-bad", encryption_algorithm="aes-128-cbc", authentication_algorithm="hmac-sha1")
    assert non_field(errors_of(bad)) == [
        "Encryption algorithm must be AES in GCM mode.",
        "No authentication algorithm should be configured with AES-GCM.",
    ]


def test_policy_with_two_new_proposals_over_the_api(client, api_headers):
    """The proposals being saved are counted (NetBox 4.7 passes them in before clean), not the stored ones."""
    first, second = proposal("p-one"), proposal("p-two")
    first.save()
    second.save()
    body = {"name": "policy-1", "version": 1, "proposals": [first.pk, second.pk]}
    response = client.post("/api/vpn/ike-policies/", body, content_type="application/json", **api_headers)
    assert response.status_code == 400, response.content
    assert response.json()["__all__"] == [
        "Only use one proposal for any policy.",
        "IKE version 2 must be used.",
    ]
    body = {"name": "policy-2", "version": 2, "proposals": [first.pk]}
    assert (
        client.post("/api/vpn/ike-policies/", body, content_type="application/json", **api_headers).status_code == 201
    )
    assert IKEPolicy.objects.filter(name="policy-2").exists()
