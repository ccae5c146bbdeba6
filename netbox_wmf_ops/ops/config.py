"""Defaults of the operations-kit settings, used until the keys are declared in ``config_schema.py``.

``ops_setting(name)`` reads ``PLUGINS_CONFIG['netbox_wmf_ops'][name]`` through ``netbox_wmf_ops.settings`` and falls
back to the default below when the key is absent.
"""

from __future__ import annotations

from typing import Any

from netbox_wmf_ops.links import DEFAULT_URLS

OPS_DEFAULTS: dict[str, Any] = {
    "dump_enabled": True,
    "dump_root": "/srv/netbox-dumps",
    "dump_minute": 37,
    "dump_keep_hourly": 16,
    "dump_keep_daily": 60,
    "dump_keep_monthly": 12,
    "dump_keep_yearly": 10,
    "install_custom_links": True,
    **DEFAULT_URLS,
    "proxy_allowed_scripts": ["wmf_ops_device_stats.GetDeviceStats"],
    "proxy_timeout": 60,
}


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
