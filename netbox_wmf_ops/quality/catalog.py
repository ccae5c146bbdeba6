"""The shipped reports, by the name NetBox gives them (``wmf_ops_<module>.<Class>``)."""

from __future__ import annotations

import importlib
from functools import cache

from ..owners import ReportOwner, report_owner
from ..registration import discover_shipped_modules
from ..reporting import WmfReport


@cache
def shipped_reports() -> dict[str, type[WmfReport]]:
    """{``module.Class``: class} of every shipped report, in discovery order; scripts are left out."""
    found = {}
    for module in discover_shipped_modules():
        source = importlib.import_module(module.source)
        for name in module.class_names:
            cls = getattr(source, name)
            if issubclass(cls, WmfReport):
                found[f"{module.shim_name}.{name}"] = cls
    return found


def report_class(name: str) -> type[WmfReport] | None:
    return shipped_reports().get(name)


def report_title(cls: type[WmfReport]) -> str:
    return getattr(cls.Meta, "name", cls.__name__)


def report_description(cls: type[WmfReport]) -> str:
    return getattr(cls.Meta, "description", "") or (cls.__doc__ or "").strip()


def owner_of(name: str) -> ReportOwner:
    """The owner and alerting flag of report `name` (``module.Class``); a report that is not shipped (a site's own)
    has no owner and alerts."""
    cls = report_class(name)
    return report_owner(cls) if cls is not None else ReportOwner(owner="", alerts=True)
