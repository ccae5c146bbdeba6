"""Who is notified when a report's run opens new failures (docs/data-quality.md, "Notifications")."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportSubscription(models.Model):
    """One user subscribed to one shipped report (``module.Class``). A plugin model rather than core's
    ``extras.Subscription``: that one subscribes to one object, and a report is no database object of its own (its
    core Script row exists only while core scripts do and ``register_shipped_scripts`` is on)."""

    user = models.ForeignKey(to=settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.CharField(max_length=200, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("report", "user")
        verbose_name = "report subscription"
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="netbox_wmf_ops_report_subscription")]

    def __str__(self) -> str:
        return f"{self.user} → {self.report}"
