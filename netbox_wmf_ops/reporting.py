"""The NetBox side of a report: a legacy ``Report`` whose test methods log findings computed elsewhere."""

from __future__ import annotations

from collections.abc import Iterable

from extras.reports import Report

from .checks import Finding


class WmfReport(Report):
    """Base for the shipped reports. Subclasses keep each ``test_*`` method to one line of wiring:
    load (loaders/), check (checks/), ``self.emit(...)``."""

    def emit(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            getattr(self, f"log_{finding.level}")(finding.obj, finding.message)
