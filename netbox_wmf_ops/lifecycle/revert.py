"""Revert (docs/behaviour-reference.md §2.10): undo the create and delete actions of one request, or of a list of
changelog entries.

The input is read by the pure ``lifecycle.planning.revert.parse_change_filter``; ``revert_changes`` walks the
matching changes newest first, each in its own savepoint, so one change that cannot be undone is reported without
spoiling the others' transaction. The script then refuses to keep a partial revert."""

from __future__ import annotations

from core.models import ObjectChange
from dcim.models import Cable
from dcim.utils import rebuild_cable_paths
from django.db import transaction
from utilities.serialization import deserialize_object

from netbox_wmf_ops.logs import Log

from .planning.refusal import Refused
from .planning.revert import ALREADY_DELETED, RevertResult


def revert_changes(change_filter: dict, log: Log) -> RevertResult:
    """Revert the matching changes, newest first. Update actions are skipped with a warning (logged after the
    failures), as are creations whose object is already gone.

    The objects of one request can depend on each other in an order the changelog does not follow: NetBox logs an
    interface's MAC address as deleted before the interface that names it as its primary MAC, so re-creating that
    interface first fails (and with it the cable termination on it). A change whose revert fails is therefore tried
    again after the others, pass after pass while a pass reverts something; only what still fails then is a
    failure."""
    changes = list(
        ObjectChange.objects.filter(**change_filter).select_related("changed_object_type").order_by("-time", "-pk")
    )
    if not changes:
        raise Refused(f"No changes found while filtering with {change_filter}")
    result = RevertResult()
    warnings: list[tuple[str, object]] = []

    def attempt(batch: list) -> list[tuple[object, str]]:
        """Revert each change of ``batch``; returns the failed ones with their failure message."""
        failed = []
        for change in batch:
            if change.action == "update":
                warnings.append(("Revert of update actions not supported", change))
                result.skipped += 1
                continue
            failure = _revert_one(change, log)
            if failure == ALREADY_DELETED:
                warnings.append(("Object already deleted, nothing to revert", change))
                result.skipped += 1
            elif failure:
                failed.append((change, failure))
            else:
                result.reverted += 1
        return failed

    pending = attempt([c for c in changes if c.action in ("update", "delete", "create")])
    while pending:
        retried = attempt([change for change, _ in pending])
        progress = len(retried) < len(pending)
        pending = retried
        if not progress:  # these cannot be reverted
            break
    for change, failure in pending:
        log("failure", failure, change)
        result.failed += 1
    if not pending:
        _retrace_recreated_cables(changes)
    for message, change in warnings:
        log("warning", message, change)
    return result


def _retrace_recreated_cables(changes) -> None:
    """Trace the cable paths of the re-created cables again. A cable re-created from the changelog is saved before
    its terminations, so its save traced nothing, and re-creating a termination traces nothing either: without this
    the cable's ends show their cable but no connected endpoint."""
    cable_ids = set()
    for change in changes:
        if change.action != "delete":
            continue
        model = change.changed_object_type.model
        if model == "cable":
            cable_ids.add(change.changed_object_id)
        elif model == "cabletermination" and (change.prechange_data_clean or {}).get("cable"):
            cable_ids.add(change.prechange_data_clean["cable"])
    for cable in Cable.objects.filter(pk__in=cable_ids).order_by("pk"):
        rebuild_cable_paths(cable)


def _revert_one(change, log: Log) -> str | None:
    """Revert one delete or create change; logs the success and returns None, or returns the failure message (or
    ``ALREADY_DELETED`` for a creation whose object is gone)."""
    if change.action == "delete":
        return _recreate(change, log)
    return _delete_created(change, log)


def _recreate(change, log: Log) -> str | None:
    """Re-create a deleted object from its pre-change data, with its former primary key so that references to it
    (from the other objects of the same request, from cable terminations) hold again."""
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
        return f"Couldn't re-create object to revert change (error: {e})"
    log("success", f"Object re-created to revert: {change}", obj)
    return None


def _delete_created(change, log: Log) -> str | None:
    """Delete the object a change created; the failure message, ``ALREADY_DELETED`` when it no longer exists, or
    None when deleted."""
    model = change.changed_object_type.model_class()
    obj = model.objects.filter(pk=change.changed_object_id).first() if model else None
    if obj is None:
        return ALREADY_DELETED
    try:
        with transaction.atomic():
            obj.snapshot()
            obj.delete()
    except Exception as e:  # ProtectedError / RestrictedError: something still refers to it
        return f"Couldn't delete object to revert change (error: {e})"
    log("success", "Object deleted to revert change", change)
    return None
