"""One execution of one report, whichever door started it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from netbox.models import NetBoxModel
from utilities.choices import ChoiceSet


class CheckRunStatusChoices(ChoiceSet):
    RUNNING = "running"
    COMPLETED = "completed"
    ERRORED = "errored"

    CHOICES = (
        (RUNNING, "Running", "cyan"),
        (COMPLETED, "Completed", "green"),
        (ERRORED, "Errored", "red"),
    )


class CheckRunDoorChoices(ChoiceSet):
    """How the run was started."""

    UI = "ui"
    API = "api"
    COMMAND = "command"
    SCHEDULE = "schedule"
    SCRIPT = "script"

    CHOICES = (
        (UI, "Data quality page"),
        (API, "REST API"),
        (COMMAND, "Management command"),
        (SCHEDULE, "Schedule"),
        (SCRIPT, "Core script"),
    )


class CheckRun(NetBoxModel):
    report = models.CharField(max_length=200, db_index=True, help_text="module.Class, as NetBox names the report")
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True, help_text="seconds")
    status = models.CharField(max_length=20, choices=CheckRunStatusChoices, default=CheckRunStatusChoices.RUNNING)
    error = models.TextField(blank=True)
    tests = models.JSONField(default=list, blank=True, help_text="the test methods this run ran")
    test_counts = models.JSONField(default=dict, blank=True, help_text="{test: {level: lines}} as logged by the run")
    failures = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    successes = models.PositiveIntegerField(default=0)
    new_findings = models.PositiveIntegerField(default=0)
    resolved_findings = models.PositiveIntegerField(default=0)
    door = models.CharField(max_length=20, choices=CheckRunDoorChoices, blank=True)
    user = models.ForeignKey(
        to=settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    schedule = models.CharField(max_length=200, blank=True, help_text="name of the schedule that ran it")
    job = models.ForeignKey(to="core.Job", on_delete=models.SET_NULL, related_name="+", null=True, blank=True)

    class Meta:
        ordering = ("-started", "-pk")
        verbose_name = "check run"
        indexes = [models.Index(fields=["report", "-started"], name="netbox_wmf_ops_run_report_idx")]

    def __str__(self) -> str:
        return f"{self.report} at {self.started:%Y-%m-%d %H:%M:%S}"

    def get_status_color(self) -> str:
        return CheckRunStatusChoices.colors.get(self.status)

    @property
    def ran_by(self) -> str:
        if self.schedule:
            return f"schedule {self.schedule}"
        return str(self.user) if self.user else self.get_door_display()
