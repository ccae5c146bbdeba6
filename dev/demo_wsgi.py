"""The WSGI application of `make demo` and the end-to-end tests: NetBox's, served by gunicorn as in production, plus
the one thing a production web server adds in front of it, the ``/static/`` route to the files ``netbox
collectstatic`` gathered in ``STATIC_ROOT`` (NetBox itself serves no static files without DEBUG; docs/deployment.md).

    gunicorn dev.demo_wsgi:application        (NETBOX_ROOT set, the project root on PYTHONPATH)
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from netbox.wsgi import application as netbox_application  # sets up Django

STATIC_URL = settings.STATIC_URL
STATIC_ROOT = Path(settings.STATIC_ROOT).resolve()


def static_file(path: str) -> Path | None:
    """The collected file at URL path ``path`` (below STATIC_URL), or None: missing, a directory, or outside."""
    candidate = (STATIC_ROOT / path).resolve()
    if candidate.is_relative_to(STATIC_ROOT) and candidate.is_file():
        return candidate
    return None


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith(STATIC_URL):
        return netbox_application(environ, start_response)
    found = static_file(path.removeprefix(STATIC_URL))
    if found is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found\n"]
    content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    start_response(
        "200 OK",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(found.stat().st_size)),
            ("Cache-Control", "public, max-age=3600"),
        ],
    )
    if environ["REQUEST_METHOD"] == "HEAD":
        return [b""]
    handle = open(found, "rb")  # noqa: SIM115  (closed by the server through the file wrapper)
    wrapper = environ.get("wsgi.file_wrapper")
    return wrapper(handle, 65536) if wrapper else iter(lambda: handle.read(65536), b"")
