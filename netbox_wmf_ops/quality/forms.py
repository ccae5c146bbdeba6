"""Filter forms of the Findings and Runs lists."""

from __future__ import annotations

from dcim.models import DeviceRole, Site
from django import forms
from netbox.forms import NetBoxModelFilterSetForm
from tenancy.models import Tenant
from utilities.forms.fields import DynamicModelMultipleChoiceField
from utilities.forms.rendering import FieldSet

from ..models import CheckRun, Finding
from ..models.checkrun import CheckRunStatusChoices
from ..models.finding import FindingLevelChoices
from .catalog import shipped_reports

BOOLEAN = (("", "---------"), ("true", "Yes"), ("false", "No"))


class FindingFilterForm(NetBoxModelFilterSetForm):
    model = Finding
    fieldsets = (
        FieldSet("q", "filter_id"),
        FieldSet("report", "rule", "level", "status", "new", name="Finding"),
        FieldSet("site_id", "role_id", "tenant_id", name="Object"),
    )
    report = forms.MultipleChoiceField(choices=lambda: [(r, r) for r in shipped_reports()], required=False)
    rule = forms.CharField(required=False)
    level = forms.MultipleChoiceField(choices=FindingLevelChoices, required=False)
    status = forms.ChoiceField(choices=(("", "---------"), ("open", "Open"), ("resolved", "Resolved")), required=False)
    new = forms.NullBooleanField(
        required=False, label="New since the previous run", widget=forms.Select(choices=BOOLEAN)
    )
    site_id = DynamicModelMultipleChoiceField(queryset=Site.objects.all(), required=False, label="Site")
    role_id = DynamicModelMultipleChoiceField(queryset=DeviceRole.objects.all(), required=False, label="Device role")
    tenant_id = DynamicModelMultipleChoiceField(queryset=Tenant.objects.all(), required=False, label="Tenant")


class CheckRunFilterForm(NetBoxModelFilterSetForm):
    model = CheckRun
    fieldsets = (FieldSet("q", "filter_id"), FieldSet("report", "status", name="Run"))
    report = forms.MultipleChoiceField(choices=lambda: [(r, r) for r in shipped_reports()], required=False)
    status = forms.MultipleChoiceField(choices=CheckRunStatusChoices, required=False)
