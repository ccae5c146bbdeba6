"""Settings of the PuppetDB client (the PuppetDB report and the interface import)."""

from typing import Any

from .validators import Setting, list_of_str, seconds, url_or_empty
from .validators import text as any_text

PUPPETDB_APIS = ("v4", "microservice")


def puppetdb_api(value: Any) -> str | None:
    return None if value in PUPPETDB_APIS else "must be 'v4' (PuppetDB's query API) or 'microservice'"


SETTINGS: dict[str, Setting] = {
    "puppetdb_url": Setting("", url_or_empty, "PuppetDB base URL (empty: PuppetDB features say so)."),
    "puppetdb_api": Setting("v4", puppetdb_api, "PuppetDB API: 'v4' query API or the /v1/facts service."),
    "puppetdb_ca_cert": Setting("", any_text, "CA bundle for PuppetDB's certificate (empty: system CAs)."),
    "puppetdb_client_cert": Setting("", any_text, "Client certificate (PEM) presented to PuppetDB."),
    "puppetdb_client_key": Setting("", any_text, "Private key of the client certificate, when separate."),
    "puppetdb_timeout": Setting(60, seconds, "PuppetDB read timeout, seconds."),
    "puppetdb_connect_timeout": Setting(5, seconds, "PuppetDB connect timeout, seconds."),
    "puppetdb_import_tenants": Setting(
        [], list_of_str, "Tenant slugs whose hosts the interface import accepts (the original refuses every tenant)."
    ),
}
