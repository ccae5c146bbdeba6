"""One problem a report found with one object, tracked across runs (identity: report, test, rule, object)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils import timezone
from netbox.models import NetBoxModel
from utilities.choices import ChoiceSet
from utilities.querysets import RestrictedQuerySet


class FindingLevelChoices(ChoiceSet):
    FAILURE = "failure"
    WARNING = "warning"

    CHOICES = ((FAILURE, "Failure", "red"), (WARNING, "Warning", "yellow"))


def acknowledgement_active_q(today: date | None = None) -> Q:
    """Findings whose acknowledgement holds on `today` (default: the local date): acknowledged, and either without an
    expiry date or expiring today or later (an acknowledgement "until 2026-12-31" holds through that day)."""
    today = today or timezone.localdate()
    return Q(acknowledged__isnull=False) & (Q(acknowledged_until__isnull=True) | Q(acknowledged_until__gte=today))


class FindingQuerySet(RestrictedQuerySet):
    def open(self) -> FindingQuerySet:
        return self.filter(resolved__isnull=True)

    def acknowledged(self, today: date | None = None) -> FindingQuerySet:
        """Findings whose acknowledgement is in force (not expired)."""
        return self.filter(acknowledgement_active_q(today))

    def unacknowledged(self, today: date | None = None) -> FindingQuerySet:
        """Findings that count for alerts, metrics and "new": never acknowledged, or their acknowledgement expired."""
        return self.exclude(acknowledgement_active_q(today))

    def visible_to(self, user) -> FindingQuerySet:
        """The findings `user` may see: those about no NetBox object, and those whose object the user may view (the
        object's own model `restrict(user, 'view')`, so ObjectPermission constraints apply). One subquery per object
        type present; superusers see everything."""
        if user is not None and user.is_active and user.is_superuser:
            return self
        allowed = Q(object_type__isnull=True)
        type_ids = Finding.objects.exclude(object_type__isnull=True).values_list("object_type", flat=True).distinct()
        from django.contrib.contenttypes.models import ContentType

        for object_type in ContentType.objects.filter(pk__in=list(type_ids)):
            model = object_type.model_class()
            if model is None:
                continue
            manager = model._default_manager
            if not hasattr(manager, "restrict"):
                continue
            visible = manager.all().restrict(user, "view").values("pk")
            allowed |= Q(object_type=object_type, object_id__in=visible)
        return self.filter(allowed)


class Finding(NetBoxModel):
    report = models.CharField(max_length=200, db_index=True)
    test = models.CharField(max_length=200)
    rule = models.CharField(max_length=200, db_index=True)
    level = models.CharField(max_length=20, choices=FindingLevelChoices)
    object_type = models.ForeignKey(
        to="contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object = GenericForeignKey("object_type", "object_id")
    display = models.CharField(max_length=300, blank=True, help_text="the object as it read when last seen")
    subject = models.CharField(
        max_length=600, blank=True, help_text="tells apart findings about no NetBox object (part of the identity)"
    )
    message = models.TextField()
    site = models.ForeignKey(to="dcim.Site", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    role = models.ForeignKey(to="dcim.DeviceRole", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    tenant = models.ForeignKey(to="tenancy.Tenant", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    resolved = models.DateTimeField(null=True, blank=True)
    first_run = models.ForeignKey(
        to="netbox_wmf_ops.CheckRun", on_delete=models.SET_NULL, related_name="opened", null=True, blank=True
    )
    last_run = models.ForeignKey(
        to="netbox_wmf_ops.CheckRun", on_delete=models.SET_NULL, related_name="seen", null=True, blank=True
    )
    resolved_by = models.ForeignKey(
        to="netbox_wmf_ops.CheckRun", on_delete=models.SET_NULL, related_name="closed", null=True, blank=True
    )
    # Acknowledgement (docs/data-quality.md, "Acknowledgements"): kept until cleared by a user or by a run that finds
    # a different message; it stops counting when acknowledged_until has passed.
    acknowledged = models.DateTimeField(null=True, blank=True, help_text="when the finding was acknowledged")
    acknowledged_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    acknowledged_reason = models.TextField(blank=True)
    acknowledged_until = models.DateField(
        null=True, blank=True, help_text="the acknowledgement holds through this day (empty: until cleared)"
    )

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ("report", "test", "display", "pk")
        verbose_name = "finding"
        # A dedicated action (an ObjectPermission "acknowledge" on findings): acknowledging never needs "change".
        permissions = [("acknowledge", "Acknowledge findings")]
        indexes = [
            models.Index(fields=["report", "resolved"], name="netbox_wmf_ops_finding_open"),
            models.Index(fields=["object_type", "object_id"], name="netbox_wmf_ops_finding_obj"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "test", "rule", "object_type", "object_id", "subject"],
                condition=Q(resolved__isnull=True),
                nulls_distinct=False,
                name="netbox_wmf_ops_finding_open_identity",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.display or self.message[:60]}"

    def get_level_color(self) -> str:
        return FindingLevelChoices.colors.get(self.level)

    @property
    def is_open(self) -> bool:
        return self.resolved is None

    def is_acknowledged(self, today: date | None = None) -> bool:
        """True while an acknowledgement is in force (set and not expired)."""
        if self.acknowledged is None:
            return False
        return self.acknowledged_until is None or self.acknowledged_until >= (today or timezone.localdate())

    @property
    def acknowledgement_state(self) -> str:
        """ "acknowledged", "expired" (acknowledged, but past its expiry date) or "" (never acknowledged)."""
        if self.acknowledged is None:
            return ""
        return "acknowledged" if self.is_acknowledged() else "expired"
