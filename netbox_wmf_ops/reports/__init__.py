"""Shipped reports: one module per report, thin ``Report`` classes over checks/ and loaders/.

Every module here that defines a report appears in NetBox as ``wmf_ops_<module>`` (see registration.py)."""
