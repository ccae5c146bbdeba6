"""git http-backend run for one request, without Django: what it is given and how its CGI answer is read."""

import io
import subprocess

import pytest

from netbox_wmf_ops.dns.http_backend import (
    BackendFailedError,
    CgiRequest,
    RequestTooLargeError,
    cgi_environment,
    run_backend,
    spool_body,
)


@pytest.fixture
def repository(tmp_path):
    bare = tmp_path / "dns.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(bare), str(work)], check=True, capture_output=True)
    (work / "x.wmnet").write_text("x 1H IN A 10.0.0.1\n")
    env = {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"}
    for args in (["add", "-A"], ["commit", "-qm", "x"], ["push", "-q", "origin", "main"]):
        subprocess.run(["git", "-C", str(work), *args], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    sha = subprocess.run(["git", "-C", str(bare), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    return bare, sha.stdout.strip()


def test_only_the_cgi_variables_and_no_push(monkeypatch):
    monkeypatch.setenv("DB_PASSWORD", "secret")
    request = CgiRequest(
        git_dir="/srv/dns.git",
        path="git-upload-pack",
        method="POST",
        content_type="application/x-git-upload-pack-request",
        content_encoding="gzip",
        git_protocol="version=2",
        remote_user="dns1001",
    )
    env = cgi_environment(request, 120)
    assert "DB_PASSWORD" not in env and "PATH" not in env
    assert env["GIT_PROJECT_ROOT"] == "/srv/dns.git" and env["PATH_INFO"] == "/git-upload-pack"
    assert env["CONTENT_LENGTH"] == "120" and env["HTTP_CONTENT_ENCODING"] == "gzip"
    assert env["HTTP_GIT_PROTOCOL"] == "version=2" and env["REMOTE_USER"] == "dns1001"
    assert (env["GIT_CONFIG_KEY_0"], env["GIT_CONFIG_VALUE_0"]) == ("http.receivepack", "false")
    assert "HTTP_CONTENT_ENCODING" not in cgi_environment(CgiRequest("/srv/dns.git", "HEAD", "GET"), 0)


def test_a_request_body_over_the_limit_is_refused():
    assert spool_body(io.BytesIO(b"x" * 10), limit=10).read() == b"x" * 10
    with pytest.raises(RequestTooLargeError):
        spool_body(io.BytesIO(b"x" * 11), limit=10)
    assert spool_body(None).read() == b""


def test_status_headers_and_streamed_body(repository):
    bare, sha = repository
    refs = run_backend(CgiRequest(bare, "info/refs", "GET", query="service=git-upload-pack"), None)
    assert refs.status == 200
    assert refs.headers["Content-Type"] == "application/x-git-upload-pack-advertisement"
    assert sha.encode() in b"".join(refs.body)

    missing = run_backend(CgiRequest(bare, "objects/00/" + "0" * 38, "GET"), None)
    assert missing.status == 404 and b"".join(missing.body) == b""

    want = f"0032want {sha}\n".encode() + b"0000" + b"0009done\n"
    pack = run_backend(
        CgiRequest(bare, "git-upload-pack", "POST", content_type="application/x-git-upload-pack-request"),
        spool_body(io.BytesIO(want)),
    )
    assert pack.status == 200 and b"".join(pack.body).startswith(b"0008NAK\nPACK")


def test_pushing_is_off_even_for_an_authenticated_user(repository):
    bare, _ = repository
    refs = run_backend(CgiRequest(bare, "info/refs", "GET", query="service=git-receive-pack", remote_user="u"), None)
    assert refs.status == 403
    assert b"".join(refs.body) == b""


def test_a_closed_response_ends_the_process(repository):
    bare, _ = repository
    answer = run_backend(CgiRequest(bare, "info/refs", "GET", query="service=git-upload-pack"), None)
    answer.body.close()  # the client went away before reading anything
    assert answer.body.process.returncode is not None and answer.body.process.stdout.closed
    assert list(answer.body) == []


def test_a_backend_that_never_answers_is_killed(tmp_path, monkeypatch):
    """The time bound: a stuck http-backend (here a `git` that only sleeps) is killed and the request fails cleanly."""
    fake = tmp_path / "bin" / "git"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nexec /bin/sleep 600\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    with pytest.raises(BackendFailedError, match="without a response"):
        run_backend(CgiRequest(tmp_path, "HEAD", "GET"), None, timeout=0.2)
