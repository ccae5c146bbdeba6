"""Builders for the tests of the script proxy: a module of test scripts registered in NetBox."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from extras.models import ScriptModule

from netbox_wmf_ops.registration import register_shipped_scripts


def script_module(file_path: str, source: bytes) -> ScriptModule:
    """``source`` saved as ``file_path`` in NetBox's scripts storage and registered (NetBox syncs its Script rows),
    next to the shipped scripts, registered again since a transactional test before may have flushed their rows.
    Not prefixed ``wmf_ops_``: registration would retire it as a shim the plugin no longer ships."""
    register_shipped_scripts()
    storage = storages.create_storage(storages.backends["scripts"])
    if storage.exists(file_path):
        storage.delete(file_path)
    storage.save(file_path, ContentFile(source))
    module = ScriptModule.objects.filter(file_path=file_path).first() or ScriptModule(
        file_root="scripts", file_path=file_path
    )
    module.full_clean()
    module.save()
    return module
