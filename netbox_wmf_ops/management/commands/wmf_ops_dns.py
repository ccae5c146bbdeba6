"""`netbox wmf_ops_dns {commit,push}`: the DNS snippet generator's CLI, as driven by the sre.dns.netbox cookbook.

    netbox wmf_ops_dns commit [-b|--batch] [--icinga-check] [--keep-files] [--force] [MESSAGE]
    netbox wmf_ops_dns push [--force] PATH SHA1

Exit codes (docs/behaviour-reference.md §3.5): 0 committed (batch) or pushed; 2 error; 3 aborted at the prompt; 4 push
error; 5 SHA-1
mismatch; 6 over a safety threshold without --force; 99 no changes. Logs go to stderr as
``%(asctime)s [%(levelname)s] %(message)s``; stdout carries ``git show`` and, in batch mode, ``METADATA: {json}``
as its last line. ``-v 2`` adds debug lines.
"""

from __future__ import annotations

import logging
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from netbox_wmf_ops.dns import service
from netbox_wmf_ops.dns.exitcodes import ExitCode
from netbox_wmf_ops.dns.lock import dns_lock
from netbox_wmf_ops.dns.publish import (
    CommitResult,
    PublishError,
    check_workdir_path,
    commit_snippets,
    metadata_line,
    push_snippets,
    remove_workdir,
    should_remove_workdir,
    show_head,
)

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


class Command(BaseCommand):
    help = (
        "Generate the DNS zone snippets from NetBox and commit them to git (commit), or push a reviewed commit (push)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="subcommands")
        commit = sub.add_parser("commit", help="Generate the snippets and commit them in a temporary clone.")
        commit.add_argument("-b", "--batch", action="store_true", help="Non-interactive: print METADATA, no push.")
        commit.add_argument(
            "--icinga-check", action="store_true", help="Check for uncommitted changes and write the Icinga state."
        )
        commit.add_argument(
            "--keep-files", action="store_true", help="Keep the temporary clone (empty commit if no change)."
        )
        commit.add_argument("--force", action="store_true", help="Push even over the safety thresholds.")
        commit.add_argument("message", nargs="?", default="", help="The commit message (default: dns_commit_message).")
        push = sub.add_parser("push", help="Push a reviewed commit of a temporary clone to the repository.")
        push.add_argument("--force", action="store_true", help="Push even over the safety thresholds.")
        push.add_argument("path", help="The temporary clone made by `commit --batch`.")
        push.add_argument("sha1", help="The reviewed commit; refused if it is not the clone's HEAD.")

    def handle(self, *args, **options):
        self.logger = self._make_logger(options["verbosity"])
        settings = service.load_settings()
        try:
            with dns_lock(settings.lock_timeout):
                if options["subcommand"] == "push":
                    code = self._push(options, settings)
                elif options["icinga_check"]:
                    code = self._icinga(settings)
                else:
                    code = self._commit(options, settings)
        except PublishError as e:
            self.log("error", str(e))
            code = e.code
        except CommandError:
            raise
        except Exception:
            self.logger.exception("Failed to run")
            code = ExitCode.ERROR
        if code != ExitCode.OK:
            sys.exit(int(code))

    # ------------------------------------------------------------------------------------------------------ doors

    def _commit(self, options, settings: service.DnsSettings) -> int:
        batch, keep_files = options["batch"], options["keep_files"]
        result: CommitResult | None = None
        workdir = None
        code: int = ExitCode.ERROR
        try:
            snippets = service.generate_snippets(settings)
            self._log_generation(snippets)
            result = commit_snippets(
                snippets.files,
                options["message"] or settings.commit_message,
                settings.publish,
                keep_files=keep_files,
                log=self.log,
            )
            workdir, code = result.path, result.code
            if code == ExitCode.OK:
                self.stdout.write(show_head(result.path, color=True))
                if not batch:
                    code = self._confirm_and_push(result, settings, options["force"])
        except PublishError as e:
            self.log("error", str(e))
            workdir, code = e.path, e.code
        finally:
            if workdir:
                self._cleanup_commit(workdir, code, batch=batch, keep_files=keep_files)
        if batch and result and code in (ExitCode.OK, ExitCode.NO_CHANGES):
            self.stdout.write(metadata_line(result))  # the last stdout line, read by the cookbook
        return code

    def _confirm_and_push(self, result: CommitResult, settings: service.DnsSettings, force: bool) -> int:
        answer = input(f"OK to push the changes to the {settings.publish.repository} repository? (y/n) ")
        if answer.strip().lower() != "y":
            self.log("error", "Manually aborted.")
            return ExitCode.ABORTED
        return push_snippets(
            result.path,
            result.sha1,
            repository=settings.publish.repository,
            thresholds=settings.thresholds,
            force=force,
            log=self.log,
        )

    def _cleanup_commit(self, workdir, code: int, *, batch: bool, keep_files: bool) -> None:
        if not batch and code not in (ExitCode.OK, ExitCode.NO_CHANGES):
            self.stdout.write(f"An error occurred, the generated files can be inspected in {workdir}")
            if not sys.stdin.isatty():
                return  # nobody to wait for: keep the files for inspection
            input("Press any key to cleanup the generated files and exit ")
        if should_remove_workdir("commit", code, batch=batch, keep_files=keep_files):
            remove_workdir(workdir, self.log)

    def _push(self, options, settings: service.DnsSettings) -> int:
        try:
            path = check_workdir_path(options["path"])
        except PublishError as e:
            raise CommandError(str(e), returncode=ExitCode.ERROR) from None
        code = push_snippets(
            path,
            options["sha1"],
            repository=settings.publish.repository,
            thresholds=settings.thresholds,
            force=options["force"],
            log=self.log,
        )
        if should_remove_workdir("push", code):
            remove_workdir(path, self.log)
        return code

    def _icinga(self, settings: service.DnsSettings) -> int:
        if not settings.icinga_state_file:
            raise PublishError("--icinga-check needs dns_icinga_state_file to be configured")
        state = service.icinga_check(settings, log=self.log, now=time.time())
        self.log("info", f"Icinga state {state.exit_code}: {state.message}")
        return ExitCode.OK  # the state file carries the result; a no-change run (99) is an OK exit too

    # ---------------------------------------------------------------------------------------------------- logging

    def _log_generation(self, snippets: service.Snippets) -> None:
        for message in snippets.generation.messages:
            self.log(message.level, message.text)

    def log(self, level: str, text: str) -> None:
        self.logger.log(LEVELS[level], text)

    def _make_logger(self, verbosity: int) -> logging.Logger:
        logger = logging.getLogger("netbox_wmf_ops.dns.command")
        logger.handlers.clear()
        handler = logging.StreamHandler(self.stderr._out)
        handler.setFormatter(logging.Formatter("%(asctime)s [%(levelname)s] %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
        logger.propagate = False
        return logger
