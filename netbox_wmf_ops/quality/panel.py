"""The *Data quality* panel on an object's own page (template_content.py): the object's open findings, and for a
device those of its components and cables too. Two findings queries whatever the number of components (the counts,
the first rows): the scope and the object permissions are subqueries of them (docs/data-quality.md, "On the object's
page")."""

from __future__ import annotations

from dataclasses import dataclass, field

from dcim.models import (
    Cable,
    ConsolePort,
    ConsoleServerPort,
    Device,
    FrontPort,
    Interface,
    PowerOutlet,
    PowerPort,
    RearPort,
)
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q
from django.urls import reverse
from django.utils.http import urlencode

from ..models import Finding
from ..models.finding import acknowledgement_active_q

# The pages that show the panel (app_label.model, as PluginTemplateExtension.models names them).
PANEL_MODELS = (
    "dcim.device",
    "virtualization.virtualmachine",
    "dcim.interface",
    "dcim.cable",
    "ipam.ipaddress",
    "ipam.prefix",
    "ipam.vlan",
    "dcim.rack",
    "circuits.circuit",
)
# A device's own components whose findings its panel shows (with the cables attached to any of them).
DEVICE_COMPONENTS = (Interface, ConsolePort, ConsoleServerPort, PowerPort, PowerOutlet, FrontPort, RearPort)
PANEL_ROWS = 25  # the panel lists at most this many; the link leads to all of them
PANEL_FIELDS = (
    "pk", "report", "level", "message", "display", "first_seen", "object_type_id", "object_id", "acknowledged",
    "acknowledged_reason", "acknowledged_until", "acknowledged_by__username",
)  # fmt: skip


def _about(model: type[Model], scope: Q, user=None) -> Q:
    """Findings about the objects of `model` matching `scope`, only those `user` may view when a user is given (a
    subquery: no query of its own)."""
    objects = model.objects.restrict(user, "view") if user is not None else model.objects.all()
    return Q(object_type=ContentType.objects.get_for_model(model), object_id__in=objects.filter(scope).values("pk"))


def device_scope_q(device_ids, user=None) -> Q:
    """Findings about the devices `device_ids` (a list or a subquery of pks), their components and the cables attached
    to them; only those `user` may view when a user is given (one subquery per object type, no query of its own)."""
    scope = _about(Device, Q(pk__in=device_ids), user)
    for model in DEVICE_COMPONENTS:
        scope |= _about(model, Q(device__in=device_ids), user)
    return scope | _about(Cable, Q(terminations___device__in=device_ids), user)


def object_scope_q(obj: Model, user=None) -> Q:
    """Findings about `obj` (a device: with its components and cables)."""
    if isinstance(obj, Device):
        return device_scope_q([obj.pk], user)
    return _about(type(obj), Q(pk=obj.pk), user)


def findings_list_url(obj: Model) -> str:
    """The Findings list filtered to what the panel shows (open findings of the object, or of the device and its
    components)."""
    if isinstance(obj, Device):
        query = {"device_id": obj.pk, "status": "open"}
    else:
        query = {
            "object_type_id": ContentType.objects.get_for_model(obj).pk,
            "object_id": obj.pk,
            "status": "open",
        }
    return f"{reverse('plugins:netbox_wmf_ops:finding_list')}?{urlencode(query)}"


@dataclass
class PanelData:
    rows: list[Finding] = field(default_factory=list)  # the first PANEL_ROWS findings, failures first
    total: int = 0
    counted: int = 0  # open and not acknowledged: what alerts count
    acknowledged: int = 0
    on_components: int = 0  # of total, about a device's components or cables rather than the device itself
    url: str = ""


def panel_data(obj: Model, user) -> PanelData | None:
    """What the panel shows to `user` about `obj`, or None when the user may not view findings at all. Two queries
    (the counts, and the first PANEL_ROWS findings with only the columns the panel shows), plus the user's
    permissions, which NetBox caches per request."""
    if not user.has_perm("netbox_wmf_ops.view_finding"):
        return None
    own_type = ContentType.objects.get_for_model(obj)
    findings = Finding.objects.restrict(user, "view").open().filter(object_scope_q(obj, user))
    counts = findings.aggregate(
        total=Count("pk"),
        acknowledged=Count("pk", filter=acknowledgement_active_q()),
        on_components=Count("pk", filter=~Q(object_type=own_type, object_id=obj.pk)),
    )
    rows = list(
        findings.select_related("acknowledged_by")
        .only(*PANEL_FIELDS)
        .order_by("level", "report", "display", "pk")[:PANEL_ROWS]  # "failure" sorts before "warning"
    )
    return PanelData(
        rows=rows,
        total=counts["total"],
        counted=counts["total"] - counts["acknowledged"],
        acknowledged=counts["acknowledged"],
        on_components=counts["on_components"],
        url=findings_list_url(obj),
    )
