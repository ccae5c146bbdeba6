"""Report run times at the bench scale, one group per report that reads only NetBox (under 5 s at scale 1.0). The
Validation audit is timed with its per-test split by `validation_audit_bench`; reports over external sources with
their sources by `external_reports_bench`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial

from bench.timing import Figures, measure


def _run(report_class) -> None:
    report_class().run(data={}, commit=False)


def _report(report_class) -> Figures:
    yield (
        f"report {report_class.__module__.rsplit('.', 1)[-1]}.{report_class.__name__}",
        {
            **measure(lambda: _run(report_class), repeat=3),
            "work": "fleet",
        },
    )


def groups() -> dict[str, Callable[[], Figures]]:
    from netbox_wmf_ops.registration import discover_shipped_modules
    from netbox_wmf_ops.reports.validation_audit import ValidationAudit
    from netbox_wmf_ops.sources.report_base import ExternalSourceReport

    found = {}
    for module in discover_shipped_modules():
        if ".reports." not in module.source:
            continue
        source = importlib.import_module(module.source)
        for name in module.class_names:
            cls = getattr(source, name)
            if issubclass(cls, ExternalSourceReport) or cls is ValidationAudit:
                continue
            found[f"{module.shim_name}.{name}"] = partial(_report, cls)
    return found
