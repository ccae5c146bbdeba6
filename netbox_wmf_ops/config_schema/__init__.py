"""The plugin's settings: names, defaults and validation rules, each declared once.

Every feature declares its keys as plain data in a module of this package (``core``, ``site_policy``, ``reports``,
``custom_links``, ``external_sources``, ``ganeti``, ``dns``, ``exports``, ``proxy``, ``puppetdb``, ``recurring``),
built from the checks in ``validators`` (which imports nothing of the project); this module only gathers them, so
imports run one way. Pure
Python (no Django import): the PluginConfig builds ``default_settings`` from it at import time, and the validation is
unit-testable. Every key must be documented in ``docs/configuration.md`` (a test checks it).
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from typing import Any

from . import (
    core,
    custom_links,
    dns,
    exports,
    external_sources,
    ganeti,
    proxy,
    puppetdb,
    recurring,
    reports,
    site_policy,
)
from .validators import Setting

FEATURES = (
    core,
    site_policy,
    reports,
    custom_links,
    external_sources,
    ganeti,
    dns,
    exports,
    proxy,
    puppetdb,
    recurring,
)


def _gather() -> dict[str, Setting]:
    gathered: dict[str, Setting] = {}
    for feature in FEATURES:
        clash = gathered.keys() & feature.SETTINGS.keys()
        if clash:
            raise ValueError(f"settings declared twice: {sorted(clash)} ({feature.__name__})")
        gathered.update(feature.SETTINGS)
    return gathered


SETTINGS: dict[str, Setting] = _gather()

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
