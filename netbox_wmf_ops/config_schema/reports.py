"""Settings of the reports: the NetBox-only ones, their schedules, and how long their findings are kept."""

from .validators import Setting, list_of_str, positive_int, report_schedules

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
    "findings_retention_days": Setting(
        90, positive_int, "Days resolved findings and old check runs are kept (open findings: always)."
    ),
}
