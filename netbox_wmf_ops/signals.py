"""Signal receivers: after every `netbox migrate`, register the shipped reports/scripts, create the device custom
fields they read, and install the custom links."""

import logging

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import settings

logger = logging.getLogger("netbox_wmf_ops.registration")


@receiver(post_migrate, dispatch_uid="netbox_wmf_ops_register_shipped_scripts")
def register_after_migrate(sender, using="default", **kwargs):
    # post_migrate fires once per app; act once, for ours (it comes after extras/core have their tables).
    if sender.name != settings.PLUGIN_NAME:
        return
    if settings.get("register_shipped_scripts"):
        from .registration import register_shipped_scripts

        register_shipped_scripts()
    if settings.get("provision_custom_fields"):
        from .custom_fields import ensure_custom_fields

        ensure_custom_fields()
    if settings.get("install_custom_links"):
        from .links import install_custom_links

        install_custom_links()


# The core script door of the reports records its findings when its job ends.
from .quality import signals as _quality_signals  # noqa: E402, F401
