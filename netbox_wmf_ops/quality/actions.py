"""Bulk actions of the Findings list (NetBox ObjectActions: buttons shown to users with the permission)."""

from __future__ import annotations

from netbox.object_actions import ObjectAction


class BulkAcknowledge(ObjectAction):
    """The Findings list's bulk action (selected rows, or all matching the filter)."""

    name = "bulk_acknowledge"
    label = "Acknowledge selected"
    multi = True
    permissions_required = {"acknowledge"}
    template_name = "netbox_wmf_ops/quality/buttons/bulk_acknowledge.html"


class BulkUnacknowledge(ObjectAction):
    name = "bulk_unacknowledge"
    label = "Unacknowledge selected"
    multi = True
    permissions_required = {"acknowledge"}
    template_name = "netbox_wmf_ops/quality/buttons/bulk_unacknowledge.html"
