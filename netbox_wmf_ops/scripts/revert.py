"""Revert (docs/behaviour-reference.md §2.10): undo the create/delete actions of a request or of listed changelog
entries. The logic lives in ``netbox_wmf_ops.lifecycle.revert``."""

from extras.scripts import StringVar

from netbox_wmf_ops.lifecycle.planning.refusal import Refused
from netbox_wmf_ops.lifecycle.planning.revert import parse_change_filter
from netbox_wmf_ops.lifecycle.revert import revert_changes
from netbox_wmf_ops.scripting import LifecycleScript


class Revert(LifecycleScript):
    """Re-create deleted objects and delete created ones, newest change first; all or nothing."""

    class Meta(LifecycleScript.Meta):
        name = "Revert change(s)"
        description = (
            "(experimental) TRY to revert a single request ID or multiple change IDs. Only supports create and "
            "delete actions. Make sure to use dry-run first."
        )

    request_or_change_id = StringVar(
        label="Request/Change", description="Request ID or change IDs (coma separated) from the changelog page."
    )

    def perform(self, data):
        change_filter = parse_change_filter(data.get("request_or_change_id", ""))
        result = revert_changes(change_filter, self.service_log())
        if result.failed:
            # A partial revert leaves the data in a state nobody asked for: roll everything back.
            raise Refused(
                f"{result.failed} of {result.failed + result.reverted + result.skipped} changes could not be "
                "reverted; nothing was changed"
            )
        self.log_success(f"{result.reverted} changes reverted")
