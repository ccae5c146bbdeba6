"""Run the sync for a configured profile: what the script, the command and the job share (settings, change log)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

from netbox_wmf_ops import settings

from .config import GanetiProfile, load_profiles
from .sync import SyncResult, sync_profile


class UnknownProfileError(LookupError):
    pass


def configured_profiles() -> dict[str, GanetiProfile]:
    return load_profiles(settings.get("ganeti_profiles"))


def get_profile(name: str) -> GanetiProfile:
    profiles = configured_profiles()
    if name not in profiles:
        known = ", ".join(sorted(profiles)) or "none configured"
        raise UnknownProfileError(f"unknown Ganeti profile {name!r} (known: {known})")
    return profiles[name]


def run_profile(name: str, *, commit: bool = False, force: bool = False, **kwargs: Any) -> SyncResult:
    """Sync one configured profile with the configured guard share and VM role."""
    return sync_profile(
        get_profile(name),
        commit=commit,
        force=force,
        max_delete_share=settings.get("ganeti_max_delete_share"),
        vm_role=settings.get("ganeti_vm_role"),
        **kwargs,
    )


@contextlib.contextmanager
def change_logging(user: Any | None) -> Iterator[None]:
    """Record ObjectChanges as ``user`` outside a web request (NetBox only logs changes when a request is current).
    Without a user, changes are not change-logged."""
    if user is None:
        yield
        return
    from netbox.context_managers import event_tracking
    from utilities.request import NetBoxFakeRequest

    request = NetBoxFakeRequest(
        {"META": {}, "COOKIES": {}, "POST": {}, "GET": {}, "FILES": {}, "user": user, "method": "POST", "path": ""}
        | {"id": uuid.uuid4()}
    )
    with event_tracking(request):
        yield


def default_user(username: str | None = None) -> Any | None:
    """``username``'s user, else the first active superuser (as `netbox runscript` does), else None."""
    from users.models import User

    if username:
        return User.objects.get(username=username)
    return User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
