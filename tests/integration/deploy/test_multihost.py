"""More than one worker host (docs/deployment.md, "The plugin's files and the hosts that write them"): two
`netbox rqworker` processes with their own working directory, HOME and temporary directory, as two hosts have, on
one database and Redis, configured as the recipe says (dumps and the DNS repository on a shared filesystem, the
DNS clones host-local). The dump, a DNS publish and a report schedule each happen once, in the shared places, and
nothing is left on either host."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from core.models import Job

from tests.conftest import wait_for_job
from tests.integration.deploy.conftest import recipe_instance
from tests.servers import Process, instance_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REPORT = "wmf_ops_management.ManagementConsole"
SCHEDULE = f"wmf-ops schedule: {REPORT}"
APPLY_SCHEDULES = "WMF Ops: apply schedules"
DUMP = "WMF Ops hourly CSV dump"
LIVE = ("pending", "scheduled", "running")


@pytest.fixture
def two_hosts(tmp_path, test_database_name):
    """The shared filesystem and two worker hosts; yields (shared directory, [host directories])."""
    import django_rq
    from rq import Worker

    shared = tmp_path / "shared"
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(shared / "dns.git")], check=True)
    root = recipe_instance(
        tmp_path / "instance",
        "PLUGINS_CONFIG['netbox_wmf_ops'].update({\n"
        f"    'dump_root': {str(shared / 'dumps')!r},\n"
        f"    'dns_repository_path': {str(shared / 'dns.git')!r},\n"
        f"    'report_schedules': {{{REPORT!r}: 1440}},\n"
        "})\n",
    )
    redis = django_rq.get_connection("default")
    redis.flushdb()  # the tests' own Redis DB
    hosts, workers = [], []
    netbox = str(Path(sys.executable).with_name("netbox"))
    try:
        for name in ("host-a", "host-b"):
            host = tmp_path / name
            for sub in ("home", "work", "tmp"):
                (host / sub).mkdir(parents=True)
            env = instance_env(root, test_database_name, HOME=str(host / "home"), TMPDIR=str(host / "tmp"))
            workers.append(Process([netbox, "rqworker"], env, host / "rqworker.log", cwd=host / "work"))
            hosts.append(host)
        deadline = time.monotonic() + 120
        while len(Worker.all(connection=redis)) < 2:
            for worker in workers:
                if worker.proc.poll() is not None:
                    pytest.fail(f"rqworker exited early:\n{worker.output()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail("two rqworkers did not register within 120 s")
            time.sleep(0.5)
        yield shared, hosts
    finally:
        for worker in workers:
            worker.stop()
        redis.flushdb()


def live_jobs(name: str) -> list[Job]:
    return list(Job.objects.filter(name=name, status__in=LIVE))


def wait_until(condition, seconds: int, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        time.sleep(0.5)


def finished_or_removed(pk: int) -> bool:
    return not Job.objects.filter(pk=pk).exclude(status__in=("completed", "errored", "failed")).exists()


def test_two_worker_hosts_run_the_dump_a_dns_publish_and_a_report_schedule_once(two_hosts):
    from netbox_wmf_ops.dns.jobs import DnsSnippetsJob
    from netbox_wmf_ops.exports.jobs import HourlyDumpJob
    from netbox_wmf_ops.jobs import ReportSchedulesJob

    shared, hosts = two_hosts

    # Both workers scheduled the system jobs at start: one hourly dump and one report schedule, not two.
    wait_until(lambda: Job.objects.filter(name=APPLY_SCHEDULES, status="completed").exists(), 180, "no schedules")
    assert len(live_jobs(DUMP)) == 1
    assert len(live_jobs(APPLY_SCHEDULES)) == 1  # its hourly successor
    # Two more runs of the schedules at once (an hourly run meeting a worker restart) change nothing.
    again = [ReportSchedulesJob.enqueue(), ReportSchedulesJob.enqueue()]
    for job in again:
        # A waiting run that duplicates the chain may be removed by the reconciler (docs/operations.md) before it runs.
        wait_until(lambda pk=job.pk: finished_or_removed(pk), 180, f"schedules run {job.pk} neither ran nor went")
        assert Job.objects.filter(pk=job.pk).exclude(status="completed").count() == 0
    wait_until(lambda: Job.objects.filter(name=SCHEDULE, status="completed").count() >= 1, 180, "no report run")
    assert Job.objects.filter(name=SCHEDULE).exclude(status__in=(*LIVE, "completed")).count() == 0
    assert Job.objects.filter(name=SCHEDULE, status="completed").count() == 1
    assert [job.interval for job in live_jobs(SCHEDULE)] == [1440]  # its one successor, tomorrow

    # The dump lands in the shared dump root, whichever host ran it.
    dump = wait_for_job(HourlyDumpJob.enqueue().pk)
    assert dump.status == "completed", dump.data
    name = Path(dump.data["path"]).name  # YYYY-MM-DD-HH:MM, and the rotation's day, month and year copies
    dumps = {path.name for path in (shared / "dumps").iterdir() if not path.name.startswith(".")}
    assert dumps == {name, name[:10], name[:7], name[:4]}
    assert (shared / "dumps" / name / "manifest.json").exists()

    # Two publishes at once: the lock serialises them, the first pushes, the second has nothing left to publish.
    publishes = [DnsSnippetsJob.enqueue(publish=True), DnsSnippetsJob.enqueue(publish=True)]
    results = sorted(wait_for_job(job.pk).data["exit_code"] for job in publishes)
    assert results == [0, 99]
    log = subprocess.run(
        ["git", "-C", str(shared / "dns.git"), "log", "--format=%s", "main"], capture_output=True, text=True
    )
    assert log.stdout.splitlines() == ["Update DNS snippets from NetBox"]

    # Both hosts took part (each publish ran on its own host: the first one held the lock while the other waited),
    # and neither left anything behind: no clone, no file.
    ran_on = {
        host.name
        for job in publishes
        for host in hosts
        if str(job.job_id) in (host / "rqworker.log").read_text(errors="replace")
    }
    assert ran_on == {"host-a", "host-b"}
    for host in hosts:
        for sub in ("home", "work", "tmp"):
            assert not any((host / sub).iterdir()), f"{host.name}/{sub} holds {list((host / sub).iterdir())}"
