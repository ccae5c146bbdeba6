import os
from pathlib import Path

import pytest

from tests.servers import NetBoxWeb, instance_env

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def browser():
    """Headless Debian chromium driven by chromedriver (installed by `dev/wmfops.py test-prepare`)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def netbox_server(django_db_setup, tmp_path_factory):
    """The test instance served as in production and in `make demo`: gunicorn with the static files that
    `dev/wmfops.py test-prepare` collected (tests/servers.py). One per test: a transactional test empties the database
    after it, and the content types NetBox recreates then get new ids, which a server that lived on would still hold
    in its cache (a panel listing findings by content type then shows none)."""
    from django.db import connection

    root = Path(os.environ["NETBOX_ROOT"])
    env = instance_env(root, connection.settings_dict["NAME"])
    server = NetBoxWeb(root, env, tmp_path_factory.mktemp("e2e-web") / "gunicorn.log")
    yield server
    server.stop()


@pytest.fixture
def dcops_session(transactional_db, netbox_server, browser):
    """``browser`` logged in as a DC-ops superuser whose tables show 1,000 rows a page (a whole job log on one page);
    returns a 60 s ``WebDriverWait`` on it. Transactional: the server sees committed data only."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as condition
    from selenium.webdriver.support.ui import WebDriverWait
    from users.models import User, UserConfig

    user = User.objects.create_user(username="dcops", password="Dcops-Pass-12345", is_superuser=True)
    UserConfig.objects.filter(user=user).update(data={"pagination": {"per_page": 1000}})
    wait = WebDriverWait(browser, 60)
    browser.get(f"{netbox_server.url}/login/")
    browser.find_element(By.NAME, "username").send_keys("dcops")
    browser.find_element(By.NAME, "password").send_keys("Dcops-Pass-12345")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(condition.url_to_be(f"{netbox_server.url}/"))
    return wait


def wait_for_job_result(browser, wait) -> None:
    """On a script's result page, wait until its job is completed. The page polls the job itself, but its polling was
    seen to stop while the job waited in the queue (behind the "Search cache update" jobs NetBox queues for the
    objects a test created): reload every 5 s, as an operator would. The page swaps its result block in place while
    it polls, so a label read during the swap is stale: that reading is retried, not a failure."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as condition
    from selenium.webdriver.support.ui import WebDriverWait

    def completed(driver) -> bool:
        if "Completed" in driver.find_element(By.ID, "pending-result-label").text:
            return True
        driver.refresh()
        return False

    wait.until(condition.url_contains("/extras/scripts/results/"))
    WebDriverWait(
        browser, 180, poll_frequency=5, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
    ).until(completed)


def run_on_checks_page(browser, netbox_server, report: str):
    """Press Run in ``report``'s row of Data quality → Checks, see the row show the run in progress, and wait without
    reloading (the page polls itself over HTMX) until the row shows it finished; returns that ``CheckRun``."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as condition
    from selenium.webdriver.support.ui import WebDriverWait

    from netbox_wmf_ops.models import CheckRun

    row = f'tr[data-report="{report}"]'
    before = CheckRun.objects.filter(report=report).count()
    browser.get(f"{netbox_server.url}/plugins/wmf-ops/checks/")
    WebDriverWait(browser, 30).until(
        condition.element_to_be_clickable((By.CSS_SELECTOR, f'{row} button[name="run"]'))
    ).click()
    WebDriverWait(browser, 30).until(condition.presence_of_element_located((By.CSS_SELECTOR, f"{row} .wmf-running")))
    WebDriverWait(browser, 240, poll_frequency=1).until(
        lambda driver: (
            not driver.find_elements(By.CSS_SELECTOR, f"{row} .wmf-running")
            and CheckRun.objects.filter(report=report).exclude(status="running").count() > before
        )
    )
    return CheckRun.objects.filter(report=report).order_by("-started").first()


@pytest.fixture
def demo_fleet(transactional_db):
    """The test database starts as the demo fleet; a transactional test run before this one empties it: load the fleet
    again (and register the shipped scripts, emptied too). Returns the fleet's plan."""
    from dcim.models import Device

    from dev.fleet.load import load_fleet
    from dev.fleet.plan import plan_fleet
    from netbox_wmf_ops.registration import register_shipped_scripts

    plan = plan_fleet(0.05, 1)  # the test template's fleet
    ready = plan.defects["lifecycle.ready_to_provision"]
    if not Device.objects.filter(name__in=ready).exists():
        register_shipped_scripts()
        load_fleet(plan, log=lambda line: None)
    return plan
