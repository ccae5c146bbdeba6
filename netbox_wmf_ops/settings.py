"""Typed access to PLUGINS_CONFIG['netbox_wmf_ops'] (validated at start-up by the PluginConfig)."""

from typing import Any

from netbox.plugins import get_plugin_config

PLUGIN_NAME = "netbox_wmf_ops"


def get(name: str) -> Any:
    """The configured value of one setting (its default when not configured)."""
    return get_plugin_config(PLUGIN_NAME, name)
