"""A DC-ops engineer's path through Data quality: Checks → run Network → its findings → one site → CSV export → fix
the device on its edit page → run again → the finding is resolved and counted in the run detail."""

import pytest
from dcim.models import Interface
from ipam.models import IPAddress
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition

from netbox_wmf_ops.models import Finding
from tests import factories
from tests.e2e.conftest import run_on_checks_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
NETWORK = "wmf_ops_network.Network"
ROW = f'tr[data-report="{NETWORK}"]'


@pytest.mark.django_db(transaction=True)
def test_data_quality_run_filter_export_fix_and_rerun(netbox_server, rq_worker, browser, dcops_session):
    wait = dcops_session
    site = factories.site()
    device = factories.device("e2edq-wrong", role_slug="asw", site_obj=site)
    mgmt = Interface.objects.create(device=device, name="mgmt", type="1000base-t", mgmt_only=True)
    IPAddress.objects.create(
        address="10.250.3.7/24", dns_name=f"e2edq-right.mgmt.{site.slug}.wmnet", assigned_object=mgmt
    )

    # Data quality → Checks
    browser.get(f"{netbox_server.url}/")
    assert "/plugins/wmf-ops/checks/" in browser.page_source and "Data quality" in browser.page_source
    first = run_on_checks_page(browser, netbox_server, NETWORK)
    assert first.status == "completed" and first.failures > 0
    row = browser.find_element(By.CSS_SELECTOR, ROW)
    assert row.find_element(By.CSS_SELECTOR, ".wmf-failures").text == str(
        Finding.objects.filter(report=NETWORK, resolved__isnull=True, level="failure").count()
    )

    # Its findings (followed by its link: the "run enqueued" toast may cover the cell), then one site.
    browser.get(row.find_element(By.CSS_SELECTOR, ".wmf-failures").get_attribute("href"))
    wait.until(condition.url_contains("/plugins/wmf-ops/findings/"))
    wait.until(condition.presence_of_element_located((By.ID, "object_list")))
    browser.get(f"{browser.current_url}&site_id={site.pk}")
    listing = wait.until(condition.presence_of_element_located((By.ID, "object_list"))).text
    assert "e2edq-wrong" in listing and "network.mgmt_dns_mismatch" in listing
    finding = Finding.objects.get(report=NETWORK, object_id=device.pk, rule="network.mgmt_dns_mismatch")
    assert finding.message in listing

    # NetBox's standard CSV export of the current view.
    csv = browser.execute_async_script(
        "fetch(arguments[0]).then(r => r.text()).then(arguments[1])", f"{browser.current_url}&export=table"
    )
    lines = csv.strip().splitlines()
    assert len(lines) == 1 + Finding.objects.filter(report=NETWORK, site=site, level="failure").count()
    assert "e2edq-wrong" in csv and finding.message in csv

    # Fix the defect on the device's edit page: its name is what the mgmt DNS name says.
    browser.get(f"{netbox_server.url}/dcim/devices/{device.pk}/edit/")
    name = wait.until(condition.presence_of_element_located((By.NAME, "name")))
    name.clear()
    name.send_keys("e2edq-right")
    browser.find_element(By.CSS_SELECTOR, 'button[name="_update"], form button[type="submit"].btn-primary').click()
    wait.until(condition.url_to_be(f"{netbox_server.url}/dcim/devices/{device.pk}/"))

    # Run again: the finding is resolved and the run detail counts it.
    second = run_on_checks_page(browser, netbox_server, NETWORK)
    finding.refresh_from_db()
    assert finding.resolved is not None and finding.resolved_by_id == second.pk
    assert second.resolved_findings >= 1
    browser.get(
        browser.find_element(By.CSS_SELECTOR, f"{ROW} a[href='{second.get_absolute_url()}']").get_attribute("href")
    )
    wait.until(condition.url_contains(second.get_absolute_url()))
    assert browser.find_element(By.ID, "run-resolved").text == str(second.resolved_findings)
    assert "e2edq-wrong" in browser.find_element(By.ID, "run-resolved-findings").text
