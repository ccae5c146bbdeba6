"""Settings of the NetBox-only reports and their schedules."""

from .validators import Setting, list_of_str, report_schedules

SETTINGS: dict[str, Setting] = {
    "management_console_roles": Setting(
        ["cr", "asw", "mr", "pfw", "cloudsw"],
        list_of_str,
        "Device role slugs whose devices must have a connected console port (Management report).",
    ),
    "management_console_excluded_sites": Setting(
        ["eqord", "eqdfw"],
        list_of_str,
        "Site slugs skipped by the Management report (sites without out-of-band console infrastructure).",
    ),
    "report_schedules": Setting(
        {},
        report_schedules,
        "Reports to run periodically by `netbox rqworker`: {'wmf_ops_management.ManagementConsole': 1440}.",
    ),
}
