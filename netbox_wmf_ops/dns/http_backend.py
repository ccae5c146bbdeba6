"""git's own CGI, ``git http-backend``, run for one HTTP request (no Django here; the view in ``views.py`` checks the
caller's permission and the path first).

http-backend serves the smart protocol (``info/refs?service=git-upload-pack`` and ``POST git-upload-pack``: clone,
fetch, shallow clones) and the dumb protocol's files (``HEAD``, ``info/refs`` and ``objects/info/packs`` computed on
the fly, loose objects, packs). It gets only the CGI variables it needs, never the web process's environment (which
holds NetBox's secrets). Pushing is off twice: the view refuses ``git-receive-pack`` before anything runs, and
``http.receivepack=false`` is passed as configuration, since http-backend would otherwise allow a push by any
authenticated ``REMOTE_USER``.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

logger = logging.getLogger("netbox_wmf_ops.dns.http_backend")

TIMEOUT_SECONDS = 300  # a clone or fetch of the snippets repository takes seconds; a stuck one is killed after this
MAX_REQUEST_BYTES = 16 * 1024 * 1024  # an upload-pack request (wants and haves) is a few kB; refuse a flood
CHUNK = 64 * 1024
# The response headers of http-backend that are passed on; the rest (none today) is dropped.
PASSED_HEADERS = ("Content-Type", "Content-Length", "Cache-Control", "Expires", "Pragma", "Last-Modified")


class RequestTooLargeError(Exception):
    pass


class BackendFailedError(Exception):
    """http-backend ended (or was killed) without answering: a server-side problem, not the client's."""


@dataclass(frozen=True)
class CgiRequest:
    git_dir: Path  # the repository's git directory (GIT_PROJECT_ROOT)
    path: str  # below it, already checked against the served paths (PATH_INFO without its leading slash)
    method: str
    query: str = ""
    content_type: str = ""
    content_encoding: str = ""  # "gzip": http-backend inflates the body itself
    git_protocol: str = ""  # the Git-Protocol header ("version=2")
    remote_user: str = ""


@dataclass
class CgiResponse:
    status: int
    headers: dict[str, str]
    body: Iterator[bytes]  # closable: see _Body


def spool_body(stream: IO[bytes] | None, limit: int = MAX_REQUEST_BYTES) -> IO[bytes]:
    """The request body in a temporary file, for http-backend's stdin (no pipe to feed while its output is read)."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (handed to http-backend, closed when it ends)
    size = 0
    while stream is not None and (chunk := stream.read(CHUNK)):
        size += len(chunk)
        if size > limit:
            spooled.close()
            raise RequestTooLargeError(f"request body over {limit} bytes")
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


def cgi_environment(request: CgiRequest, content_length: int) -> dict[str, str]:
    """Only what http-backend reads (git-http-backend(1), "ENVIRONMENT"), and the configuration turning pushing off."""
    env = {
        "GIT_PROJECT_ROOT": str(request.git_dir),
        "PATH_INFO": "/" + request.path,
        "QUERY_STRING": request.query,
        "REQUEST_METHOD": request.method,
        "CONTENT_TYPE": request.content_type,
        "CONTENT_LENGTH": str(content_length),
        "REMOTE_USER": request.remote_user,
        "GIT_HTTP_EXPORT_ALL": "1",  # no git-daemon-export-ok file needed: the view has checked the permission
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.receivepack",
        "GIT_CONFIG_VALUE_0": "false",
    }
    if request.content_encoding:
        env["HTTP_CONTENT_ENCODING"] = request.content_encoding
    if request.git_protocol:
        env["HTTP_GIT_PROTOCOL"] = request.git_protocol  # protocol v2, validated by git itself
    if home := os.environ.get("HOME"):
        env["HOME"] = home  # the same global git configuration (safe.directory) as the publishing side
    return env


def run_backend(request: CgiRequest, body: IO[bytes] | None, timeout: float = TIMEOUT_SECONDS) -> CgiResponse:
    """Start http-backend, read its CGI headers and answer with its status, the passed headers and a body iterator
    that streams the rest. The process is killed after `timeout` seconds, or when the iterator is closed early (the
    client went away)."""
    content_length = os.fstat(body.fileno()).st_size if body is not None else 0
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the response body, _Body.close)
    process = subprocess.Popen(
        [shutil.which("git") or "git", "http-backend"],
        stdin=body if body is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=cgi_environment(request, content_length),
    )
    timer = threading.Timer(timeout, _kill, (process, request, timeout))
    timer.daemon = True
    timer.start()

    body_stream = _Body(process, body, stderr, timer, request)
    try:
        status, headers = _read_headers(process.stdout)
    except BackendFailedError:
        body_stream.close()
        raise
    return CgiResponse(status, headers, body_stream)


class _Body:
    """The rest of http-backend's output, chunk by chunk. Closing it (at the end, or early when the client went away:
    Django closes the response) ends the process and releases its files, whether it was read or not."""

    def __init__(self, process, stdin, stderr, timer, request: CgiRequest) -> None:
        self.process, self._stdin, self._stderr, self._timer, self._request = process, stdin, stderr, timer, request
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        chunk = b"" if self._closed else self.process.stdout.read1(CHUNK)
        if not chunk:
            self.close()
            raise StopIteration
        return chunk

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._timer.cancel()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        if self._stdin is not None:
            self._stdin.close()
        self._stderr.seek(0)
        message = self._stderr.read().decode("utf-8", "replace").strip()
        self._stderr.close()
        if message:
            logger.info("git http-backend %s %s: %s", self._request.method, self._request.path, message[-2000:])


def _read_headers(stdout: IO[bytes]) -> tuple[int, dict[str, str]]:
    status, headers = 200, {}
    while True:
        line = stdout.readline()
        if not line:
            raise BackendFailedError("git http-backend ended without a response")
        line = line.rstrip(b"\r\n")
        if not line:
            return status, headers
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip(), value.strip()
        if name.lower() == "status":
            code = value.split(maxsplit=1)[0] if value else ""
            if not code.isdigit():
                raise BackendFailedError(f"git http-backend answered status {value!r}")
            status = int(code)
        else:
            passed = next((h for h in PASSED_HEADERS if h.lower() == name.lower()), None)
            if passed:
                headers[passed] = value


def _kill(process: subprocess.Popen, request: CgiRequest, timeout: float) -> None:
    if process.poll() is None:
        logger.warning("git http-backend %s %s killed after %ss", request.method, request.path, timeout)
        process.kill()
