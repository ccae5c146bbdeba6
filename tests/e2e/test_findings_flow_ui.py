"""A DC-ops engineer's day with findings (issue #13): open a seeded device, see its findings in the Data quality
panel, acknowledge one with a reason, subscribe to the report, run it again from the Checks page (a real rqworker):
the finding is still acknowledged and not counted, and the subscriber got one notification for the new failure."""

import pytest
from django.contrib.contenttypes.models import ContentType
from extras.models import Notification
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition

from netbox_wmf_ops.loaders.report_status import latest_result
from netbox_wmf_ops.models import Finding
from netbox_wmf_ops.quality.notify import NEW_FAILURES
from netbox_wmf_ops.quality.runner import run_report
from tests import factories
from tests.e2e.conftest import run_on_checks_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
MANAGEMENT = "wmf_ops_management.ManagementConsole"
ROW = f'tr[data-report="{MANAGEMENT}"]'


def open_failures() -> int:
    return latest_result(MANAGEMENT).data["tests"]["test_management_console"]["failure"]


@pytest.mark.django_db(transaction=True)
def test_panel_acknowledge_rerun_and_notification(demo_fleet, netbox_server, rq_worker, browser, dcops_session):
    wait = dcops_session
    run_report(MANAGEMENT, door="command")  # the seeded fleet's defects, recorded
    device_type = ContentType.objects.get(app_label="dcim", model="device")
    finding = (
        Finding.objects.filter(report=MANAGEMENT, level="failure", object_type=device_type, resolved__isnull=True)
        .order_by("pk")
        .first()
    )
    assert finding is not None, "the demo fleet seeds devices failing the management console check"
    counted = open_failures()

    # The seeded device's page: its findings in the Data quality panel.
    browser.get(f"{netbox_server.url}/dcim/devices/{finding.object_id}/")
    panel = wait.until(condition.presence_of_element_located((By.ID, "wmf-ops-data-quality")))
    row = panel.find_element(By.CSS_SELECTOR, f'tr[data-finding="{finding.pk}"]')
    assert finding.message in row.text and "Failure" in row.text
    badge = int(panel.find_element(By.ID, "wmf-ops-dq-count").text)

    # Acknowledge it with a reason.
    browser.get(row.find_element(By.CSS_SELECTOR, ".wmf-ops-ack-button").get_attribute("href"))
    wait.until(condition.presence_of_element_located((By.NAME, "reason"))).send_keys("console server RMA open")
    browser.find_element(By.CSS_SELECTOR, 'button[name="_confirm"]').click()
    wait.until(condition.url_to_be(f"{netbox_server.url}/dcim/devices/{finding.object_id}/"))
    panel = wait.until(condition.presence_of_element_located((By.ID, "wmf-ops-data-quality")))
    assert "console server RMA open" in panel.find_element(By.CSS_SELECTOR, f'tr[data-finding="{finding.pk}"]').text
    assert int(panel.find_element(By.ID, "wmf-ops-dq-count").text) == badge - 1

    # Subscribe to the report on the Checks page.
    browser.get(f"{netbox_server.url}/plugins/wmf-ops/checks/")
    wait.until(condition.element_to_be_clickable((By.CSS_SELECTOR, f'{ROW} button[name="subscribe"]'))).click()
    wait.until(condition.presence_of_element_located((By.CSS_SELECTOR, f'{ROW} button[name="unsubscribe"]')))

    # A new defect, and the report run again from the Checks page.
    factories.device("e2eflow-noconsole", role_slug="asw", site_obj=factories.site())
    run = run_on_checks_page(browser, netbox_server, MANAGEMENT)
    assert run.status == "completed" and run.new_findings == 1
    finding.refresh_from_db()
    assert finding.is_acknowledged() and finding.resolved is None and finding.last_run_id == run.pk
    assert open_failures() == counted  # one new failure counted, the acknowledged one not
    row = browser.find_element(By.CSS_SELECTOR, ROW)
    assert row.find_element(By.CSS_SELECTOR, ".wmf-failures").text == str(counted)
    assert int(row.find_element(By.CSS_SELECTOR, ".wmf-acknowledged").text) >= 1

    # Still acknowledged on the device's page.
    browser.get(f"{netbox_server.url}/dcim/devices/{finding.object_id}/")
    panel = wait.until(condition.presence_of_element_located((By.ID, "wmf-ops-data-quality")))
    assert "acknowledged" in panel.find_element(By.CSS_SELECTOR, f'tr[data-finding="{finding.pk}"]').text

    # One notification, in the bell menu's list, leading to the run.
    notes = Notification.objects.filter(user__username="dcops", event_type=NEW_FAILURES)
    assert notes.count() == 1 and notes.get().object_id == run.pk
    browser.get(f"{netbox_server.url}/user/notifications/")
    listing = wait.until(condition.presence_of_element_located((By.ID, "object_list"))).text
    assert "1 new failure" in listing
