"""The plugin's navigation: the top-level *Data quality* menu, and entries under Plugins → WMF Ops."""

from netbox.plugins import PluginMenu, PluginMenuItem

menu_items = (PluginMenuItem(link="plugins:netbox_wmf_ops:export_list", link_text="CSV exports"),)

menu = PluginMenu(
    label="Data quality",
    icon_class="mdi mdi-clipboard-check-outline",
    groups=(
        (
            "Data quality",
            (
                PluginMenuItem(
                    link="plugins:netbox_wmf_ops:checks",
                    link_text="Checks",
                    permissions=["netbox_wmf_ops.view_checkrun"],
                ),
                PluginMenuItem(
                    link="plugins:netbox_wmf_ops:finding_list",
                    link_text="Findings",
                    permissions=["netbox_wmf_ops.view_finding"],
                ),
                PluginMenuItem(
                    link="plugins:netbox_wmf_ops:checkrun_list",
                    link_text="Runs",
                    permissions=["netbox_wmf_ops.view_checkrun"],
                ),
            ),
        ),
    ),
)
