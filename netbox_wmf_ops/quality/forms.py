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
        FieldSet("report", "rule", "level", "status", "new", "acknowledged", name="Finding"),
        FieldSet("site_id", "role_id", "tenant_id", name="Object"),
    )
    report = forms.MultipleChoiceField(choices=lambda: [(r, r) for r in shipped_reports()], required=False)
    rule = forms.CharField(required=False)
    level = forms.MultipleChoiceField(choices=FindingLevelChoices, required=False)
    status = forms.ChoiceField(choices=(("", "---------"), ("open", "Open"), ("resolved", "Resolved")), required=False)
    new = forms.NullBooleanField(
        required=False, label="New since the previous run", widget=forms.Select(choices=BOOLEAN)
    )
    acknowledged = forms.NullBooleanField(required=False, label="Acknowledged", widget=forms.Select(choices=BOOLEAN))
    site_id = DynamicModelMultipleChoiceField(queryset=Site.objects.all(), required=False, label="Site")
    role_id = DynamicModelMultipleChoiceField(queryset=DeviceRole.objects.all(), required=False, label="Device role")
    tenant_id = DynamicModelMultipleChoiceField(queryset=Tenant.objects.all(), required=False, label="Tenant")


class CheckRunFilterForm(NetBoxModelFilterSetForm):
    model = CheckRun
    fieldsets = (FieldSet("q", "filter_id"), FieldSet("report", "status", name="Run"))
    report = forms.MultipleChoiceField(choices=lambda: [(r, r) for r in shipped_reports()], required=False)
    status = forms.MultipleChoiceField(choices=CheckRunStatusChoices, required=False)


class AcknowledgeForm(forms.Form):
    """Reason (required) and optional expiry date of an acknowledgement."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, help_text="Why it is accepted")
    until = forms.DateField(
        required=False,
        label="Until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The acknowledgement holds through this day; empty: until it is cleared or the message changes",
    )

    def clean(self):
        from .acknowledge import AcknowledgementError, check_acknowledgement

        cleaned = super().clean()
        if "reason" in cleaned:
            try:
                cleaned["reason"] = check_acknowledgement(cleaned["reason"], cleaned.get("until"))
            except AcknowledgementError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned
