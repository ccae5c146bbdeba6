"""django-tables2 tables of findings and runs."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from netbox.tables import NetBoxTable, columns

from ..models import CheckRun, Finding


class FindingTable(NetBoxTable):
    id = tables.Column(linkify=True, verbose_name="ID")
    report = tables.Column()
    test = tables.Column()
    rule = tables.Column()
    level = columns.ChoiceFieldColumn()
    object = tables.Column(accessor="display", verbose_name="Object", order_by=("display",))
    site = tables.Column(linkify=True)
    role = tables.Column(linkify=True, verbose_name="Role")
    tenant = tables.Column(linkify=True)
    message = tables.Column()
    first_seen = columns.DateTimeColumn()
    last_seen = columns.DateTimeColumn()
    status = tables.Column(accessor="resolved", verbose_name="Status", order_by=("resolved",), empty_values=())
    resolved = columns.DateTimeColumn()
    acknowledgement = tables.Column(
        accessor="acknowledged", verbose_name="Acknowledged", order_by=("acknowledged",), empty_values=()
    )
    acknowledged_by = tables.Column(verbose_name="Acknowledged by")
    acknowledged_reason = tables.Column(verbose_name="Acknowledgement reason")
    acknowledged_until = columns.DateColumn(verbose_name="Acknowledged until")
    actions = columns.ActionsColumn(actions=())  # findings are made by runs only

    class Meta(NetBoxTable.Meta):
        model = Finding
        fields = (
            "pk", "id", "report", "test", "rule", "level", "object", "site", "role", "tenant", "message",
            "first_seen", "last_seen", "status", "resolved", "acknowledgement", "acknowledged_by",
            "acknowledged_reason", "acknowledged_until",
        )  # fmt: skip
        default_columns = (
            "report", "rule", "level", "object", "site", "role", "message", "first_seen", "last_seen", "status",
            "acknowledgement",
        )  # fmt: skip

    def render_object(self, record, value):
        if record.object_type_id and record.object_id:
            obj = record.object
            url = getattr(obj, "get_absolute_url", None) if obj is not None else None
            if url:
                return format_html('<a href="{}">{}</a>', url(), value or str(obj))
            return format_html('{} <span class="badge text-bg-secondary">deleted</span>', value)
        return value or "—"

    def value_object(self, record, value):
        return value

    def render_status(self, record, value):
        if value is None:
            return mark_safe('<span class="badge text-bg-danger">open</span>')
        return mark_safe('<span class="badge text-bg-success">resolved</span>')

    def value_status(self, record, value):
        return "open" if value is None else "resolved"

    def render_acknowledgement(self, record, value):
        state = record.acknowledgement_state
        if state == "acknowledged":
            badge = '<span class="badge text-bg-secondary" title="{}">acknowledged</span>'
            return format_html(badge, record.acknowledged_reason)
        if state == "expired":
            return mark_safe('<span class="badge text-bg-warning">expired</span>')
        return "—"

    def value_acknowledgement(self, record, value):
        return record.acknowledgement_state


class CheckRunTable(NetBoxTable):
    id = tables.Column(linkify=True, verbose_name="ID")
    report = tables.Column(linkify=True)
    started = columns.DateTimeColumn()
    duration = tables.Column(verbose_name="Seconds")
    status = columns.ChoiceFieldColumn()
    failures = tables.Column()
    warnings = tables.Column()
    new_findings = tables.Column(verbose_name="New")
    resolved_findings = tables.Column(verbose_name="Resolved")
    ran_by = tables.Column(empty_values=(), orderable=False, verbose_name="Run by")
    job = tables.Column(linkify=True)
    actions = columns.ActionsColumn(actions=("delete",))

    class Meta(NetBoxTable.Meta):
        model = CheckRun
        fields = (
            "pk", "id", "report", "started", "duration", "status", "failures", "warnings", "new_findings",
            "resolved_findings", "ran_by", "door", "job",
        )  # fmt: skip
        default_columns = (
            "id", "report", "started", "duration", "status", "failures", "warnings", "new_findings",
            "resolved_findings", "ran_by",
        )  # fmt: skip

    def render_duration(self, value):
        return f"{value:.1f}"

    def render_ran_by(self, record):
        return record.ran_by
