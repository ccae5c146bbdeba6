"""Template extensions: the *Data quality* panel on the pages of the objects reports find problems with."""

from __future__ import annotations

from django.urls import reverse
from netbox.plugins import PluginTemplateExtension

from .quality.panel import PANEL_MODELS, panel_data


class DataQualityPanel(PluginTemplateExtension):
    """The object's open findings (a device's: with its components' and cables'), for users who may view findings."""

    models = list(PANEL_MODELS)

    def full_width_page(self) -> str:
        obj = self.context["object"]
        data = panel_data(obj, self.context["request"].user)
        if data is None:
            return ""
        user = self.context["request"].user
        return self.render(
            "netbox_wmf_ops/quality/panel.html",
            extra_context={
                "panel": data,
                "is_device": obj._meta.model_name == "device",
                "can_acknowledge": user.has_perm("netbox_wmf_ops.acknowledge_finding"),
                "findings_url": reverse("plugins:netbox_wmf_ops:finding_list"),
            },
        )


template_extensions = [DataQualityPanel]
