"""The Management report end to end: in-process, through the REST API and a real `netbox rqworker`, and query count."""

import pytest
from core.models import Job
from dcim.models import Device
from extras.models import Script
from users.models import Token, User

from dev.fleet.plan import plan_fleet
from netbox_wmf_ops.reports.management import ManagementConsole
from tests import factories
from tests.conftest import wait_for_job
from tests.integration.reports.helpers import assert_queries_do_not_grow

TEST = "test_management_console"


def run_report() -> dict:
    report = ManagementConsole()
    report.run(data={}, commit=True)
    return report.tests[TEST]


def failures_by_object(result: dict) -> dict[str, str]:
    return {obj: message for _, level, obj, _, message in result["log"] if level == "failure"}


def summary_count(result: dict) -> int:
    last = result["log"][-1]
    assert last[1] == "success" and last[4].endswith(" devices with connected ports"), last
    return int(last[4].split()[0])


@pytest.mark.django_db
def test_finds_exactly_the_seeded_defects_of_the_demo_fleet():
    defects = plan_fleet(0.05, 1).defects
    expected = {
        **dict.fromkeys(defects["management.missing_console_port"], "missing console port"),
        **dict.fromkeys(defects["management.missing_connected_console_port"], "missing connected console port"),
    }
    assert expected, "the demo plan seeds no Management defects"
    by_label = {str(d): d.name for d in Device.objects.filter(name__in=expected)}
    result = run_report()
    found = {by_label.get(obj, obj): message for obj, message in failures_by_object(result).items()}
    assert found == expected
    in_scope = (
        Device.objects.filter(role__slug__in=["cr", "asw", "mr", "pfw", "cloudsw"])
        .exclude(status__in=["inventory", "offline", "planned", "decommissioning"])
        .exclude(site__slug__in=["eqord", "eqdfw"])
    )
    assert summary_count(result) == in_scope.count() - len(expected) > 0


@pytest.mark.django_db
def test_failures_and_summary_on_hand_built_devices():
    before = summary_count(run_report())

    no_port = factories.device(role_slug="asw")
    uncabled = factories.device(role_slug="cr")
    factories.console_port(uncabled)
    good = factories.device(role_slug="mr")
    factories.cable_console(factories.console_port(good))
    # Not in scope: a server, a planned switch, a switch in an excluded site.
    factories.device(role_slug="server")
    factories.device(role_slug="asw", status="planned")
    factories.device(role_slug="asw", site_obj=factories.site("eqord"))

    result = run_report()
    failures = failures_by_object(result)
    assert failures[str(no_port)] == "missing console port"
    assert failures[str(uncabled)] == "missing connected console port"
    assert str(good) not in failures
    assert summary_count(result) == before + 1  # only `good`; its console server (role scs) is out of scope


@pytest.mark.django_db
def test_one_failure_per_device_and_summary_last():
    dev = factories.device(role_slug="asw")
    factories.console_port(dev, "console0")
    factories.console_port(dev, "console1")
    result = run_report()
    assert [obj for _, level, obj, _, _ in result["log"]].count(str(dev)) == 1
    assert result["log"][-1][1] == "success"
    assert result["failure"] == len(failures_by_object(result))
    assert all(entry[1] == "failure" for entry in result["log"][:-1])


@pytest.mark.django_db
def test_failures_link_to_the_device():
    dev = factories.device(role_slug="pfw")
    entry = next(e for e in run_report()["log"] if e[2] == str(dev))
    assert entry[3] == dev.get_absolute_url()


def add_consoled_devices(n: int) -> None:
    """n switches with a cabled console port and n routers with an uncabled one, at a new site."""
    site = factories.site()
    for _ in range(n):
        factories.cable_console(factories.console_port(factories.device(role_slug="asw", site_obj=site)))
        factories.console_port(factories.device(role_slug="cr", site_obj=site))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_fleet():
    assert_queries_do_not_grow(ManagementConsole, add_consoled_devices, 3, 12, most=3)


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_runs_through_the_rest_api_and_a_real_rqworker(client, rq_worker):
    """POST /api/extras/scripts/<id>/ enqueues the job exactly as the UI does; a real worker process runs it."""
    bad = factories.device(role_slug="asw")
    good = factories.device(role_slug="cr")
    factories.cable_console(factories.console_port(good))

    user = User.objects.create_user(username="dcops", password="Unused-Pass-1234", is_superuser=True)
    token = Token(user=user, description="test")
    token.full_clean()
    token.save()
    auth = {"HTTP_AUTHORIZATION": f"{token.get_auth_header_prefix()}{token.token}"}

    script = Script.objects.get(module__file_path="wmf_ops_management.py", name="ManagementConsole")
    response = client.post(
        f"/api/extras/scripts/{script.pk}/", {"data": {}, "commit": True}, content_type="application/json", **auth
    )
    assert response.status_code == 200, response.content
    job_pk = response.json()["result"]["id"]

    job = wait_for_job(job_pk)
    assert job.status == "completed"  # failures do not fail the job: they live in Job.data
    result = job.data["tests"][TEST]
    failures = failures_by_object(result)
    assert failures[str(bad)] == "missing console port"
    assert str(good) not in failures
    assert result["failure"] == len(failures) >= 1
    assert summary_count(result) >= 1

    # The same result is what the API serves for the job.
    api_job = client.get(f"/api/core/jobs/{job_pk}/", **auth).json()
    assert api_job["status"]["value"] == "completed"
    assert api_job["data"]["tests"][TEST]["failure"] == result["failure"]
    assert Job.objects.filter(pk=job_pk, object_id=script.pk).exists()
