"""Report job times at the bench scale: each report that reads only NetBox should finish in under 5 s."""

from __future__ import annotations

from bench.timing import count_queries, median_time


def _run(report_class) -> None:
    report_class().run(data={}, commit=False)


def run() -> dict[str, float | int]:
    from dcim.models import Device

    from netbox_wmf_ops.registration import discover_shipped_modules
    from netbox_wmf_ops.sources.report_base import ExternalSourceReport

    results: dict[str, float | int] = {"devices": Device.objects.count()}
    for module in discover_shipped_modules():
        if ".reports." not in module.source:
            continue
        source = __import__(module.source, fromlist=list(module.class_names))
        for name in module.class_names:
            cls = getattr(source, name)
            if issubclass(cls, ExternalSourceReport):
                continue  # reports over external services are timed with their sources, elsewhere
            results[f"{module.shim_name}.{name} median s"] = round(median_time(lambda c=cls: _run(c), repeat=3), 3)
            results[f"{module.shim_name}.{name} queries"] = count_queries(lambda c=cls: _run(c))
    return results
