"""A DC-ops engineer provisions a racked server from the UI: Other → Scripts → "Provision a server's network
attributes", the form filled (as a link from a runbook would: the device, port and VLAN type in the URL), a dry run
first (the default), reading the plan on the result page, then the real run."""

import pytest
from dcim.models import Device, Interface
from extras.models import Script
from ipam.models import IPAddress
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as condition

from tests.e2e.conftest import wait_for_job_result
from tests.factories import rack_spaces as lb

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def run_from_form(browser, wait, url: str, commit: bool, expect: str) -> str:
    """Open the script form at ``url``, run it (ticking Commit when asked) and return the log once it shows
    ``expect`` (the result page fills the log in after the job completes)."""
    browser.get(url)
    run = wait.until(condition.element_to_be_clickable((By.NAME, "_run")))
    box = browser.find_element(By.ID, "id__commit")  # the checkbox (a hidden "_commit" input precedes it)
    if box.is_selected() != commit:
        browser.execute_script("arguments[0].click();", box)
    run.click()
    wait_for_job_result(browser, wait)
    wait.until(condition.text_to_be_present_in_element((By.ID, "object_list"), expect))
    return browser.find_element(By.ID, "object_list").text


@pytest.mark.django_db(transaction=True)
def test_provision_a_server_from_the_ui(netbox_server, rq_worker, browser, dcops_session):
    wait = dcops_session
    space = lb.rack_space()
    server = lb.server(space)

    script = Script.objects.get(module__file_path="wmf_ops_provision_server.py", name="ProvisionServerNetwork")
    form = (
        f"{netbox_server.url}/extras/scripts/{script.pk}/"
        f"?device={server.pk}&z_port=3&interface_type=10gbase-x-sfpp&vlan_type=private&cable_id=C4242"
    )

    # Dry run: the form's Commit box is off by default; the plan is on the page and nothing is written.
    browser.get(form)
    wait.until(condition.element_to_be_clickable((By.NAME, "_run")))
    assert not browser.find_element(By.ID, "id__commit").is_selected()
    assert server.name in browser.find_element(By.ID, "id_device").get_attribute("outerHTML")  # the pre-selected device
    address = f"{str(space.prefix4.prefix.network)[: -len('.0')]}.1/24"
    assigned = f"{server.name}: assigned IPv4 {address} to interface ##PRIMARY##"
    log = run_from_form(browser, wait, form, commit=False, expect=assigned)
    assert f"{server.name}: created cable" in log
    assert not Interface.objects.filter(device=server).exists() and not IPAddress.objects.filter(address=address)

    # The real run makes the same changes.
    run_from_form(browser, wait, form, commit=True, expect=assigned)
    server = Device.objects.get(pk=server.pk)
    assert str(server.primary_ip4.address) == address
    assert Interface.objects.get(device=server, name="##PRIMARY##").cable.label == "C4242"
    port = space.port("xe-0/0/3")
    assert (port.mode, port.untagged_vlan, port.enabled) == ("access", space.vlan, True)
