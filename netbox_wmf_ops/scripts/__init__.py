"""Shipped custom scripts: one module per script, thin ``Script`` classes over the plugin's services.

Every module here that defines a script appears in NetBox as ``wmf_ops_<module>`` (see registration.py)."""
