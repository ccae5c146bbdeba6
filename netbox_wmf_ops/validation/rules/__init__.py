"""Save-time validation rules (docs/behaviour-reference.md §5) as pure functions: plain records in, every failing rule
out.

No Django imports here: ``validators.py`` reads the NetBox objects into these records and raises one
``ValidationError`` with all the errors. Messages are the spec's verbatim texts (spec bugs of
docs/behaviour-reference.md §6.4 item 19 fixed).
"""

from __future__ import annotations

from typing import NamedTuple


class RuleError(NamedTuple):
    """One failing rule: the form/serializer field it belongs to (None: the object as a whole) and the message."""

    field: str | None
    message: str
