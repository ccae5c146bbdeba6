"""Base URLs of the shipped custom links (``netbox_wmf_ops.links`` builds the links from them)."""

from .validators import Setting, base_url

DEFAULT_URLS: dict[str, str] = {
    "grafana_url": "https://grafana.wikimedia.org",
    "icinga_url": "https://icinga.wikimedia.org",
    "debmonitor_url": "https://debmonitor.wikimedia.org",
    "phabricator_url": "https://phabricator.wikimedia.org",
    "rt_url": "https://rt.wikimedia.org",
}

SETTINGS: dict[str, Setting] = {
    name: Setting(url, base_url, f"Base URL used by the shipped custom links ({name}).")
    for name, url in DEFAULT_URLS.items()
}
