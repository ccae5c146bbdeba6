"""Revert (docs/behaviour-reference.md §2.10): undo a request's deletions (with the original primary keys, so references
hold again), undo a creation by change ID, skip updates, and refuse bad input or a partial revert."""

import uuid

import pytest
from core.models import ObjectChange
from dcim.models import Device, Interface
from django.test import RequestFactory
from ipam.models import IPAddress
from netbox.context_managers import event_tracking

from tests.factories import racked_servers as f
from tests.factories import reports as factories_reports
from tests.script_runs import REVERTED_ON_ERROR

pytestmark = pytest.mark.django_db


def as_request(user):
    """A change-logged context, as a UI or API request gives; returns its request ID."""
    request = RequestFactory().get("/")
    request.id, request.user = uuid.uuid4(), user
    return request


def test_reverts_the_deletion_of_an_interface_with_its_addresses(run_script, admin_user):
    host = f.racked_server()
    spare_ip = factories_reports.ip("100.126.0.5/24", assigned=host.spare, dns_name="spare.eqiad.wmnet")
    Interface.objects.filter(pk=host.spare.pk).update(enabled=False, description="kept for later")
    request = as_request(admin_user)
    with event_tracking(request):
        Interface.objects.get(pk=host.spare.pk).delete()  # its IP goes with it (generic relation)
    assert not IPAddress.objects.filter(pk=spare_ip.pk).exists()
    assert ObjectChange.objects.filter(request_id=request.id, action="delete").count() == 2

    dry = run_script("revert", "Revert", {"request_or_change_id": str(request.id)}, commit=False)
    assert dry.log[-2:] == [
        ("success", "2 changes reverted"),
        ("info", "Database changes have been reverted automatically."),
    ]
    assert not Interface.objects.filter(pk=host.spare.pk).exists()

    run = run_script("revert", "Revert", {"request_or_change_id": str(request.id)}, commit=True)
    assert run.job.status == "completed"
    assert run.messages("failure") == []
    assert [m for m in run.messages("success") if m.startswith("Object re-created to revert: ")] and len(
        run.messages("success")
    ) == 3
    assert run.log[-1] == ("success", "2 changes reverted")
    iface = Interface.objects.get(pk=host.spare.pk)
    assert (iface.device, iface.name, iface.enabled, iface.description) == (
        host.device,
        "eno2",
        False,
        "kept for later",
    )
    ip = IPAddress.objects.get(pk=spare_ip.pk)
    assert (str(ip.address), ip.dns_name, ip.assigned_object) == ("100.126.0.5/24", "spare.eqiad.wmnet", iface)
    assert run.output is None


def test_reverts_a_creation_and_skips_updates(run_script, admin_user):
    host = f.racked_server()
    request = as_request(admin_user)
    with event_tracking(request):
        new = factories_reports.interface(host.device, "eno3")
        host.device.snapshot()
        host.device.description = "edited"
        host.device.save()
    changes = ObjectChange.objects.filter(request_id=request.id).order_by("pk")
    ids = ",".join(str(c.pk) for c in changes)

    run = run_script("revert", "Revert", {"request_or_change_id": ids}, commit=True)
    assert run.job.status == "completed"
    assert not Interface.objects.filter(pk=new.pk).exists()
    assert run.log == [
        ("success", "Object deleted to revert change"),
        ("warning", "Revert of update actions not supported"),
        ("success", "1 changes reverted"),
    ]
    assert Device.objects.get(pk=host.device.pk).description == "edited"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "No request ID or change ID given"),
        ("12,x", "x is not a valid change ID"),
        ("not-a-uuid", "not-a-uuid is not a valid request ID"),
        ("999999999", "No changes found while filtering with {'id__in': [999999999]}"),
    ],
)
def test_refused_input(run_script, text, message):
    run = run_script("revert", "Revert", {"request_or_change_id": text}, commit=True)
    assert run.job.status == "errored"
    assert run.messages("failure") == [f"Script aborted with error: {message}"]


def test_a_change_that_cannot_be_reverted_rolls_back_all_of_them(run_script, admin_user):
    host = f.racked_server()
    request = as_request(admin_user)
    with event_tracking(request):
        Interface.objects.get(pk=host.spare.pk).delete()
        created = factories_reports.interface(host.device, "eno9")
    # Someone re-created eno2 by hand with its old primary key since: that deletion cannot be undone.
    Interface.objects.create(pk=host.spare.pk, device=host.device, name="eno2", type="10gbase-x-sfpp")

    run = run_script("revert", "Revert", {"request_or_change_id": str(request.id)}, commit=True)
    assert run.job.status == "errored"
    failures = run.messages("failure")
    assert failures[0] == (
        f"Couldn't re-create object to revert change (error: interface {host.spare.pk} exists already)"
    )
    assert failures[1] == "Script aborted with error: 1 of 2 changes could not be reverted; nothing was changed"
    assert run.log[-1] == ("info", REVERTED_ON_ERROR)
    assert Interface.objects.filter(pk=created.pk).exists()  # the creation's revert was rolled back too
