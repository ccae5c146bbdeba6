"""The object dropdowns of the shipped scripts' forms: NetBox fills each from the REST API with the field's
``query_params`` (Other → Scripts → <script>). A misspelt or retired filter name is silently ignored by the API, so
the dropdown would offer objects it should not; here each filter must be one the API knows (a nonsense value is
refused or finds nothing) and, on the demo fleet, find something."""

from __future__ import annotations

import importlib
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from extras.scripts import ObjectVar

from netbox_wmf_ops.registration import discover_shipped_modules
from tests.factories import users


def dropdown_fields() -> list[tuple[str, str, ObjectVar]]:
    fields = []
    for module in discover_shipped_modules():
        source = importlib.import_module(module.source)
        for class_name in module.class_names:
            for name, var in getattr(source, class_name)._get_vars().items():
                if isinstance(var, ObjectVar) and var.field_attrs.get("query_params"):
                    fields.append((f"{module.shim_name}.{class_name}.{name}", name, var))
    return fields


FIELDS = dropdown_fields()


def api_value(value) -> list[str]:
    """As the dropdown sends it: lists as repeated parameters, booleans in JSON spelling."""
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in values]


def test_the_shipped_scripts_have_filtered_dropdowns():
    assert len(FIELDS) >= 6, [f[0] for f in FIELDS]


@pytest.mark.django_db
@pytest.mark.parametrize(("where", "name", "var"), FIELDS, ids=[f[0] for f in FIELDS])
def test_each_dropdown_filter_is_known_to_the_api_and_finds_demo_objects(client, where, name, var):
    client.force_login(users.user(superuser=True))
    model = var.field_attrs["queryset"].model
    url = reverse(f"{model._meta.app_label}-api:{model._meta.model_name}-list")
    # "$field" values come from another field of the same form at run time.
    params = {k: api_value(v) for k, v in var.field_attrs["query_params"].items() if not str(v).startswith("$")}

    def count(query: dict) -> tuple[int, int | None]:
        response = client.get(f"{url}?{urlencode({'brief': 'true', 'limit': 1, **query}, doseq=True)}")
        return response.status_code, response.json().get("count") if response.status_code == 200 else None

    status, found = count(params)
    assert status == 200 and found, f"{where}: {params} finds nothing on the demo fleet"
    for key, value in params.items():
        if value in (["true"], ["false"]):
            # A boolean filter treats a nonsense value as unset; the opposite value must find other objects.
            flipped = ["false"] if value == ["true"] else ["true"]
            assert count({**params, key: flipped}) != (200, found), f"{where}: the API ignores the filter {key!r}"
            continue
        # A filter the API knows refuses a nonsense value (400) or matches nothing; an ignored one changes nothing.
        status, nonsense = count({**params, key: ["no-such-value-42"]})
        assert status == 400 or nonsense == 0, f"{where}: the API ignores the filter {key!r}"
