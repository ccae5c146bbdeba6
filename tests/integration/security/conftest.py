import pytest

from netbox_wmf_ops.proxy import runner
from tests.plugin_settings import override_plugin_settings

from .world import ALLOWED, build_world


@pytest.fixture(scope="session")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return build_world()


@pytest.fixture(scope="module", autouse=True)
def retired_workers():
    """The pooled worker threads: stopped, or the test database cannot be dropped."""
    yield
    runner.retire_workers()


@pytest.fixture
def plugin_settings(settings):
    return override_plugin_settings(settings, proxy_allowed_scripts=ALLOWED, proxy_timeout=20)
