"""Filters of the Findings and Runs lists (UI and REST API alike)."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from dcim.models import DeviceRole, Site
from django.db.models import Q
from netbox.filtersets import NetBoxModelFilterSet
from tenancy.models import Tenant
from utilities.filters import MultiValueNumberFilter

from ..models import CheckRun, Finding
from ..models.checkrun import CheckRunStatusChoices
from ..models.finding import FindingLevelChoices, acknowledgement_active_q


def newest_run_pks():
    """The newest finished run of each report (a subquery)."""
    return (
        CheckRun.objects.exclude(status=CheckRunStatusChoices.RUNNING)
        .order_by("report", "-started", "-pk")
        .distinct("report")
        .values("pk")
    )


class HostileValuesMixin:
    """Filter values that reach the database as errors in NetBox 4.7.3's own filtersets too (500 in its API):

    * char filters turn the value "null" into None (to filter on empty values), and a lookup other than exact on None
      raises inside Django (``?report__regex=null``, ``?level__ic=null``): here "null" is then the text it is;
    * a NUL character, which PostgreSQL refuses in text (a 400 here, naming the parameter);
    * a date-time with a UTC offset beyond PostgreSQL's ±15:59 (``?created__gte=2026-01-01T00:00-22:00``, which
      Python accepts): here every date-time is compared in UTC."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in self.filters.values():
            # Only exact lookups mean "is empty" with None; any other (contains, starts with, regex...) raises.
            if getattr(item, "lookup_expr", "exact") not in ("exact", "iexact") and hasattr(item, "null_value"):
                item.null_value = NOT_A_VALUE

    def is_valid(self) -> bool:
        valid = super().is_valid()
        lists = self.data.lists() if hasattr(self.data, "lists") else ((k, [v]) for k, v in self.data.items())
        for key, values in lists:
            if "\x00" in key or any("\x00" in str(value) for value in values):
                # PostgreSQL refuses NUL in text: answer the request (400) instead of failing in the database.
                self.form.add_error(None, f"{key!r}: NUL characters are not allowed in a filter")
                valid = False
        return valid

    def filter_queryset(self, queryset):
        cleaned = self.form.cleaned_data
        for name, value in cleaned.items():
            if isinstance(value, datetime) and value.tzinfo is not None:
                cleaned[name] = value.astimezone(UTC)
            elif isinstance(value, list):
                cleaned[name] = [v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v for v in value]
        return super().filter_queryset(queryset)


NOT_A_VALUE = object()  # a null marker no query value equals


class FindingFilterSet(HostileValuesMixin, NetBoxModelFilterSet):
    report = django_filters.MultipleChoiceFilter(choices=lambda: [(r, r) for r in _report_names()])
    rule = django_filters.CharFilter(lookup_expr="exact")
    test = django_filters.CharFilter(lookup_expr="exact")
    level = django_filters.MultipleChoiceFilter(choices=FindingLevelChoices)
    status = django_filters.ChoiceFilter(
        choices=(("open", "Open"), ("resolved", "Resolved")), method="filter_status", label="Status"
    )
    new = django_filters.BooleanFilter(method="filter_new", label="New since the previous run")
    site_id = django_filters.ModelMultipleChoiceFilter(queryset=Site.objects.all(), field_name="site", label="Site")
    site = django_filters.ModelMultipleChoiceFilter(
        queryset=Site.objects.all(), field_name="site__slug", to_field_name="slug", label="Site (slug)"
    )
    role_id = django_filters.ModelMultipleChoiceFilter(
        queryset=DeviceRole.objects.all(), field_name="role", label="Device role"
    )
    role = django_filters.ModelMultipleChoiceFilter(
        queryset=DeviceRole.objects.all(), field_name="role__slug", to_field_name="slug", label="Device role (slug)"
    )
    tenant_id = django_filters.ModelMultipleChoiceFilter(
        queryset=Tenant.objects.all(), field_name="tenant", label="Tenant"
    )
    run_id = MultiValueNumberFilter(field_name="last_run", label="Seen by run")
    opened_by_id = MultiValueNumberFilter(field_name="first_run", label="Opened by run")
    resolved_by_id = MultiValueNumberFilter(field_name="resolved_by", label="Resolved by run")
    acknowledged = django_filters.BooleanFilter(method="filter_acknowledged", label="Acknowledged (in force)")
    device_id = django_filters.NumberFilter(method="filter_device", label="Device, its components and cables")

    class Meta:
        model = Finding
        fields = ("id", "report", "test", "rule", "level", "display", "message", "object_type_id", "object_id")

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(Q(display__icontains=value) | Q(message__icontains=value) | Q(rule__icontains=value))

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(resolved__isnull=True)
        if value == "resolved":
            return queryset.filter(resolved__isnull=False)
        return queryset

    def filter_new(self, queryset, name, value):
        """New: opened by the newest run of its report and not acknowledged (an acknowledged finding is not "new")."""
        new = Q(first_run__in=newest_run_pks()) & ~acknowledgement_active_q()
        return queryset.filter(new) if value else queryset.exclude(new)

    def filter_acknowledged(self, queryset, name, value):
        return queryset.acknowledged() if value else queryset.unacknowledged()

    def filter_device(self, queryset, name, value):
        from .panel import device_scope_q

        return queryset.filter(device_scope_q([value]))


class CheckRunFilterSet(HostileValuesMixin, NetBoxModelFilterSet):
    report = django_filters.MultipleChoiceFilter(choices=lambda: [(r, r) for r in _report_names()])
    status = django_filters.MultipleChoiceFilter(choices=CheckRunStatusChoices)

    class Meta:
        model = CheckRun
        fields = ("id", "report", "status", "door", "schedule")

    def search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(Q(report__icontains=value) | Q(error__icontains=value))


def _report_names() -> list[str]:
    from .catalog import shipped_reports

    return list(shipped_reports())
