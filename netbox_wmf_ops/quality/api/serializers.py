from __future__ import annotations

from dcim.api.serializers import DeviceRoleSerializer, SiteSerializer
from netbox.api.fields import ChoiceField, ContentTypeField
from netbox.api.serializers import NetBoxModelSerializer
from rest_framework import serializers
from tenancy.api.serializers import TenantSerializer

from ...models import CheckRun, Finding
from ...models.checkrun import CheckRunStatusChoices
from ...models.finding import FindingLevelChoices


class CheckRunSerializer(NetBoxModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="plugins-api:netbox_wmf_ops-api:checkrun-detail")
    status = ChoiceField(choices=CheckRunStatusChoices, read_only=True)
    user = serializers.StringRelatedField(read_only=True)
    job = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = CheckRun
        fields = (
            "id", "url", "display", "report", "started", "finished", "duration", "status", "error", "tests",
            "test_counts", "failures", "warnings", "successes", "new_findings", "resolved_findings", "door", "user",
            "schedule", "job", "created", "last_updated",
        )  # fmt: skip
        brief_fields = ("id", "url", "display", "report", "started", "status")


class FindingSerializer(NetBoxModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="plugins-api:netbox_wmf_ops-api:finding-detail")
    level = ChoiceField(choices=FindingLevelChoices, read_only=True)
    object_type = ContentTypeField(read_only=True)
    object_url = serializers.SerializerMethodField()
    site = SiteSerializer(nested=True, read_only=True)
    role = DeviceRoleSerializer(nested=True, read_only=True)
    tenant = TenantSerializer(nested=True, read_only=True)
    status = serializers.SerializerMethodField()
    first_run = serializers.PrimaryKeyRelatedField(read_only=True)
    last_run = serializers.PrimaryKeyRelatedField(read_only=True)
    resolved_by = serializers.PrimaryKeyRelatedField(read_only=True)
    acknowledged_by = serializers.StringRelatedField(read_only=True)
    acknowledgement = serializers.CharField(source="acknowledgement_state", read_only=True)

    class Meta:
        model = Finding
        fields = (
            "id", "url", "display", "report", "test", "rule", "level", "object_type", "object_id", "object_url",
            "subject", "message", "site", "role", "tenant", "status", "first_seen", "last_seen", "resolved",
            "first_run", "last_run", "resolved_by", "acknowledgement", "acknowledged", "acknowledged_by",
            "acknowledged_reason", "acknowledged_until", "created", "last_updated",
        )  # fmt: skip
        brief_fields = ("id", "url", "display", "report", "rule", "level", "message")

    def get_object_url(self, obj) -> str | None:
        target = obj.object if obj.object_type_id else None
        return target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else None

    def get_status(self, obj) -> str:
        return "open" if obj.resolved is None else "resolved"


class AcknowledgeSerializer(serializers.Serializer):
    """Body of POST findings/<id>/acknowledge/."""

    reason = serializers.CharField(max_length=2000)
    until = serializers.DateField(required=False, allow_null=True, help_text="holds through this day")

    def validate(self, attrs):
        from ..acknowledge import AcknowledgementError, check_acknowledgement

        try:
            attrs["reason"] = check_acknowledgement(attrs["reason"], attrs.get("until"))
        except AcknowledgementError as error:
            raise serializers.ValidationError(str(error)) from error
        return attrs
