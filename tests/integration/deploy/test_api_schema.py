"""The API schema and its documentation pages are for logged-in users and API tokens only (docs/deployment.md,
"API schema and docs"). The 200s need the schema to build with the plugin installed (its generation must not fail)."""

import pytest
from django.core.cache import cache

from tests.factories import users as factories_ops

pytestmark = pytest.mark.django_db

SCHEMA, SWAGGER, REDOC = "/api/schema/", "/api/schema/swagger-ui/", "/api/schema/redoc/"
JSON = {"HTTP_ACCEPT": "application/json"}  # one representation, so the tests share one cached schema


@pytest.fixture(autouse=True, scope="module")
def empty_cache():
    # NetBox caches the schema for a day: the module starts and ends without a cached copy, and its tests share the
    # one the first 200 leaves (building the schema takes seconds).
    cache.clear()
    yield
    cache.clear()


def test_anonymous_requests_are_refused(client):
    response = client.get(SCHEMA)
    assert response.status_code == 403
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    for page in (SWAGGER, REDOC):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith(f"/login/?next={page}")


def test_a_logged_in_user_gets_the_schema_and_both_viewers(client):
    client.force_login(factories_ops.user())
    schema = client.get(SCHEMA, **JSON)
    assert schema.status_code == 200, schema.content[:500]
    assert "/api/plugins/wmf-ops/" in str(schema.json()["paths"].keys())
    for page in (SWAGGER, REDOC):
        response = client.get(page)
        assert response.status_code == 200 and SCHEMA.encode() in response.content


def test_a_token_gets_the_schema_and_a_bad_token_does_not(client):
    header = factories_ops.token(factories_ops.user(), write_enabled=False)
    assert client.get(SCHEMA, HTTP_AUTHORIZATION=header, **JSON).status_code == 200
    assert client.get(SWAGGER, HTTP_AUTHORIZATION=header).status_code == 200
    assert client.get(SCHEMA, HTTP_AUTHORIZATION="Token " + "0" * 40, **JSON).status_code == 403


def test_the_copy_cached_for_a_user_is_not_served_to_anonymous_requests(client):
    header = factories_ops.token(factories_ops.user(), write_enabled=False)
    assert client.get(SCHEMA, HTTP_AUTHORIZATION=header, **JSON).status_code == 200  # cached by NetBox's cache_page
    assert client.get(SCHEMA, **JSON).status_code == 403


def test_the_setting_turned_off_leaves_the_schema_public(client, settings):
    settings.PLUGINS_CONFIG = {
        **settings.PLUGINS_CONFIG,
        "netbox_wmf_ops": {**settings.PLUGINS_CONFIG["netbox_wmf_ops"], "api_schema_login_required": False},
    }
    assert client.get(REDOC).status_code == 200
