"""``vpn`` rules (spec §5.6): IKE/IPSec policies and proposals. No field is attached to these errors."""

from __future__ import annotations

from . import RuleError

MIN_DH_GROUP = 14
IKE_VERSION = 2


def _one_proposal(model: str, proposal_count: int) -> list[RuleError]:
    if proposal_count > 1:
        return [RuleError(None, "Only use one proposal for any policy.", rule=f"{model}.one_proposal")]
    return []


def _gcm(model: str, encryption_algorithm: str | None, authentication_algorithm: str | None) -> list[RuleError]:
    errors = []
    if not (encryption_algorithm or "").endswith("-gcm"):
        errors.append(RuleError(None, "Encryption algorithm must be AES in GCM mode.", rule=f"{model}.gcm_encryption"))
    if authentication_algorithm:
        errors.append(
            RuleError(
                None,
                "No authentication algorithm should be configured with AES-GCM.",
                rule=f"{model}.gcm_authentication",
            )
        )
    return errors


def check_ike_policy(version: int | None, proposal_count: int) -> list[RuleError]:
    errors = _one_proposal("ikepolicy", proposal_count)
    if version != IKE_VERSION:
        errors.append(RuleError(None, "IKE version 2 must be used.", rule="ikepolicy.ike_version"))
    return errors


def check_ike_proposal(
    encryption_algorithm: str | None, authentication_algorithm: str | None, group: int | None
) -> list[RuleError]:
    errors = _gcm("ikeproposal", encryption_algorithm, authentication_algorithm)
    if group is None or group < MIN_DH_GROUP:
        errors.append(RuleError(None, "DH Group must be 14 or higher.", rule="ikeproposal.dh_group"))
    return errors


def check_ipsec_policy(pfs_group: int | None, proposal_count: int) -> list[RuleError]:
    errors = _one_proposal("ipsecpolicy", proposal_count)
    if pfs_group is None or pfs_group < MIN_DH_GROUP:
        errors.append(
            RuleError(None, "DH Group must be defined for PFS and be 14 or higher.", rule="ipsecpolicy.pfs_group")
        )
    return errors


def check_ipsec_proposal(encryption_algorithm: str | None, authentication_algorithm: str | None) -> list[RuleError]:
    return _gcm("ipsecproposal", encryption_algorithm, authentication_algorithm)
