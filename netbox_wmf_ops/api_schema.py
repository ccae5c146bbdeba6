"""Keep the REST API schema and its documentation pages for logged-in users and tokens (docs/deployment.md).

NetBox 4.7.3 serves ``/api/schema/``, ``/api/schema/swagger-ui/`` and ``/api/schema/redoc/`` with drf-spectacular's
default ``AllowAny`` permission whatever ``LOGIN_REQUIRED`` says, and caches the schema for a day with
``cache_page`` in front of the view, so even a permission on the view would let an anonymous request read the copy
cached for a logged-in one. This middleware runs before that cache: with ``LOGIN_REQUIRED`` (NetBox's default) and
the ``api_schema_login_required`` setting (the default), an anonymous request to those paths gets a 403 (the schema)
or the login page (the two HTML viewers); a session or a valid API token passes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings as django_settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from netbox_wmf_ops import settings

REFUSED = "Authentication credentials were not provided."


def schema_login_required() -> bool:
    return bool(django_settings.LOGIN_REQUIRED and settings.get("api_schema_login_required"))


def token_user(request: HttpRequest):
    """The user of the request's API token (NetBox's own token checks: expiry, allowed IPs), or None."""
    from netbox.api.authentication import TokenAuthentication

    try:
        found = TokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return None
    return found[0] if found else None


class ApiSchemaLoginRequiredMiddleware:
    """Refuse anonymous requests to the API schema and its Swagger UI / ReDoc pages (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._paths: tuple[str, tuple[str, str]] | None = None

    def paths(self) -> tuple[str, tuple[str, str]]:
        if self._paths is None:  # reversed at the first request: the URLconf is not loaded when this is built
            self._paths = (reverse("schema"), (reverse("api_docs"), reverse("api_redocs")))
        return self._paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        schema, viewers = self.paths()
        if request.path.startswith(schema) and schema_login_required():
            user = getattr(request, "user", None)
            if not (user is not None and user.is_authenticated) and token_user(request) is None:
                if request.path.startswith(viewers):
                    return redirect_to_login(request.get_full_path())
                return JsonResponse({"detail": REFUSED}, status=403)
        return self.get_response(request)
