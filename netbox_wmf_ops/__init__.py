"""netbox-wmf-ops: Wikimedia-style data-center operations tooling as a NetBox 4.7 plugin."""

from django.core.exceptions import ImproperlyConfigured
from netbox.plugins import PluginConfig

from .config_schema import default_settings, validate_settings

__version__ = "0.1.0"


class WmfOpsConfig(PluginConfig):
    name = "netbox_wmf_ops"
    verbose_name = "WMF Ops"
    description = "Data-quality reports, server automation, DNS snippets and exports for data-center operations"
    version = __version__
    author = "netbox-wmf-ops developers"
    base_url = "wmf-ops"
    min_version = "4.7.0"
    max_version = "4.7.99"
    default_settings = default_settings()
    middleware = ["netbox_wmf_ops.api_schema.ApiSchemaLoginRequiredMiddleware"]

    @classmethod
    def validate(cls, user_config, netbox_version):
        super().validate(user_config, netbox_version)
        errors = validate_settings(user_config)
        if errors:
            raise ImproperlyConfigured("netbox_wmf_ops configuration is invalid:\n  " + "\n  ".join(errors))

    def ready(self):
        super().ready()
        # Imported for their side effects: signal receivers and job registration.
        from . import jobs, policy, settings, signals  # noqa: F401
        from .quality.notify import register_event_types
        from .validation import register_validators_if_enabled

        policy.apply({name: settings.get(name) for name in policy.CONFIGURABLE})

        register_validators_if_enabled()
        register_event_types()


config = WmfOpsConfig
