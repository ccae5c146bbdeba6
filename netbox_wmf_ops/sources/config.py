"""The HTTP options of the external-source clients, built from their settings (declared in
``config_schema.external_sources``) and NetBox's HTTP_PROXIES."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .http import HttpOptions


def pick_proxy(http_proxies: Any) -> dict[str, str] | None:
    """NetBox's HTTP_PROXIES: the https entry, else the http one, for both schemes; None (direct) when missing or
    malformed."""
    if not isinstance(http_proxies, Mapping):
        return None
    proxy = http_proxies.get("https") or http_proxies.get("http")
    if not isinstance(proxy, str) or "://" not in proxy:
        return None
    return {"https": proxy, "http": proxy}


def http_options(verify: bool | str = True, *, proxies: dict[str, str] | None = None) -> HttpOptions:
    """HttpOptions from the configured timeouts (reads settings: call at run time only)."""
    from netbox_wmf_ops import settings

    return HttpOptions(
        float(settings.get("external_connect_timeout")), float(settings.get("external_read_timeout")), verify, proxies
    )


def netbox_proxies() -> dict[str, str] | None:
    from django.conf import settings as django_settings

    return pick_proxy(getattr(django_settings, "HTTP_PROXIES", None))
