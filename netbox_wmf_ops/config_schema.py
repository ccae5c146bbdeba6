"""The plugin's settings: names, defaults and validation rules.

Pure Python (no Django import) so that the PluginConfig can build ``default_settings`` from it at import time and the
validation is unit-testable. Every key here must be documented in ``docs/configuration.md`` (a test checks it).
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Validator = Callable[[Any], str | None]  # returns an error text, or None when the value is acceptable


def _list_of_str(value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        return "must be a list of non-empty strings"
    return None


def _nonempty_str(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


def _minutes_or_zero(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a whole number of minutes (0 = not scheduled)"


def _str(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _count(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a whole number >= 0"


def _positive_int(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a whole number >= 1"


def _percent(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a percentage >= 0"


def _permission(value: Any) -> str | None:
    ok = isinstance(value, str) and value.count(".") == 1 and all(value.split("."))
    return None if ok else "must be a permission name 'app_label.codename', e.g. 'ipam.view_ipaddress'"


def _absolute_path(value: Any) -> str | None:
    return None if isinstance(value, str) and value.startswith("/") else "must be an absolute path"


def _minute(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 59
    return None if ok else "must be a minute of the hour, 0 to 59"


def _base_url(value: Any) -> str | None:
    ok = isinstance(value, str) and value.startswith(("http://", "https://")) and "{" not in value and "}" not in value
    return None if ok else "must be an http(s) URL without { or }"


def _script_names(value: Any) -> str | None:
    if _list_of_str(value) or not all(v.count(".") == 1 for v in value):
        return "must be a list of 'module.ClassName' strings"
    return None


def _seconds(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if ok else "must be a number of seconds > 0"


def _intervals(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 1
    return None if ok else "must be a number of intervals >= 1"


def _url_or_empty(value: Any) -> str | None:
    ok = isinstance(value, str) and (value == "" or value.startswith(("http://", "https://")))
    return None if ok else "must be empty or an http(s) URL"


def _puppetdb_api(value: Any) -> str | None:
    return None if value in ("v4", "microservice") else "must be 'v4' (PuppetDB's query API) or 'microservice'"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _schedules(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "must be a mapping of 'module.ClassName' to an interval in minutes"
    for name, minutes in value.items():
        if not isinstance(name, str) or name.count(".") != 1:
            return f"key {name!r} must be 'module.ClassName'"
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            return f"interval for {name!r} must be a whole number of minutes >= 1"
    return None


@dataclass(frozen=True)
class Setting:
    default: Any
    validate: Validator
    help: str


SETTINGS: dict[str, Setting] = {
    "register_shipped_scripts": Setting(
        True,
        _bool,
        "Write the shipped reports/scripts into SCRIPTS_ROOT and register them after every `netbox migrate`.",
    ),
    "management_console_roles": Setting(
        ["cr", "asw", "mr", "pfw", "cloudsw"],
        _list_of_str,
        "Device role slugs whose devices must have a connected console port (Management report).",
    ),
    "management_console_excluded_sites": Setting(
        ["eqord", "eqdfw"],
        _list_of_str,
        "Site slugs skipped by the Management report (sites without out-of-band console infrastructure).",
    ),
    "provision_custom_fields": Setting(
        True, _bool, "Create the device custom fields purchase_date and ticket on migrate when they are missing."
    ),
    "register_validators": Setting(
        False,
        _bool,
        "Run the shipped save-time validators without listing them in CUSTOM_VALIDATORS (docs/validators.md).",
    ),
    "report_schedules": Setting(
        {},
        _schedules,
        "Reports to run periodically by `netbox rqworker`: {'wmf_ops_management.ManagementConsole': 1440}.",
    ),
}


def _register_feature_settings() -> None:
    # Features declare their own settings next to their code (validators included); they all live in SETTINGS.
    from .ganeti.config import validate_profiles, validate_share
    from .links import DEFAULT_URLS
    from .sources.config import external_settings

    for name, url in DEFAULT_URLS.items():
        SETTINGS[name] = Setting(url, _base_url, f"Base URL used by the shipped custom links ({name}).")

    for name, (default, validate, help_text) in external_settings().items():
        SETTINGS[name] = Setting(default, validate, help_text)
    SETTINGS.update(
        {
            "ganeti_profiles": Setting(
                {}, validate_profiles, "Ganeti RAPI profiles: {name: {site, url, user, password, ca_cert, timeout}}."
            ),
            "ganeti_max_delete_share": Setting(
                0.1, validate_share, "Refuse a Ganeti sync deleting more than this share of a cluster's VMs."
            ),
            "ganeti_vm_role": Setting("server", _nonempty_str, "Device role slug of VMs created by the Ganeti sync."),
            "dns_repository_path": Setting("", _str, "Git repository the DNS snippets are published to."),
            "dns_work_dir": Setting("", _str, "Parent directory of the generator's temporary clones."),
            "dns_min_records": Setting(0, _count, "Fewer forward records than this is an error (0: no floor)."),
            "dns_files_warning_percent": Setting(8.0, _percent, "Changed files (%) above which a warning is logged."),
            "dns_files_error_percent": Setting(15.0, _percent, "Changed files (%) above which publishing is refused."),
            "dns_lines_warning_percent": Setting(3.0, _percent, "Changed lines (%) above which a warning is logged."),
            "dns_lines_error_percent": Setting(5.0, _percent, "Changed lines (%) above which publishing is refused."),
            "dns_git_author_name": Setting("generate-dns-snippets", _nonempty_str, "Author of the DNS commits."),
            "dns_git_author_email": Setting("netbox@localhost", _nonempty_str, "Author e-mail of the DNS commits."),
            "dns_commit_message": Setting("Update DNS snippets from NetBox", _nonempty_str, "Default commit message."),
            "dns_device_statuses": Setting(
                ["active", "planned", "failed", "inventory"], _list_of_str, "Device statuses whose IPs are published."
            ),
            "dns_icinga_state_file": Setting("", _str, "JSON state file of the DNS Icinga check."),
            "dns_lock_timeout": Setting(120, _positive_int, "Seconds a DNS run waits for another to finish."),
            "dns_check_interval": Setting(
                0, _minutes_or_zero, "Minutes between scheduled DNS state checks (0 = not scheduled)."
            ),
            "dns_publish_interval": Setting(
                0, _minutes_or_zero, "Minutes between scheduled DNS commit-and-push runs (0 = not scheduled)."
            ),
            "dns_export_permission": Setting(
                "ipam.view_ipaddress", _permission, "Permission needed to clone the DNS repository over HTTP."
            ),
            "dump_enabled": Setting(True, _bool, "Write the hourly CSV dump (system job run by netbox rqworker)."),
            "dump_root": Setting("/srv/netbox-dumps", _absolute_path, "Directory of the CSV dumps."),
            "dump_minute": Setting(37, _minute, "Minute of the hour at which the hourly dump runs."),
            "dump_keep_hourly": Setting(16, _positive_int, "Hourly dumps kept by the rotation."),
            "dump_keep_daily": Setting(60, _positive_int, "Daily dumps kept by the rotation."),
            "dump_keep_monthly": Setting(12, _positive_int, "Monthly dumps kept by the rotation."),
            "dump_keep_yearly": Setting(10, _positive_int, "Yearly dumps kept by the rotation."),
            "install_custom_links": Setting(True, _bool, "Install/refresh the shipped custom links on migrate."),
            "proxy_allowed_scripts": Setting(
                ["wmf_ops_device_stats.GetDeviceStats"], _script_names, "Scripts the script proxy may run."
            ),
            "proxy_timeout": Setting(60, _seconds, "Seconds the script proxy waits before answering with the job."),
            "puppetdb_url": Setting("", _url_or_empty, "PuppetDB base URL (empty: PuppetDB features say so)."),
            "puppetdb_api": Setting("v4", _puppetdb_api, "PuppetDB API: 'v4' query API or the /v1/facts service."),
            "puppetdb_ca_cert": Setting("", _str, "CA bundle for PuppetDB's certificate (empty: system CAs)."),
            "puppetdb_client_cert": Setting("", _str, "Client certificate (PEM) presented to PuppetDB."),
            "puppetdb_client_key": Setting("", _str, "Private key of the client certificate, when separate."),
            "puppetdb_timeout": Setting(60, _seconds, "PuppetDB read timeout, seconds."),
            "puppetdb_connect_timeout": Setting(5, _seconds, "PuppetDB connect timeout, seconds."),
            "ganeti_sync_interval": Setting(
                0, _minutes_or_zero, "Minutes between scheduled Ganeti syncs of every profile (0 = not scheduled)."
            ),
        }
    )
    SETTINGS.update(
        {
            "reconcile_interval": Setting(
                5,
                _positive_int,
                "Minutes between passes of the schedule reconciler (the system job 'WMF Ops: apply schedules').",
            ),
            "dump_interval": Setting(
                60, _positive_int, "Minutes between CSV dumps, on slots anchored at minute dump_minute of the hour."
            ),
            "recurring_job_timeout": Setting(
                1800, _positive_int, "Seconds a run of a recurring job (dump, DNS, Ganeti sync) may take."
            ),
            "health_warning_intervals": Setting(
                1.5, _intervals, "Recurring-job check: WARNING when the last success is older than so many intervals."
            ),
            "health_critical_intervals": Setting(
                2.0,
                _intervals,
                "Recurring-job check: CRITICAL when the last success is older than so many intervals.",
            ),
        }
    )


_register_feature_settings()

SECRET_WORDS = ("password", "token", "secret", "private_key", "credentials")


def redact(name: str, value: Any) -> Any:
    """`value` with secrets masked, for error messages (a setting named like a secret, or such keys in a mapping)."""
    if any(word in name.lower() for word in SECRET_WORDS):
        return "***"
    if isinstance(value, Mapping):
        return {key: redact(str(key), item) for key, item in value.items()}
    return value


def default_settings() -> dict[str, Any]:
    """A fresh copy of every default (lists are copied so NetBox's in-place merge cannot alias them)."""
    return {name: _copy(setting.default) for name, setting in SETTINGS.items()}


def _copy(value: Any) -> Any:
    return copy.deepcopy(value)


def validate_settings(config: Mapping[str, Any]) -> list[str]:
    """Return one error line per bad key in ``config`` (an empty list when all is well)."""
    errors = []
    for key in sorted(config):
        setting = SETTINGS.get(key)
        if setting is None:
            hint = difflib.get_close_matches(key, SETTINGS, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            errors.append(f"PLUGINS_CONFIG['netbox_wmf_ops'][{key!r}]: unknown setting{suggestion}")
            continue
        problem = setting.validate(config[key])
        if problem:
            shown = redact(key, config[key])
            errors.append(f"PLUGINS_CONFIG['netbox_wmf_ops'][{key!r}]: {problem} (got {shown!r})")
    return errors
