"""The NetBox door shared by reports that read an external source (Accounting, LibreNMS, Juniper)."""

from __future__ import annotations

import logging

from ..checks import failure
from ..reporting import WmfReport
from . import SourceError, one_line
from .accounting import Upload

logger = logging.getLogger("netbox_wmf_ops.sources")


class ExternalSourceReport(WmfReport):
    """Loads its source once in ``pre_run``. When that fails, the first test logs exactly one failure line (object
    None) and every test concludes nothing: no "missing from X" lines when X did not answer. Subclasses' ``test_*``
    methods therefore assume the source was read: ``run_test`` runs them only when it was."""

    source_name = "external source"

    def run(self, data, commit):
        self.data = data or {}
        return super().run(data, commit)

    def load_source(self) -> None:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def pre_run(self):
        self.source_failure: str | None = None
        self._source_failure_logged = False
        try:
            self.load_source()
        except SourceError as error:
            self.source_failure = one_line(str(error), 500)
        except Exception as error:
            # A bug or an answer nobody foresaw: the traceback goes to the server log, the job gets one line.
            logger.exception("%s: unexpected error while reading the source", self.source_name)
            self.source_failure = one_line(f"{self.source_name}: unexpected error: {type(error).__name__}", 500)

    def source_available(self) -> bool:
        """True when the source was read. Otherwise log its failure once (in the first test) and return False."""
        if getattr(self, "source_failure", None) is None:
            return True
        if not self._source_failure_logged:
            self.emit([failure(None, self.source_failure, rule="source.unavailable")])
            self._source_failure_logged = True
        return False

    def run_test(self, test_name: str) -> None:
        if self.source_available():
            super().run_test(test_name)

    def uploaded(self, field: str) -> Upload | None:
        """The file uploaded for a FileVar of this run, if any."""
        upload = self.data.get(field)
        if not upload:
            return None
        if hasattr(upload, "seek"):
            upload.seek(0)
        content = upload.read()
        return Upload(getattr(upload, "name", field), content if isinstance(content, bytes) else content.encode())
