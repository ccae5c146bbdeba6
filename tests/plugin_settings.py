"""Changing the plugin's settings for one test; pytest-django's ``settings`` fixture restores them after it."""

from __future__ import annotations


def override_plugin_settings(settings, **values) -> dict:
    """Set ``values`` in ``PLUGINS_CONFIG['netbox_wmf_ops']`` for the rest of the test; returns that dict, which the
    test may change further."""
    config = settings.PLUGINS_CONFIG
    plugin = {**config["netbox_wmf_ops"], **values}
    settings.PLUGINS_CONFIG = {**config, "netbox_wmf_ops": plugin}
    return plugin
