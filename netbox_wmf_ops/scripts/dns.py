"""DNS snippets as a NetBox script: a dry run shows the unified diff of the zone files against the published
repository; with "commit" checked it commits and pushes them (docs/behaviour-reference.md §3, the script door of
netbox_wmf_ops.dns)."""

from collections import defaultdict

from django.apps import apps
from extras.scripts import BooleanVar, Script, StringVar
from utilities.exceptions import AbortScript

from netbox_wmf_ops.dns import service
from netbox_wmf_ops.dns.exitcodes import ExitCode
from netbox_wmf_ops.dns.lock import dns_lock
from netbox_wmf_ops.dns.publish import PublishError
from netbox_wmf_ops.dns.records import Message


class GenerateDnsSnippets(Script):
    """Generate the DNS zone snippets from IPAM and publish them to the DNS git repository."""

    class Meta:
        name = "DNS snippets"
        description = (
            "Build the forward and reverse DNS zone snippets from IP addresses. Without commit: show the diff against "
            "the published repository. With commit: commit and push it."
        )
        commit_default = False
        scheduling_enabled = False

    message = StringVar(label="Commit message", required=False, description="Default: the dns_commit_message setting")
    force = BooleanVar(
        label="Force", required=False, default=False, description="Publish even over the safety thresholds"
    )

    def run(self, data, commit):
        settings = service.load_settings()
        try:
            with dns_lock(settings.lock_timeout):
                return self._run(settings, data, commit)
        except PublishError as e:
            raise AbortScript(str(e)) from e

    def _run(self, settings: service.DnsSettings, data, commit) -> str:
        snippets = service.generate_snippets(settings)
        plan = service.dry_run(snippets, settings)
        if not commit:
            self.emit(snippets.generation.messages + plan.safety.messages)
            self.log_success(f"{plan.diff.files} zone files to change")
            return plan.unified or "No changes."

        self.emit(snippets.generation.messages)
        seen: set[str] = set()

        def log_once(level: str, text: str) -> None:  # commit and push both report a threshold breach
            if text not in seen:
                seen.add(text)
                self._log_line(level, text)

        outcome = service.publish(
            snippets, settings, message=data.get("message") or "", force=bool(data.get("force")), log=log_once
        )
        self.log_success(f"{plan.diff.files if outcome.code == ExitCode.OK else 0} zone files published")
        return plan.unified or "No changes."

    def emit(self, messages: list[Message]) -> None:
        """Errors first (one failure each), then warnings, linked to their objects; debug lines are dropped."""
        objects = self._resolve(messages)
        for level in ("error", "warning", "info"):
            for m in messages:
                if m.level == level:
                    self._log_line(level, m.text, objects.get(m.ref))

    def _log_line(self, level: str, text: str, obj=None) -> None:
        log = {"error": self.log_failure, "warning": self.log_warning, "info": self.log_info}.get(level)
        if log:
            log(text, obj=obj)

    @staticmethod
    def _resolve(messages: list[Message]) -> dict:
        """(model label, pk) -> object, one query per model."""
        wanted = defaultdict(set)
        for m in messages:
            if m.ref and m.level in ("error", "warning"):
                wanted[m.ref[0]].add(m.ref[1])
        found = {}
        for label, pks in wanted.items():
            for pk, obj in apps.get_model(label).objects.in_bulk(pks).items():
                found[(label, pk)] = obj
        return found
