"""Settings of the synchronous script proxy."""

from .validators import Setting, positive_int, script_names, seconds

SETTINGS: dict[str, Setting] = {
    "proxy_allowed_scripts": Setting(
        ["wmf_ops_device_stats.GetDeviceStats"], script_names, "Scripts the script proxy may run."
    ),
    "proxy_timeout": Setting(60, seconds, "Seconds the script proxy waits before answering with the job."),
    "proxy_max_concurrent": Setting(
        4, positive_int, "Script proxy runs at a time (worker threads, database connections); beyond: 503."
    ),
}
