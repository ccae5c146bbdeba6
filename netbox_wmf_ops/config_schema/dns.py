"""Settings of the DNS snippet generator, its schedules and its read-only git export."""

from .validators import Setting, count, list_of_str, minutes_or_zero, nonempty_str, percent, permission, positive_int
from .validators import text as any_text

SETTINGS: dict[str, Setting] = {
    "dns_repository_path": Setting("", any_text, "Git repository the DNS snippets are published to."),
    "dns_work_dir": Setting("", any_text, "Parent directory of the generator's temporary clones."),
    "dns_min_records": Setting(0, count, "Fewer forward records than this is an error (0: no floor)."),
    "dns_files_warning_percent": Setting(8.0, percent, "Changed files (%) above which a warning is logged."),
    "dns_files_error_percent": Setting(15.0, percent, "Changed files (%) above which publishing is refused."),
    "dns_lines_warning_percent": Setting(3.0, percent, "Changed lines (%) above which a warning is logged."),
    "dns_lines_error_percent": Setting(5.0, percent, "Changed lines (%) above which publishing is refused."),
    "dns_git_author_name": Setting("generate-dns-snippets", nonempty_str, "Author of the DNS commits."),
    "dns_git_author_email": Setting("netbox@localhost", nonempty_str, "Author e-mail of the DNS commits."),
    "dns_commit_message": Setting("Update DNS snippets from NetBox", nonempty_str, "Default commit message."),
    "dns_device_statuses": Setting(
        ["active", "planned", "failed", "inventory"], list_of_str, "Device statuses whose IPs are published."
    ),
    "dns_icinga_state_file": Setting("", any_text, "JSON state file of the DNS Icinga check."),
    "dns_lock_timeout": Setting(120, positive_int, "Seconds a DNS run waits for another to finish."),
    "dns_check_interval": Setting(
        0, minutes_or_zero, "Minutes between scheduled DNS state checks (0 = not scheduled)."
    ),
    "dns_publish_interval": Setting(
        0, minutes_or_zero, "Minutes between scheduled DNS commit-and-push runs (0 = not scheduled)."
    ),
    "dns_export_permission": Setting(
        "ipam.view_ipaddress",
        permission,
        "Permission, held without constraints, needed to clone the DNS repository over HTTP.",
    ),
}
