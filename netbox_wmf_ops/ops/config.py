"""Operations-kit settings (declared with their defaults and validation in ``config_schema.py``).

``ops_setting(name)`` reads ``PLUGINS_CONFIG['netbox_wmf_ops'][name]`` through ``netbox_wmf_ops.settings`` and falls
back to the default below when the key is absent.
"""

from __future__ import annotations

from typing import Any

from netbox_wmf_ops.config_schema import SETTINGS
from netbox_wmf_ops.links import DEFAULT_URLS

_OPS_KEYS = (
    "dump_enabled",
    "dump_root",
    "dump_minute",
    "dump_keep_hourly",
    "dump_keep_daily",
    "dump_keep_monthly",
    "dump_keep_yearly",
    "install_custom_links",
    *DEFAULT_URLS,
    "proxy_allowed_scripts",
    "proxy_timeout",
)
# Declared once, with validation, in config_schema; kept here as the fallback outside a configured NetBox.
OPS_DEFAULTS: dict[str, Any] = {name: SETTINGS[name].default for name in _OPS_KEYS}


def ops_setting(name: str) -> Any:
    from netbox_wmf_ops import settings

    value = settings.get(name)
    return OPS_DEFAULTS[name] if value is None else value


def dump_keep():
    from netbox_wmf_ops.exports.rotation import Keep

    return Keep(
        hourly=ops_setting("dump_keep_hourly"),
        daily=ops_setting("dump_keep_daily"),
        monthly=ops_setting("dump_keep_monthly"),
        yearly=ops_setting("dump_keep_yearly"),
    )
