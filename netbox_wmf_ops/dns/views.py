"""Read-only export of the DNS snippets repository over HTTP(S): git's "dumb" HTTP protocol, served by NetBox.

DNS servers and CI clone it as before, e.g.::

    git -c http.extraHeader="Authorization: Bearer nbt_<key>.<token>" \
        clone https://netbox.example.org/plugins/wmf-ops/dns/repo.git

or with a NetBox username/password (HTTP Basic; git prompts for them). The user needs the permission named by the
``dns_export_permission`` setting (default ``ipam.view_ipaddress``: whoever may read every address may read their DNS
names) **without constraints**: the repository holds every published name, so a permission limited to some objects
(one prefix, one tenant) is not enough (``holds_unconstrained``). Only the files the dumb protocol reads are served:
``HEAD``, ``info/refs`` and ``objects/info/packs`` (both computed on the fly, so no ``git update-server-info`` hook is
needed), loose objects and pack files. Nothing is written, and every path is matched against a strict pattern, so
nothing else in the repository is reachable.
"""

from __future__ import annotations

import re
from pathlib import Path

import git
from django.http import FileResponse, Http404, HttpResponse
from netbox.api.authentication import TokenAuthentication
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from .. import settings as plugin_settings
from ..permissions import holds_unconstrained

# path -> content type; everything else is a 404.
_SERVED = [
    (re.compile(r"HEAD"), "text/plain"),
    (re.compile(r"info/refs"), "text/plain; charset=utf-8"),
    (re.compile(r"objects/info/packs"), "text/plain; charset=utf-8"),
    (re.compile(r"objects/[0-9a-f]{2}/[0-9a-f]{38}"), "application/x-git-loose-object"),
    (re.compile(r"objects/pack/pack-[0-9a-f]{40}\.pack"), "application/x-git-packed-objects"),
    (re.compile(r"objects/pack/pack-[0-9a-f]{40}\.idx"), "application/x-git-packed-objects-toc"),
]
NO_CACHE = "no-cache, max-age=0, must-revalidate"
IMMUTABLE = "public, max-age=31536000"  # objects are content-addressed


class CanReadDnsRepository(BasePermission):
    def has_permission(self, request, view):
        return holds_unconstrained(request.user, plugin_settings.get("dns_export_permission"))


class DnsRepositoryView(APIView):
    """GET the files of git's dumb HTTP protocol from the configured DNS repository."""

    # Basic first: its WWW-Authenticate challenge makes git ask for credentials on a 401.
    authentication_classes = [BasicAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [CanReadDnsRepository]
    schema = None  # git's protocol, not part of the REST API's OpenAPI schema

    def get(self, request, path: str = ""):
        content_type = next((ctype for pattern, ctype in _SERVED if pattern.fullmatch(path)), None)
        if content_type is None:
            raise Http404(path)
        git_dir = _git_dir()
        if path == "info/refs":
            return _text(_info_refs(git_dir), content_type)
        if path == "objects/info/packs":
            packs = sorted(p.name for p in (git_dir / "objects" / "pack").glob("pack-*.pack"))
            return _text("".join(f"P {name}\n" for name in packs) + "\n", content_type)
        file = git_dir / path
        if not file.is_file():
            raise Http404(path)
        response = FileResponse(file.open("rb"), content_type=content_type)
        response["Cache-Control"] = NO_CACHE if path == "HEAD" else IMMUTABLE
        return response


def _git_dir() -> Path:
    path = plugin_settings.get("dns_repository_path")
    if not path:
        raise Http404("no DNS repository configured")
    try:
        return Path(git.Repo(path).git_dir)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise Http404("DNS repository not found") from None


def _info_refs(git_dir: Path) -> str:
    """What ``git update-server-info`` writes: ``<sha>\\t<ref>`` per ref, plus peeled tags (``<ref>^{}``)."""
    try:
        out = git.Git().execute(["git", f"--git-dir={git_dir}", "show-ref", "--dereference"])
    except git.GitCommandError:  # no refs yet
        out = ""
    return "".join(line.replace(" ", "\t", 1) + "\n" for line in out.splitlines() if line)


def _text(body: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = NO_CACHE
    return response
