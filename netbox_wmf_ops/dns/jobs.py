"""The DNS generator as a background job (``netbox rqworker``). The lead imports it into ``netbox_wmf_ops/jobs.py``.

By default the job is the Icinga-style state check (spec §3.6): it generates the snippets, commits them in a throwaway
clone to see whether NetBox holds unpublished DNS changes, writes ``dns_icinga_state_file`` when configured, and
keeps the state in ``Job.data``. With ``publish=True`` it commits and pushes instead, subject to the safety thresholds.
"""

from __future__ import annotations

from ..scheduling import RecurringJob
from . import service
from .exitcodes import ExitCode
from .lock import dns_lock


class DnsSnippetsJob(RecurringJob):
    class Meta:
        name = "WMF Ops: DNS snippets"

    def run(self, *args, publish: bool = False, force: bool = False, **kwargs):
        settings = service.load_settings()
        with dns_lock(settings.lock_timeout):
            if publish:
                snippets = service.generate_snippets(settings)
                for message in snippets.generation.messages:
                    self._log(message.level, message.text)
                outcome = service.publish(snippets, settings, force=force, log=self._log)
                self.job.data = {
                    "exit_code": int(outcome.code),
                    "sha1": outcome.commit.sha1 if outcome.commit else None,
                    "records": snippets.record_count,
                    **(outcome.commit.diff.stats() if outcome.commit and outcome.commit.diff else {}),
                }
                if outcome.code not in (ExitCode.OK, ExitCode.NO_CHANGES):
                    raise RuntimeError(
                        f"DNS snippets not published: exit code {int(outcome.code)} ({outcome.code.name})"
                    )
            else:
                state = service.icinga_check(settings, log=self._log)
                self.job.data = {"exit_code": state.exit_code, "message": state.message, "timestamp": state.timestamp}

    def _log(self, level: str, text: str) -> None:
        if level != "debug":
            getattr(self.logger, level)(text)
