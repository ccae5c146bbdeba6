"""Builders for the operations-kit tests: users with object permissions and API tokens."""

from __future__ import annotations

from core.models import ObjectType
from users.models import ObjectPermission, Token, User

from tests.factories import unique


def user(*perms: tuple[str, str], constraints: dict | None = None, superuser: bool = False) -> User:
    """A user holding one ObjectPermission per (model label 'app.model', action), e.g. ('dcim.device', 'view')."""
    account = User.objects.create_user(username=unique("opsuser"), password="x" * 12, is_superuser=superuser)
    for label, action in perms:
        grant(account, [label], [action], constraints.get(label) if constraints else None)
    return account


def grant(account: User, labels: list[str], actions: list[str], constraints: dict | None = None) -> ObjectPermission:
    """One ObjectPermission giving ``account`` the ``actions`` on the models ``labels`` ('app.model')."""
    permission = ObjectPermission.objects.create(name=unique("perm"), actions=actions, constraints=constraints)
    types = [label.split(".") for label in labels]
    permission.object_types.set([ObjectType.objects.get(app_label=app, model=model) for app, model in types])
    permission.users.add(account)
    return permission


def token(account: User, write_enabled: bool = True) -> str:
    """A v1 token (the plaintext is known to the test) and the Authorization header value for it."""
    plaintext = (unique("tok") + "A" * 40)[:40]
    Token.objects.create(user=account, version=1, token=plaintext, write_enabled=write_enabled)
    return f"Token {plaintext}"
