"""Settings of the hourly CSV dump and its rotation."""

from .validators import Setting, absolute_path, boolean, minute_of_hour, positive_int

SETTINGS: dict[str, Setting] = {
    "dump_enabled": Setting(True, boolean, "Write the hourly CSV dump (system job run by netbox rqworker)."),
    "dump_root": Setting("/srv/netbox-dumps", absolute_path, "Directory of the CSV dumps."),
    "dump_minute": Setting(37, minute_of_hour, "Minute of the hour at which the hourly dump runs."),
    "dump_keep_hourly": Setting(16, positive_int, "Hourly dumps kept by the rotation."),
    "dump_keep_daily": Setting(60, positive_int, "Daily dumps kept by the rotation."),
    "dump_keep_monthly": Setting(12, positive_int, "Monthly dumps kept by the rotation."),
    "dump_keep_yearly": Setting(10, positive_int, "Yearly dumps kept by the rotation."),
    "dump_interval": Setting(
        60, positive_int, "Minutes between CSV dumps, on slots anchored at minute dump_minute of the hour."
    ),
}
