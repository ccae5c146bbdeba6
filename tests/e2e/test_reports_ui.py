"""A DC-ops engineer's path through the UI: log in, Other → Reports, run the Cables report, read the result."""

import pytest
from dcim.models import ConsolePort
from extras.models import Script
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition
from selenium.webdriver.support.ui import WebDriverWait
from users.models import User, UserConfig

from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_run_cables_report_from_the_ui(live_server, rq_worker, browser):
    device = factories.device(role_slug="asw")
    ConsolePort.objects.create(device=device, name="badname")  # not console\d / serial\d: a seeded failure
    user = User.objects.create_user(username="dcops", password="Dcops-Pass-12345", is_superuser=True)
    UserConfig.objects.filter(user=user).update(data={"pagination": {"per_page": 1000}})  # the whole log on one page

    wait = WebDriverWait(browser, 60)
    browser.get(f"{live_server.url}/login/")
    browser.find_element(By.NAME, "username").send_keys("dcops")
    browser.find_element(By.NAME, "password").send_keys("Dcops-Pass-12345")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(condition.url_to_be(f"{live_server.url}/"))

    # Other → Reports/Scripts lists the shipped report under its module; open it and run it.
    browser.get(f"{live_server.url}/extras/scripts/")
    script = Script.objects.get(module__file_path="wmf_ops_cables.py", name="Cables")
    link = wait.until(condition.element_to_be_clickable((By.CSS_SELECTOR, f'a[href="/extras/scripts/{script.pk}/"]')))
    assert "wmf_ops_cables" in browser.page_source  # the module heading
    link.click()
    wait.until(condition.element_to_be_clickable((By.NAME, "_run"))).click()

    # The result page polls until the job is done, then shows the test summary and the log.
    wait.until(condition.url_contains("/extras/scripts/results/"))
    wait.until(condition.text_to_be_present_in_element((By.ID, "pending-result-label"), "Completed"))
    wait.until(condition.presence_of_element_located((By.ID, "object_list")))
    wait.until(lambda driver: "badname" in driver.find_element(By.ID, "object_list").text)
    log = browser.find_element(By.ID, "object_list").text
    assert "incorrectly named console port cable termination: badname" in log
    assert str(device) in log
    assert "correctly named console port cable terminations" in log  # the summary line
    assert "Test Summary" in browser.page_source
