"""Operations-kit settings that are built from several keys (each declared, with its default and validation, in
``config_schema.py``; single keys are read with ``netbox_wmf_ops.settings.get``)."""

from __future__ import annotations


def dump_keep():
    from netbox_wmf_ops import settings
    from netbox_wmf_ops.exports.rotation import Keep

    return Keep(
        hourly=settings.get("dump_keep_hourly"),
        daily=settings.get("dump_keep_daily"),
        monthly=settings.get("dump_keep_monthly"),
        yearly=settings.get("dump_keep_yearly"),
    )
