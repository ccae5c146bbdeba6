import pytest

from netbox_wmf_ops.validation import CUSTOM_VALIDATORS


@pytest.fixture
def validators_enabled(settings):
    """The operator's one setting: NetBox's run_save_validators reads it through get_config(), which prefers
    Django settings (a CUSTOM_VALIDATORS in configuration.py) over the database configuration."""
    settings.CUSTOM_VALIDATORS = CUSTOM_VALIDATORS


@pytest.fixture
def superuser(db):
    from users.models import User

    return User.objects.create_user(username="validator-tester", password="Unused-Pass-1234", is_superuser=True)


@pytest.fixture
def api_headers(superuser):
    from users.models import Token

    token = Token(user=superuser, description="validator tests")
    token.full_clean()
    token.save()
    return {"HTTP_AUTHORIZATION": f"{token.get_auth_header_prefix()}{token.token}"}
