"""Permission checks NetBox does not offer as such."""

from __future__ import annotations

from django.contrib.auth import get_backends
from netbox.authentication import ObjectPermissionMixin
from utilities.permissions import permission_is_exempt


def holds_unconstrained(user, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` ('app_label.action_model') on *every* object of the model.

    ``user.has_perm(perm)`` is true as soon as one ObjectPermission grants it for *some* objects (e.g. one prefix's
    addresses); a door that hands out data which cannot be filtered per object (a whole git repository) must ask
    this instead: a superuser, an exempt view permission, or an ObjectPermission without constraints."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or permission_is_exempt(perm):
        return True
    return any(
        any(not constraints for constraints in backend.get_all_permissions(user).get(perm, []))
        for backend in get_backends()
        if isinstance(backend, ObjectPermissionMixin)
    )
