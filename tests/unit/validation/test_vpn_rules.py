from netbox_wmf_ops.validation.rules import RuleError
from netbox_wmf_ops.validation.rules.vpn import (
    check_ike_policy,
    check_ike_proposal,
    check_ipsec_policy,
    check_ipsec_proposal,
)

GCM = RuleError(None, "Encryption algorithm must be AES in GCM mode.")
NO_AUTH = RuleError(None, "No authentication algorithm should be configured with AES-GCM.")
ONE = RuleError(None, "Only use one proposal for any policy.")


def test_ike_policy():
    assert check_ike_policy(2, 1) == []
    assert check_ike_policy(1, 2) == [ONE, RuleError(None, "IKE version 2 must be used.")]


def test_ike_proposal():
    assert check_ike_proposal("aes-256-gcm", "", 19) == []
    assert check_ike_proposal("aes-256-cbc", "hmac-sha256", 2) == [
        GCM,
        NO_AUTH,
        RuleError(None, "DH Group must be 14 or higher."),
    ]


def test_ipsec_policy():
    assert check_ipsec_policy(14, 0) == []
    pfs = RuleError(None, "DH Group must be defined for PFS and be 14 or higher.")
    assert check_ipsec_policy(None, 1) == [pfs]
    assert check_ipsec_policy(5, 3) == [ONE, pfs]


def test_ipsec_proposal():
    assert check_ipsec_proposal("aes-128-gcm", None) == []
    assert check_ipsec_proposal(None, "hmac-sha1") == [GCM, NO_AUTH]
