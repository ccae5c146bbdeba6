"""Revert rules (docs/behaviour-reference.md §2.10), pure: which changelog entries the input names.

``netbox_wmf_ops.lifecycle.revert`` loads those changes and reverts them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .refusal import Refused


def parse_change_filter(text: str) -> dict:
    """``{"request_id": UUID}`` when the input holds a ``-`` (a request ID), else ``{"id__in": [change IDs]}``."""
    text = (text or "").strip()
    if not text:
        raise Refused("No request ID or change ID given")
    if "-" in text:
        try:
            return {"request_id": str(uuid.UUID(text))}
        except ValueError:
            raise Refused(f"{text} is not a valid request ID") from None
    ids = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise Refused(f"{part} is not a valid change ID")
        ids.append(int(part))
    if not ids:
        raise Refused("No request ID or change ID given")
    return {"id__in": ids}


@dataclass
class RevertResult:
    reverted: int = 0
    failed: int = 0
    skipped: int = 0


ALREADY_DELETED = "already deleted"  # _revert_one's answer for a creation whose object is gone
