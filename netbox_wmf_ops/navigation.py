"""Entries of the plugin under Plugins → WMF Ops in NetBox's navigation."""

from netbox.plugins import PluginMenuItem

menu_items = (PluginMenuItem(link="plugins:netbox_wmf_ops:export_list", link_text="CSV exports"),)
