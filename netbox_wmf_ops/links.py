"""The shipped custom links (Grafana, Icinga, Debmonitor, procurement ticket, hardware warranty) and their install.

The link definitions are plain data (``shipped_links(urls)``): Jinja2 templates, rendered by NetBox's own sandboxed
environment (``CustomLink.render``), with the configured base URLs written into the template text when the links are
installed. A link whose text renders empty is hidden by NetBox, which is how the conditional links work.

``install_custom_links()`` creates or updates them (idempotent: an unchanged link is not saved again) and deletes
links of ours the plugin no longer ships. It runs after every ``netbox migrate`` and from
``netbox wmf_ops_install_links``; run it again after changing the base URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .config_schema.custom_links import DEFAULT_URLS
from .outcomes import Outcomes

LINK_PREFIX = "wmf-ops-"
PHYSICAL_AND_VIRTUAL = ("dcim.device", "virtualization.virtualmachine")


# Manufacturer slugs whose warranty page we know, and that page for a serial number (service tag).
DELL_SLUGS = ("dell", "dell-inc", "dell-emc")
HPE_SLUGS = ("hp", "hpe", "hewlett-packard", "hewlett-packard-enterprise")
DELL_WARRANTY_URL = (
    "https://www.dell.com/support/home/en-us/product-support/servicetag/{{ object.serial|urlencode }}/overview"
)
HPE_WARRANTY_URL = (
    "https://support.hpe.com/hpsc/wc/public/find?rows[0].item.serialNumber={{ object.serial|urlencode }}"
    "&submitButton=Submit"
)

# The procurement ticket custom field holds "T123456" (Phabricator) or "RT #1234" (the old RT).
_TICKET = "{% set t = ((object.cf or {}).get('ticket') or '')|string|trim %}"
_IS_PHAB = "(t[:1] == 'T' and t[1:].isdigit())"
_IS_RT = "(t[:4] == 'RT #' and t[4:].isdigit())"
_MANUFACTURER = "{% set m = object.device_type.manufacturer.slug %}"
_NAME = "{{ object.name|urlencode }}"  # Grafana and Icinga know hosts by their bare name
# Debmonitor knows hosts by FQDN: the primary IP's DNS name when there is one, else the bare name.
_FQDN = "{% set fqdn = (object.primary_ip.dns_name if object.primary_ip else '') or object.name %}"


@dataclass(frozen=True)
class LinkSpec:
    name: str
    link_text: str
    link_url: str
    object_types: tuple[str, ...]
    weight: int
    button_class: str = "default"
    group_name: str = ""
    new_window: bool = True


def _base(urls: Mapping[str, str], key: str) -> str:
    url = urls.get(key) or DEFAULT_URLS[key]
    if "{" in url or "}" in url:
        raise ValueError(f"{key} must be a plain URL, got {url!r}")
    return url.rstrip("/")


def _host_link(slug: str, text: str, url: str, weight: int, button_class: str) -> LinkSpec:
    """A link to a monitoring tool's page of a host, on devices and VMs; shown when the object has a name."""
    return LinkSpec(
        name=f"{LINK_PREFIX}{slug}",
        link_text=f"{{% if object.name %}}{text}{{% endif %}}",
        link_url=url,
        object_types=PHYSICAL_AND_VIRTUAL,
        weight=weight,
        button_class=button_class,
    )


def shipped_links(urls: Mapping[str, str] | None = None) -> list[LinkSpec]:
    """The links the plugin ships, with the base URLs from ``urls`` (missing keys take ``DEFAULT_URLS``)."""
    urls = urls or {}
    grafana, icinga, debmonitor = (_base(urls, k) for k in ("grafana_url", "icinga_url", "debmonitor_url"))
    phabricator, rt = _base(urls, "phabricator_url"), _base(urls, "rt_url")
    return [
        _host_link("grafana", "Grafana", f"{grafana}/d/000000377/host-overview?var-server={_NAME}", 100, "orange"),
        _host_link("icinga", "Icinga", f"{icinga}/cgi-bin/icinga/status.cgi?host={_NAME}", 110, "green"),
        _host_link("debmonitor", "Debmonitor", f"{_FQDN}{debmonitor}/hosts/{{{{ fqdn|urlencode }}}}", 120, "blue"),
        LinkSpec(
            name=f"{LINK_PREFIX}procurement-ticket",
            link_text=f"{_TICKET}{{% if {_IS_PHAB} or {_IS_RT} %}}Procurement Ticket{{% endif %}}",
            link_url=(
                f"{_TICKET}{{% if {_IS_PHAB} %}}{phabricator}/{{{{ t }}}}"
                f"{{% elif {_IS_RT} %}}{rt}/Ticket/Display.html?id={{{{ t[4:] }}}}{{% endif %}}"
            ),
            object_types=("dcim.device",),
            weight=200,
            button_class="purple",
        ),
        LinkSpec(
            name=f"{LINK_PREFIX}hardware-config",
            link_text=(
                f"{_MANUFACTURER}{{% if object.serial and m in {DELL_SLUGS + HPE_SLUGS!r} %}}"
                "Hardware config{% endif %}"
            ),
            link_url=(
                f"{_MANUFACTURER}{{% if m in {DELL_SLUGS!r} %}}{DELL_WARRANTY_URL}"
                f"{{% elif m in {HPE_SLUGS!r} %}}{HPE_WARRANTY_URL}{{% endif %}}"
            ),
            object_types=("dcim.device",),
            weight=210,
            button_class="gray",
        ),
    ]


@dataclass
class InstallResult(Outcomes):
    subject = "custom links"

    created: list[str]
    updated: list[str]
    unchanged: list[str]
    deleted: list[str]


def configured_urls() -> dict[str, str]:
    """The base URLs from PLUGINS_CONFIG (keys missing from the configuration take their defaults)."""
    from . import settings

    return {key: settings.get(key) or default for key, default in DEFAULT_URLS.items()}


def install_custom_links(urls: Mapping[str, str] | None = None) -> InstallResult:
    """Create or update the shipped custom links and delete ours that are no longer shipped. Idempotent."""
    from core.models import ObjectType
    from django.db import transaction
    from extras.models import CustomLink

    specs = shipped_links(configured_urls() if urls is None else urls)
    result = InstallResult([], [], [], [])
    labels = {label for spec in specs for label in spec.object_types}
    object_types = {
        f"{ot.app_label}.{ot.model}": ot
        for ot in ObjectType.objects.filter(
            app_label__in={label.split(".")[0] for label in labels}, model__in={label.split(".")[1] for label in labels}
        )
    }
    with transaction.atomic():
        existing = {link.name: link for link in CustomLink.objects.filter(name__startswith=LINK_PREFIX)}
        for spec in specs:
            fields = {
                "link_text": spec.link_text,
                "link_url": spec.link_url,
                "weight": spec.weight,
                "button_class": spec.button_class,
                "group_name": spec.group_name,
                "new_window": spec.new_window,
            }
            wanted_types = {object_types[label].pk for label in spec.object_types}
            link = existing.pop(spec.name, None)
            if link is None:
                link = CustomLink(name=spec.name, enabled=True, **fields)  # `enabled` is then the operator's choice
                result.created.append(spec.name)
            elif any(getattr(link, k) != v for k, v in fields.items()) or wanted_types != set(
                link.object_types.values_list("pk", flat=True)
            ):
                for key, value in fields.items():
                    setattr(link, key, value)
                result.updated.append(spec.name)
            else:
                result.unchanged.append(spec.name)
                continue
            link.full_clean()
            link.save()
            link.object_types.set(wanted_types)
        for name, link in sorted(existing.items()):
            link.delete()
            result.deleted.append(name)
    return result
