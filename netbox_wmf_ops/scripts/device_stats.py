"""Device statistics for Prometheus (docs/behaviour-reference.md §2.2), served through the script proxy (``proxy/``)."""

from datetime import timedelta

from core.choices import JobStatusChoices
from core.models import Job, ObjectType
from dcim.models import Device
from django.utils import timezone
from extras.models import Script as ScriptModel
from extras.scripts import Script

from netbox_wmf_ops.ops.device_stats import count_devices, render_device_counts

# Every scrape runs the script and leaves a Job row: finished ones older than this are pruned on each run.
KEEP_FINISHED_JOBS_FOR = timedelta(minutes=5)


class GetDeviceStats(Script):
    class Meta:
        name = "Get Device Statistics"
        description = "Dump a set of statistics about various devices for Prometheus."
        commit_default = True
        scheduling_enabled = False

    def run(self, data, commit):
        if commit:  # a dry run (the proxy's GET) would only roll the deletion back
            self.prune_old_jobs()
        keys = self.visible_devices().values_list(
            "status", "site__slug", "location__slug", "device_type__manufacturer__slug"
        )  # the default ordering (by name), as the original iterated
        return render_device_counts(count_devices(keys))

    def visible_devices(self):
        """The devices the user running the script may view: counts never reveal what they cannot see. A run without
        a request (Python code calling the job directly, no user) counts every device."""
        user = getattr(self.request, "user", None)
        if user is None:
            return Device.objects.all()
        return Device.objects.restrict(user, "view")

    def prune_old_jobs(self) -> None:
        module, _, class_name = self.full_name.rpartition(".")
        script = ScriptModel.objects.filter(module__file_path=f"{module}.py", name=class_name).first()
        if script is None:  # run outside the registered module (tests calling run() directly)
            return
        old_jobs = Job.objects.filter(
            object_type=ObjectType.objects.get_for_model(ScriptModel),
            object_id=script.pk,
            status__in=JobStatusChoices.TERMINAL_STATE_CHOICES,
            created__lt=timezone.now() - KEEP_FINISHED_JOBS_FOR,
        )
        for job in old_jobs:  # one by one, as the original, so Job.delete() runs (it also removes the RQ job)
            job.delete()
