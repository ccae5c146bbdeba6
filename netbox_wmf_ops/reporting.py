"""The NetBox side of a report: a class whose ``test_*`` methods emit findings computed elsewhere.

It is an ``extras.scripts.Script`` (NetBox deprecated ``extras.reports.Report``): core runs its ``test_*`` methods and
shows their logs under Other → Scripts exactly as it did for reports, while that door exists. The primary door is
the plugin's own job (``quality.jobs.RunCheckJob``), which runs the same class without core's ScriptJob. Either way
the findings end in ``quality.service.record_run``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from extras.scripts import Script

from .checks import Finding
from .heap import heap_frozen

# Job.data key under which the core script door hands its findings to the recorder (see quality/signals.py).
CORE_DOOR_KEY = "wmf_ops_findings"


class WmfReport(Script):
    """Base for the shipped reports. Subclasses keep each ``test_*`` method to one line of wiring:
    load (loaders/), check (checks/), ``self.emit(...)``."""

    def __init__(self):
        super().__init__()
        self.findings: list[tuple[str, Finding]] = []  # (test, finding), in emission order
        self.tests_done: list[str] = []
        self.run_error: str = ""
        self.progress: Callable[[list[str]], object] | None = None  # told the tests done after each test

    @property
    def commit_default(self):
        return False  # reports only read

    def emit(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.findings.append((self._current_test or "", finding))
            getattr(self, f"log_{finding.level}")(finding.message, finding.obj)

    def run_tests(self):
        self.logger.info("Running report")
        try:
            for test_name in self.tests:
                self._current_test = test_name
                self.run_test(test_name)
                self._current_test = None
                self.tests_done.append(test_name)
                if self.progress is not None:
                    self.progress(self.tests_done)
        except Exception as error:
            self._current_test = None
            self.run_error = f"{type(error).__name__}: {error}"
            self.post_run()
            raise

    def run_test(self, test_name: str) -> None:
        """Run one ``test_*`` method; a base class may put a guard around every test here."""
        getattr(self, test_name)()

    def run(self, data, commit):
        try:
            with heap_frozen():
                return super().run(data, commit)
        except Exception as error:
            self.run_error = self.run_error or f"{type(error).__name__}: {error}"
            raise

    def get_job_data(self):
        data = super().get_job_data()
        data[CORE_DOOR_KEY] = {
            "tests": self.tests_done,
            "error": self.run_error,
            "findings": [
                [test, f.level, f.rule, *_object_ref(f.obj), f.message]
                for test, f in self.findings
                if f.level in ("failure", "warning")
            ],
        }
        return data


def _object_ref(obj) -> tuple[str | None, int | None, str]:
    """(app_label.model, pk, display) of a finding's object, storable in Job.data."""
    meta = getattr(obj, "_meta", None)
    if meta is not None and getattr(obj, "pk", None) is not None:
        return (meta.label_lower, obj.pk, str(obj))
    return (None, None, "" if obj is None else str(obj))
