"""Save-time validators (spec §5): pure rules in ``rules/``, NetBox ``CustomValidator`` adapters in ``validators``.

Enabling them is one NetBox setting. In ``configuration.py``::

    from netbox_wmf_ops.validation import CUSTOM_VALIDATORS

or merged with validators of your own (``{**CUSTOM_VALIDATORS, "dcim.rack": [...]}``). This module imports nothing
from Django or NetBox at import time, so ``configuration.py`` can import it while NetBox loads its settings.

Alternatively, ``PLUGINS_CONFIG["netbox_wmf_ops"]["register_validators"] = True`` makes the plugin run them itself
(``register_validators_if_enabled()``, called from the plugin's ``ready()``), which also works when
``CUSTOM_VALIDATORS`` is managed in the UI (Admin → Configuration history) rather than in ``configuration.py``.
"""

from __future__ import annotations

from typing import Any

VALIDATORS_MODULE = "netbox_wmf_ops.validation.validators"

# model label -> validator classes (dotted paths, as NetBox's CUSTOM_VALIDATORS expects them)
CUSTOM_VALIDATORS: dict[str, list[str]] = {
    label: [f"{VALIDATORS_MODULE}.{name}"]
    for label, name in {
        "dcim.device": "DeviceValidator",
        "dcim.devicetype": "DeviceTypeValidator",
        "dcim.interface": "InterfaceValidator",
        "dcim.cable": "CableValidator",
        "dcim.consoleport": "ConsolePortValidator",
        "dcim.consoleserverport": "ConsoleServerPortValidator",
        "dcim.powerport": "PowerPortValidator",
        "dcim.poweroutlet": "PowerOutletValidator",
        "dcim.site": "SiteValidator",
        "ipam.ipaddress": "IPAddressValidator",
        "ipam.prefix": "PrefixValidator",
        "vpn.ikepolicy": "IKEPolicyValidator",
        "vpn.ikeproposal": "IKEProposalValidator",
        "vpn.ipsecpolicy": "IPSecPolicyValidator",
        "vpn.ipsecproposal": "IPSecProposalValidator",
    }.items()
}

REGISTER_SETTING = "register_validators"
REGISTER_DEFAULT = False
GRANDFATHERING_SETTING = "validators_grandfathering"
GRANDFATHERING_DEFAULT = False
DISPATCH_UID = "netbox_wmf_ops.validation.run_registered_validators"


def _validator_path(validator: Any) -> str | None:
    if isinstance(validator, str):
        return validator
    if isinstance(validator, type):
        return f"{validator.__module__}.{validator.__qualname__}"
    if isinstance(validator, dict):
        return None
    return f"{type(validator).__module__}.{type(validator).__qualname__}"


def run_registered_validators(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_clean`` receiver: run the plugin's validators of the model, except those the operator already lists
    in NetBox's CUSTOM_VALIDATORS (NetBox runs those itself; running them twice would only cost time)."""
    paths = CUSTOM_VALIDATORS.get(f"{sender._meta.app_label}.{sender._meta.model_name}")
    if not paths:
        return
    from extras.utils import run_validators
    from netbox.config import get_config
    from utilities.data import get_config_value_ci

    label = f"{sender._meta.app_label}.{sender._meta.model_name}"
    configured = {_validator_path(v) for v in get_config_value_ci(get_config().CUSTOM_VALIDATORS, label, default=[])}
    pending = [path for path in paths if path not in configured]
    if pending:
        run_validators(instance, pending)


def connect_validators() -> None:
    from netbox.signals import post_clean

    post_clean.connect(run_registered_validators, dispatch_uid=DISPATCH_UID)


def disconnect_validators() -> None:
    from netbox.signals import post_clean

    post_clean.disconnect(dispatch_uid=DISPATCH_UID)


def setting(name: str, default: Any) -> Any:
    """A plugin setting, or ``default`` while the key is not (yet) declared in config_schema."""
    from netbox_wmf_ops import settings

    try:
        value = settings.get(name)
    except Exception:  # no PLUGINS_CONFIG entry at all (e.g. plain Django settings in a tool)
        value = None
    return default if value is None else value


def register_validators_if_enabled() -> bool:
    """Called from the plugin's ``ready()``: run the validators on every clean when ``register_validators`` is on."""
    enabled = bool(setting(REGISTER_SETTING, REGISTER_DEFAULT))
    if enabled:
        connect_validators()
    return enabled
