"""Typed access to PLUGINS_CONFIG['netbox_wmf_ops'] (validated at start-up by the PluginConfig).

Every setting is declared once, with its default and validation, in ``config_schema.SETTINGS``; ``get()`` is the one
way the code reads them."""

import copy
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from netbox.plugins import get_plugin_config

PLUGIN_NAME = "netbox_wmf_ops"


def get(name: str) -> Any:
    """The configured value of one setting; its declared default when it is not configured (or configured as None,
    or read by a tool whose Django settings have no PLUGINS_CONFIG entry for the plugin)."""
    from .config_schema import SETTINGS

    try:
        value = get_plugin_config(PLUGIN_NAME, name)
    except (ImproperlyConfigured, AttributeError):
        value = None
    return copy.deepcopy(SETTINGS[name].default) if value is None else value
