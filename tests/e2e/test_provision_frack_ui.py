"""A DC-ops engineer provisions a fundraising (fr-tech) server of the demo fleet from the UI: Other → Scripts →
"Fundraising Server Provision for Dual-Switch Uplinks", the form filled from the URL, a dry run first (the default),
then the real run; then Other → Scripts → Network, which has nothing to say about the server or its two switches."""

import pytest
from dcim.models import Device, Interface
from extras.models import Script
from ipam.models import IPAddress
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition

from dev.fleet.plan import plan_fleet
from tests.e2e.conftest import wait_for_job_result
from tests.e2e.test_scripts_ui import run_from_form

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN = plan_fleet(0.05, 1)  # the test template's fleet
READY_FRACK = PLAN.defects["lifecycle.ready_to_provision_frack"]


def log_text(driver, expect: str) -> str | None:
    """The result page's log once it shows ``expect`` (None meanwhile: the page re-renders it while it polls)."""
    try:
        text = driver.find_element(By.ID, "object_list").text
    except (NoSuchElementException, StaleElementReferenceException):
        return None
    return text if expect in text else None


@pytest.mark.django_db(transaction=True)
def test_provision_a_demo_fr_tech_server_then_the_network_report_is_clean(
    demo_fleet, netbox_server, rq_worker, browser, dcops_session
):
    wait = dcops_session
    server = Device.objects.select_related("rack", "site").get(name=sorted(READY_FRACK)[0])
    site = server.site.slug
    switches = [f"fasw2-{server.rack.name.lower()}{letter}-{site}" for letter in "ab"]
    assert Device.objects.filter(name__in=switches, status="active", tenant=server.tenant).count() == 2

    script = Script.objects.get(
        module__file_path="wmf_ops_frtech_provision_server.py", name="ProvisionFundraisingServerNetwork"
    )
    form = (
        f"{netbox_server.url}/extras/scripts/{script.pk}/?device={server.pk}&z_port=4"
        "&interface_type=10gbase-x-sfpp&vlan_type=fundraising&cable_id_a=E2E-FR-A&cable_id_b=E2E-FR-B"
    )

    # Dry run: Commit is off by default; the planned changes are on the page and nothing is written.
    browser.get(form)
    wait.until(condition.element_to_be_clickable((By.NAME, "_run")))
    assert not browser.find_element(By.ID, "id__commit").is_selected()
    assert server.name in browser.find_element(By.ID, "id_device").get_attribute("outerHTML")
    expect = f"{server.name}: created interface PRIMARY_B (mgmt=False)"
    log = run_from_form(browser, wait, form, commit=False, expect=expect)
    assert f"{server.name}: set primary IP to " in log
    for switch in switches:
        assert f"on {switch} xe-0/0/4 to frack-fundraising1-c-{site}" in log
    assert not Interface.objects.filter(device=server).exists()
    assert not IPAddress.objects.filter(dns_name=f"{server.name}.frack.{site}.wmnet").exists()

    # The real run makes the same changes.
    run_from_form(browser, wait, form, commit=True, expect=expect)
    server = Device.objects.get(pk=server.pk)
    assert server.primary_ip4.dns_name == f"{server.name}.frack.{site}.wmnet"
    assert server.oob_ip.dns_name == f"{server.name}.mgmt.frack.{site}.wmnet"
    for letter, switch in zip("AB", switches, strict=True):
        member = Interface.objects.get(device=server, name=f"PRIMARY_{letter}")
        assert member.cable.label == f"E2E-FR-{letter}"
        assert member.link_peers[0].device.name == switch

    # Other → Scripts → Network: run it; its log names neither the server nor its switches.
    network = Script.objects.get(module__file_path="wmf_ops_network.py", name="Network")
    browser.get(f"{netbox_server.url}/extras/scripts/{network.pk}/")
    wait.until(condition.element_to_be_clickable((By.NAME, "_run"))).click()
    wait_for_job_result(browser, wait)
    report = wait.until(lambda driver: log_text(driver, "correct mgmt DNS names"))
    for name in (server.name, *switches):
        assert name not in report, f"the Network report flags {name}"
