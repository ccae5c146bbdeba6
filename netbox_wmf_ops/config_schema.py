"""The plugin's settings: names, defaults and validation rules.

Pure Python (no Django import) so that the PluginConfig can build ``default_settings`` from it at import time and the
validation is unit-testable. Every key here must be documented in ``docs/configuration.md`` (a test checks it).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Validator = Callable[[Any], str | None]  # returns an error text, or None when the value is acceptable


def _list_of_str(value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        return "must be a list of non-empty strings"
    return None


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
    "report_schedules": Setting(
        {},
        _schedules,
        "Reports to run periodically by `netbox rqworker`: {'wmf_ops_management.ManagementConsole': 1440}.",
    ),
}


def default_settings() -> dict[str, Any]:
    """A fresh copy of every default (lists are copied so NetBox's in-place merge cannot alias them)."""
    return {name: _copy(setting.default) for name, setting in SETTINGS.items()}


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


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
            errors.append(f"PLUGINS_CONFIG['netbox_wmf_ops'][{key!r}]: {problem} (got {config[key]!r})")
    return errors
