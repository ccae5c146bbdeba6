"""Read Prometheus text as a scraper does (``prometheus_client``'s parser): tests assert samples, not label order or
number formatting, which the exposition format leaves free."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

SampleKey = tuple[str, frozenset[tuple[str, str]]]


def key(name: str, **labels: str) -> SampleKey:
    return name, frozenset(labels.items())


def samples(text: str) -> dict[SampleKey, float]:
    """Every sample of the text by (metric name, label set); a sample given twice fails (a scraper rejects that)."""
    found: dict[SampleKey, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            sample_key = key(sample.name, **sample.labels)
            assert sample_key not in found, f"duplicate sample {sample_key}"
            found[sample_key] = sample.value
    return found
