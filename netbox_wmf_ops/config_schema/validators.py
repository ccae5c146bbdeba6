"""The value checks settings are declared with, and ``Setting`` itself. Pure, and imports nothing of the project, so
every feature's declaration module can use it without an import cycle.

A validator takes a configured value and returns an error text (completing "PLUGINS_CONFIG[...][key]: ..."), or
None when the value is acceptable."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Validator = Callable[[Any], str | None]


@dataclass(frozen=True)
class Setting:
    default: Any
    validate: Validator
    help: str


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def list_of_str(value: Any) -> str | None:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        return "must be a list of non-empty strings"
    return None


SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # NetBox's slug characters


def datacenter_numbers(value: Any) -> str | None:
    """A non-empty mapping of site slug to its DC number, a whole number 1 to 99 that no other site has."""
    if not isinstance(value, Mapping) or not value:
        return "must be a non-empty mapping of site slug to DC number, e.g. {'eqiad': 1, 'codfw': 2}"
    seen: dict[int, str] = {}
    for site, number in value.items():
        if not isinstance(site, str) or not SLUG.fullmatch(site):
            return f"key {site!r} must be a site slug (letters, digits, '-' and '_')"
        if not _whole_number(number) or not 1 <= number <= 99:
            return f"DC number of {site!r} must be a whole number from 1 to 99, got {number!r}"
        if number in seen:
            return f"DC number {number} is given to both {seen[number]!r} and {site!r}"
        seen[number] = site
    return None


def nonempty_str(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


def text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def minutes_or_zero(value: Any) -> str | None:
    ok = _whole_number(value) and value >= 0
    return None if ok else "must be a whole number of minutes (0 = not scheduled)"


def count(value: Any) -> str | None:
    return None if _whole_number(value) and value >= 0 else "must be a whole number >= 0"


def positive_int(value: Any) -> str | None:
    return None if _whole_number(value) and value >= 1 else "must be a whole number >= 1"


def percent(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return None if ok else "must be a percentage >= 0"


def seconds(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if ok else "must be a number of seconds > 0"


def minute_of_hour(value: Any) -> str | None:
    return None if _whole_number(value) and 0 <= value <= 59 else "must be a minute of the hour, 0 to 59"


def permission(value: Any) -> str | None:
    ok = isinstance(value, str) and value.count(".") == 1 and all(value.split("."))
    return None if ok else "must be a permission name 'app_label.codename', e.g. 'ipam.view_ipaddress'"


def absolute_path(value: Any) -> str | None:
    return None if isinstance(value, str) and value.startswith("/") else "must be an absolute path"


def base_url(value: Any) -> str | None:
    ok = isinstance(value, str) and value.startswith(("http://", "https://")) and "{" not in value and "}" not in value
    return None if ok else "must be an http(s) URL without { or }"


def url_or_empty(value: Any) -> str | None:
    ok = isinstance(value, str) and (value == "" or value.startswith(("http://", "https://")))
    return None if ok else "must be empty or an http(s) URL"


def script_names(value: Any) -> str | None:
    if list_of_str(value) or not all(v.count(".") == 1 for v in value):
        return "must be a list of 'module.ClassName' strings"
    return None


def report_schedules(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "must be a mapping of 'module.ClassName' to an interval in minutes"
    for name, minutes in value.items():
        if not isinstance(name, str) or name.count(".") != 1:
            return f"key {name!r} must be 'module.ClassName'"
        if not _whole_number(minutes) or minutes < 1:
            return f"interval for {name!r} must be a whole number of minutes >= 1"
    return None
