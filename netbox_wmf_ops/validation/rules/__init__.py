"""Save-time validation rules (spec §5) as pure functions: plain records in, every failing rule out.

No Django imports here: ``validators.py`` reads the NetBox objects into these records and raises one
``ValidationError`` with all the errors. Messages are the spec's verbatim texts (spec bugs of §6.4 item 19 fixed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class RuleError:
    """One failing rule: the form/serializer field it belongs to (None: the object as a whole), the message, and the
    rule's stable code (``<model>.<rule>``, e.g. ``device.asset_tag_invalid``).

    The code names the rule, not the occurrence: two errors are equal when their field and message are; the Validation
    audit records the code as its findings' rule and grandfathering compares violations by it."""

    field: str | None
    message: str
    rule: str = dataclasses.field(default="", compare=False)


def new_violations(errors: Iterable[RuleError], stored_errors: Iterable[RuleError]) -> list[RuleError]:
    """Grandfathering: the errors of the object being saved whose rule the stored object did not already break.

    Violations are compared by rule code (an asset tag changed from one malformed value to another still breaks the
    same rule: not new); an error without a code (a validator of the site's own) by its message."""
    before = {error.rule or error.message for error in stored_errors}
    return [error for error in errors if (error.rule or error.message) not in before]
