"""The *Data quality* panel on an object's own page (template_content.py): the object's open findings, and for a
device those of its components and cables too. One findings query whatever the number of components: the scope and
the object permissions are subqueries of it (docs/data-quality.md, "On the object's page")."""

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
from django.db.models import Model, Q
from django.urls import reverse
from django.utils.http import urlencode

from ..models import Finding

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
PANEL_ROWS = 50  # the panel lists at most this many; the link leads to all of them


def _about(model: type[Model], pks, user=None) -> Q:
    """Findings about objects of `model` among `pks` (a queryset of pks is a subquery), restricted to those `user`
    may view when a user is given."""
    if user is not None:
        pks = model.objects.restrict(user, "view").filter(pk__in=pks).values("pk")
    return Q(object_type=ContentType.objects.get_for_model(model), object_id__in=pks)


def device_scope_q(device_ids, user=None) -> Q:
    """Findings about the devices `device_ids` (a list or a subquery of pks), their components and the cables attached
    to them; only those `user` may view when a user is given (one subquery per object type, no query of its own)."""
    scope = _about(Device, device_ids, user)
    for model in DEVICE_COMPONENTS:
        scope |= _about(model, model.objects.filter(device__in=device_ids).values("pk"), user)
    cables = Cable.objects.filter(terminations___device__in=device_ids).values("pk")
    return scope | _about(Cable, cables, user)


def object_scope_q(obj: Model, user=None) -> Q:
    """Findings about `obj` (a device: with its components and cables)."""
    if isinstance(obj, Device):
        return device_scope_q([obj.pk], user)
    return _about(type(obj), [obj.pk], user)


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
    """What the panel shows to `user` about `obj`, or None when the user may not view findings at all. One query
    (plus the user's permissions, which NetBox caches per request)."""
    if not user.has_perm("netbox_wmf_ops.view_finding"):
        return None
    own_type = ContentType.objects.get_for_model(obj)
    findings = list(
        Finding.objects.restrict(user, "view")
        .open()
        .filter(object_scope_q(obj, user))
        .select_related("acknowledged_by")
        .order_by("level", "report", "display", "pk")  # "failure" sorts before "warning"
    )
    acknowledged = sum(1 for finding in findings if finding.is_acknowledged())
    return PanelData(
        rows=findings[:PANEL_ROWS],
        total=len(findings),
        counted=len(findings) - acknowledged,
        acknowledged=acknowledged,
        on_components=sum(1 for f in findings if not (f.object_type_id == own_type.pk and f.object_id == obj.pk)),
        url=findings_list_url(obj),
    )
