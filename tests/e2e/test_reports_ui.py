"""A DC-ops engineer's path through the UI: log in, Other → Reports, run the Cables report, read the result."""

import pytest
from dcim.models import ConsolePort
from extras.models import Script
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition

from tests import factories
from tests.e2e.conftest import wait_for_job_result

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_run_cables_report_from_the_ui(netbox_server, rq_worker, browser, dcops_session):
    wait = dcops_session
    device = factories.device(role_slug="asw")
    ConsolePort.objects.create(device=device, name="badname")  # not console\d / serial\d: a seeded failure

    # Other → Reports/Scripts lists the shipped report under its module; open it and run it.
    browser.get(f"{netbox_server.url}/extras/scripts/")
    script = Script.objects.get(module__file_path="wmf_ops_cables.py", name="Cables")
    link = wait.until(condition.element_to_be_clickable((By.CSS_SELECTOR, f'a[href="/extras/scripts/{script.pk}/"]')))
    assert "wmf_ops_cables" in browser.page_source  # the module heading
    link.click()
    wait.until(condition.element_to_be_clickable((By.NAME, "_run"))).click()

    # The result page polls until the job is done, then shows the test summary and the log.
    wait_for_job_result(browser, wait)
    wait.until(condition.presence_of_element_located((By.ID, "object_list")))
    wait.until(lambda driver: "badname" in driver.find_element(By.ID, "object_list").text)
    log = browser.find_element(By.ID, "object_list").text
    assert "incorrectly named console port cable termination: badname" in log
    assert str(device) in log
    assert "correctly named console port cable terminations" in log  # the summary line
    assert "Test Summary" in browser.page_source
