"""Revert (spec §2.10): undo the create and delete actions of one request, or of a list of changelog entries.

``parse_change_filter`` is pure; ``revert_changes`` walks the matching changes newest first, each in its own
savepoint, so one change that cannot be undone is reported without spoiling the others' transaction. The script
then refuses to keep a partial revert."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

Log = Callable[..., None]  # log(level, message, obj=None)


class RevertInputError(ValueError):
    """The input names no request or change IDs; the message says why."""


def parse_change_filter(text: str) -> dict:
    """``{"request_id": UUID}`` when the input holds a ``-`` (a request ID), else ``{"id__in": [change IDs]}``."""
    text = (text or "").strip()
    if not text:
        raise RevertInputError("No request ID or change ID given")
    if "-" in text:
        try:
            return {"request_id": str(uuid.UUID(text))}
        except ValueError:
            raise RevertInputError(f"{text} is not a valid request ID") from None
    ids = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise RevertInputError(f"{part} is not a valid change ID")
        ids.append(int(part))
    if not ids:
        raise RevertInputError("No request ID or change ID given")
    return {"id__in": ids}


@dataclass
class RevertResult:
    reverted: int = 0
    failed: int = 0
    skipped: int = 0


class NothingToRevertError(LookupError):
    pass


# --- NetBox side -----------------------------------------------------------------------------------------------------


def revert_changes(change_filter: dict, log: Log) -> RevertResult:
    """Revert the matching changes, newest first. Update actions are skipped with a warning (logged after the
    failures), as are creations whose object is already gone."""
    from core.models import ObjectChange

    changes = list(
        ObjectChange.objects.filter(**change_filter).select_related("changed_object_type").order_by("-time", "-pk")
    )
    if not changes:
        raise NothingToRevertError(f"No changes found while filtering with {change_filter}")
    result = RevertResult()
    warnings: list[tuple[str, object]] = []
    for change in changes:
        if change.action == "update":
            warnings.append(("Revert of update actions not supported", change))
            result.skipped += 1
        elif change.action == "delete":
            ok = _recreate(change, log)
            result.reverted += ok
            result.failed += not ok
        elif change.action == "create":
            outcome = _delete_created(change, log)
            if outcome is None:
                warnings.append(("Object already deleted, nothing to revert", change))
                result.skipped += 1
            else:
                result.reverted += outcome
                result.failed += not outcome
    for message, change in warnings:
        log("warning", message, change)
    return result


def _recreate(change, log: Log) -> bool:
    """Re-create a deleted object from its pre-change data, with its former primary key so that references to it
    (from the other objects of the same request, from cable terminations) hold again."""
    from django.db import transaction
    from utilities.serialization import deserialize_object

    model = change.changed_object_type.model_class()
    try:
        if model is None:
            raise LookupError(f"model {change.changed_object_type} is not installed")
        if model.objects.filter(pk=change.changed_object_id).exists():
            raise ValueError(f"{model._meta.verbose_name} {change.changed_object_id} exists already")
        # NetBox's own inverse of the changelog serialisation: foreign keys and content types from their ids, custom
        # fields, tags (the original mapped three hard-coded keys and dropped falsy values, so e.g. a disabled
        # interface came back enabled).
        data = dict(change.prechange_data_clean)
        if hasattr(model, "deserialize_object"):
            deserialized = model.deserialize_object(data, pk=change.changed_object_id)
        else:
            deserialized = deserialize_object(model, data, pk=change.changed_object_id)
        obj = deserialized.object
        with transaction.atomic():
            obj.save()  # the model's own save(), which fills its cached fields, not a raw save
            for accessor, values in deserialized.m2m_data.items():
                getattr(obj, accessor).set(values)
    except Exception as e:
        log("failure", f"Couldn't re-create object to revert change (error: {e})", change)
        return False
    log("success", f"Object re-created to revert: {change}", obj)
    return True


def _delete_created(change, log: Log) -> bool | None:
    """Delete the object a change created; None when it no longer exists."""
    from django.db import transaction

    model = change.changed_object_type.model_class()
    obj = model.objects.filter(pk=change.changed_object_id).first() if model else None
    if obj is None:
        return None
    try:
        with transaction.atomic():
            obj.snapshot()
            obj.delete()
    except Exception as e:  # ProtectedError / RestrictedError: something still refers to it
        log("failure", f"Couldn't delete object to revert change (error: {e})", change)
        return False
    log("success", "Object deleted to revert change", change)
    return True
