"""Every module of the plugin imports inside NetBox: a name moved or removed elsewhere fails here, not at the first
run of the script or job that needs it."""

import importlib
import pkgutil

import netbox_wmf_ops


def test_every_module_of_the_plugin_imports():
    failures = {}
    for module in pkgutil.walk_packages(netbox_wmf_ops.__path__, "netbox_wmf_ops."):
        try:
            importlib.import_module(module.name)
        except Exception as exc:
            failures[module.name] = repr(exc)
    assert failures == {}
