"""Revert (docs/behaviour-reference.md §2.10): undo the create/delete actions of a request or of listed changelog
entries.
The logic lives in ``netbox_wmf_ops.lifecycle.revert``."""

from extras.scripts import Script, StringVar
from utilities.exceptions import AbortScript

from netbox_wmf_ops.lifecycle.common import script_log
from netbox_wmf_ops.lifecycle.revert import NothingToRevertError, RevertInputError, parse_change_filter, revert_changes


class Revert(Script):
    """Re-create deleted objects and delete created ones, newest change first; all or nothing."""

    class Meta:
        name = "Revert change(s)"
        description = (
            "(experimental) TRY to revert a single request ID or multiple change IDs. Only supports create and "
            "delete actions. Make sure to use dry-run first."
        )
        commit_default = False
        scheduling_enabled = False

    request_or_change_id = StringVar(
        label="Request/Change", description="Request ID or change IDs (coma separated) from the changelog page."
    )

    def run(self, data, commit):
        try:
            change_filter = parse_change_filter(data.get("request_or_change_id", ""))
            result = revert_changes(change_filter, script_log(self))
        except (RevertInputError, NothingToRevertError) as e:
            raise AbortScript(str(e)) from e
        if result.failed:
            # A partial revert leaves the data in a state nobody asked for: roll everything back.
            raise AbortScript(
                f"{result.failed} of {result.failed + result.reverted + result.skipped} changes could not be "
                "reverted; nothing was changed"
            )
        self.log_success(f"{result.reverted} changes reverted")
