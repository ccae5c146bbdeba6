"""Prometheus text exposition through ``prometheus_client`` (installed with NetBox). Pure.

Every response renders its own gauges in a ``CollectorRegistry`` of its own, never the process-wide default registry
(which holds django-prometheus' metrics of the web process). What ``prometheus_client`` writes differently from the
hand-written text it replaced (label order, number formatting) is listed in docs/alerting.md, "Fixed on purpose".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # the classic text format that generate_latest writes


class Gauge(GaugeMetricFamily):
    """A gauge family whose samples may carry different label sets (a report with or without a declared owner)."""

    def __init__(self, name: str, documentation: str) -> None:
        super().__init__(name, documentation)

    def sample(self, labels: Mapping[str, str], value: float) -> None:
        self.add_sample(self.name, dict(labels), value)


class _Families:
    """A collector that yields metric families already built for this one response."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


def render(families: Iterable[Metric]) -> str:
    """The families, in the order given, as Prometheus text (HELP, TYPE, then the samples; a family without samples
    keeps its HELP and TYPE lines)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(families))
    return generate_latest(registry).decode("utf-8")
