"""AddSecondaryIPs (docs/behaviour-reference.md §2.8): addresses from the primary prefix on the primary interface, named
after the host; every input the original crashed on is refused with nothing written."""

import pytest
from ipam.models import IPAddress, Prefix

from tests.factories import racked_servers as f

pytestmark = pytest.mark.django_db

SUCCESS_LAST = "Additional IPs added, please run sre.dns.netbox cookbook to update DNS records"


def base(host: f.RackedServer) -> str:
    return str(host.ip4.address).rsplit(".", 1)[0]


def test_assigns_named_addresses_and_continues_the_letters(run_script):
    host = f.racked_server()
    name, net = host.device.name, base(host)

    run = run_script("add_secondary_ips", "AddSecondaryIPs", {"device": host.device, "additional_ips": "2"}, True)
    assert run.job.status == "completed"
    assert run.log[0] == (
        "info",
        f"Called with parameters: {{'device': <Device: {host.device}>, 'additional_ips': '2'}}",
    )
    assert run.log[1:] == [
        (
            "success",
            f"{name}: assigned additional address {net}.1/24 to interface eno1 with DNS name '{name}-a.eqiad.wmnet'",
        ),
        (
            "success",
            f"{name}: assigned additional address {net}.2/24 to interface eno1 with DNS name '{name}-b.eqiad.wmnet'",
        ),
        ("success", SUCCESS_LAST),
    ]
    assert run.output.splitlines()[-1] == f"[success] {SUCCESS_LAST}"
    added = IPAddress.objects.filter(dns_name__in=[f"{name}-a.eqiad.wmnet", f"{name}-b.eqiad.wmnet"])
    assert {(str(a.address), a.status, a.assigned_object, a.vrf, a.tenant) for a in added} == {
        (f"{net}.1/24", "active", host.primary, None, None),
        (f"{net}.2/24", "active", host.primary, None, None),
    }

    again = run_script("add_secondary_ips", "AddSecondaryIPs", {"device": host.device, "additional_ips": "1"}, True)
    assert again.messages("success")[0].endswith(
        f"address {net}.3/24 to interface eno1 with DNS name '{name}-c.eqiad.wmnet'"
    )


def test_dry_run_creates_nothing(run_script):
    host = f.racked_server()
    before = IPAddress.objects.count()
    run = run_script("add_secondary_ips", "AddSecondaryIPs", {"device": host.device, "additional_ips": "3"}, False)
    assert len(run.messages("success")) == 4
    assert run.log[-1] == ("info", "Database changes have been reverted automatically.")
    assert IPAddress.objects.count() == before


def refuse(run_script, device, message, count="1"):
    before = sorted(IPAddress.objects.values_list("pk", "dns_name"))
    run = run_script("add_secondary_ips", "AddSecondaryIPs", {"device": device, "additional_ips": count}, True)
    assert run.job.status == "errored"
    assert run.messages("failure") == [f"Script aborted with error: {message}"]
    assert run.messages("success") == []
    assert sorted(IPAddress.objects.values_list("pk", "dns_name")) == before


def test_refuses_a_non_server(run_script):
    host = f.racked_server()
    refuse(run_script, host.switch, f"{host.switch.name} is not a server (role asw)")


def test_refuses_a_server_without_primary_ipv4(run_script):
    host = f.racked_server()
    host.device.primary_ip4 = None
    host.device.save()
    refuse(run_script, host.device, f"{host.device.name} has no primary IPv4 address")


def test_refuses_an_unassigned_primary(run_script):
    host = f.racked_server()
    IPAddress.objects.filter(pk=host.ip4.pk).update(assigned_object_id=None, assigned_object_type=None)
    refuse(
        run_script,
        host.device,
        f"Primary IPv4 address {host.ip4.address} of {host.device.name} is not assigned to one of its interfaces",
    )


def test_refuses_a_missing_or_duplicate_prefix(run_script):
    host = f.racked_server()
    network = host.prefix4.prefix
    Prefix.objects.create(prefix=network, status="active")
    refuse(run_script, host.device, f"2 prefixes {network} found for {host.ip4.address}")
    Prefix.objects.filter(prefix=network).delete()
    refuse(run_script, host.device, f"No prefixes {network} found for {host.ip4.address}")


def test_refuses_a_dns_name_that_does_not_name_the_host(run_script):
    host = f.racked_server()
    IPAddress.objects.filter(pk=host.ip4.pk).update(dns_name="")
    refuse(run_script, host.device, f"DNS name '' of {host.ip4.address} does not start with '{host.device.name}.'")


def test_refuses_a_full_prefix_and_an_invalid_count(run_script):
    host = f.racked_server()
    net = base(host)
    IPAddress.objects.bulk_create(
        [IPAddress(address=f"{net}.{i}/24", status="reserved") for i in range(1, 255) if i not in (10, 200, 250, 254)]
    )
    refuse(run_script, host.device, f"Prefix {host.prefix4.prefix}: Only 1 addresses available, 2 needed", "2")
    refuse(run_script, host.device, "Invalid number of additional IPs: 7 (1 to 5)", "7")
