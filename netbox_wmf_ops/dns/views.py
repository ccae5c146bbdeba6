"""Read-only export of the DNS snippets repository over HTTP(S), served by git's own CGI (``git http-backend``, see
``http_backend.py``) behind NetBox's authentication.

DNS servers and CI clone and fetch it with git's smart protocol (shallow clones too), e.g.::

    git -c http.extraHeader="Authorization: Bearer nbt_<key>.<token>" \
        clone https://netbox.example.org/plugins/wmf-ops/dns/repo.git

or with a NetBox username/password (HTTP Basic; git prompts for them). The user needs the permission named by the
``dns_export_permission`` setting (default ``ipam.view_ipaddress``: whoever may read every address may read their DNS
names) **without constraints**: the repository holds every published name, so a permission limited to some objects
(one prefix, one tenant) is not enough (``holds_unconstrained``). Only upload-pack (clone, fetch) and the files of
git's dumb protocol (``HEAD``, ``info/refs``, ``objects/info/packs``, loose objects and packs) are reachable: every
path is matched against a strict pattern first (anything else is a 404), and a push (receive-pack) is a 403.
"""

from __future__ import annotations

import re
from pathlib import Path

import git
from django.http import Http404, HttpResponse, StreamingHttpResponse
from netbox.api.authentication import TokenAuthentication
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from .. import settings as plugin_settings
from ..permissions import holds_unconstrained
from .http_backend import BackendFailedError, CgiRequest, RequestTooLargeError, run_backend, spool_body

# What GET may read: the dumb protocol's files and the smart protocol's ref advertisement (info/refs?service=...).
READABLE = re.compile(
    r"HEAD|info/refs|objects/info/packs|objects/[0-9a-f]{2}/[0-9a-f]{38}|objects/pack/pack-[0-9a-f]{40}\.(pack|idx)"
)
UPLOAD_PACK = "git-upload-pack"  # the one service: clone and fetch
RECEIVE_PACK = "git-receive-pack"  # a push: refused


class CanReadDnsRepository(BasePermission):
    def has_permission(self, request, view):
        return holds_unconstrained(request.user, plugin_settings.get("dns_export_permission"))


class GitClientNegotiation(BaseContentNegotiation):
    """git asks for ``Accept: application/x-git-upload-pack-result``, which no DRF renderer offers: http-backend
    answers in git's formats, and the view's own refusals (401, 403, 404) in the first renderer's (JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DnsRepositoryView(APIView):
    """git's smart HTTP protocol (upload-pack only) and its dumb-protocol files, from the configured DNS repository."""

    # Basic first: its WWW-Authenticate challenge makes git ask for credentials on a 401.
    authentication_classes = [BasicAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [CanReadDnsRepository]
    content_negotiation_class = GitClientNegotiation
    schema = None  # git's protocol, not part of the REST API's OpenAPI schema

    def get(self, request, path: str = ""):
        if not READABLE.fullmatch(path):
            raise Http404(path)
        query = ""
        if path == "info/refs" and "service" in request.GET:
            if request.GET["service"] != UPLOAD_PACK:
                return _refused(f"only {UPLOAD_PACK} is served: this repository is read-only")
            query = f"service={UPLOAD_PACK}"
        return _backend(request, path, query)

    def post(self, request, path: str = ""):
        if path == RECEIVE_PACK:
            return _refused("pushing is not allowed: this repository is read-only")
        if path != UPLOAD_PACK:
            raise Http404(path)
        try:
            body = spool_body(request.stream)
        except RequestTooLargeError as exc:
            return HttpResponse(f"{exc}\n", status=413, content_type="text/plain")
        return _backend(request, path, "", body)


def _backend(request, path: str, query: str, body=None) -> StreamingHttpResponse | HttpResponse:
    cgi = CgiRequest(
        git_dir=_git_dir(),
        path=path,
        method=request.method,
        query=query,
        content_type=request.META.get("CONTENT_TYPE", ""),
        content_encoding=request.META.get("HTTP_CONTENT_ENCODING", ""),
        git_protocol=request.META.get("HTTP_GIT_PROTOCOL", ""),
        remote_user=request.user.get_username(),
    )
    try:
        answer = run_backend(cgi, body)
    except BackendFailedError as exc:
        return HttpResponse(f"{exc}\n", status=502, content_type="text/plain")
    response = StreamingHttpResponse(answer.body, status=answer.status)
    if "Content-Type" not in answer.headers:
        del response["Content-Type"]  # Django's default (text/html) would be a lie
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _refused(message: str) -> HttpResponse:
    return HttpResponse(f"{message}\n", status=403, content_type="text/plain")


def _git_dir() -> Path:
    path = plugin_settings.get("dns_repository_path")
    if not path:
        raise Http404("no DNS repository configured")
    try:
        return Path(git.Repo(path).git_dir)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise Http404("DNS repository not found") from None
