"""Signal receivers: register the shipped reports/scripts after every `netbox migrate`."""

import logging

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import settings

logger = logging.getLogger("netbox_wmf_ops.registration")


@receiver(post_migrate, dispatch_uid="netbox_wmf_ops_register_shipped_scripts")
def register_after_migrate(sender, using="default", **kwargs):
    # post_migrate fires once per app; act once, for ours (it comes after extras/core have their tables).
    if sender.name != settings.PLUGIN_NAME or not settings.get("register_shipped_scripts"):
        return
    from .registration import register_shipped_scripts

    register_shipped_scripts()
