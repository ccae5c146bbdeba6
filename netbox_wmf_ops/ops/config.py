"""Operations-kit settings (declared with their defaults and validation in ``config_schema.py``).

``ops_setting(name)`` reads ``PLUGINS_CONFIG['netbox_wmf_ops'][name]`` through ``netbox_wmf_ops.settings`` (the
declared default when the key is absent).
"""

from __future__ import annotations

from typing import Any


def ops_setting(name: str) -> Any:
    from netbox_wmf_ops import settings

    return settings.get(name)


def dump_keep():
    from netbox_wmf_ops.exports.rotation import Keep

    return Keep(
        hourly=ops_setting("dump_keep_hourly"),
        daily=ops_setting("dump_keep_daily"),
        monthly=ops_setting("dump_keep_monthly"),
        yearly=ops_setting("dump_keep_yearly"),
    )
