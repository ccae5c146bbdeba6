"""Read-only git export over HTTP, served by `git http-backend`: the dumb-protocol files and the smart protocol's
advertisement through Django's test client (with and without the read permission), and real `git clone`, `git fetch`,
shallow clones and a refused push against a live server."""

import gzip
import subprocess

import git
import pytest
from core.models import ObjectType
from ipam.models import IPAddress
from users.models import ObjectPermission, Token, User

from netbox_wmf_ops.dns.publish import PublishConfig, commit_snippets, push_snippets

pytestmark = pytest.mark.urls("tests.integration.dns.urls_for_tests")
BASE = "/plugins/wmf-ops/dns/repo.git"
ZONES = {
    "eqiad.wmnet": "db1001                                   1H IN A 10.64.0.5\n",
    "x.wmnet": "x 1H IN A 10.0.0.1\n",
}


@pytest.fixture
def published(settings, tmp_path):
    origin = tmp_path / "dns.git"
    git.Repo.init(origin, bare=True, initial_branch="main")
    result = commit_snippets(ZONES, "m", PublishConfig(str(origin), work_dir=str(tmp_path / "work")))
    assert push_snippets(result.path, result.sha1, repository=str(origin)) == 0
    git.Repo(origin).git.gc("-q")  # one pack plus loose objects would both be served; a pack is the common case
    result = commit_snippets({**ZONES, "y.wmnet": "y 1H IN A 10.0.0.2\n"}, "m2", PublishConfig(str(origin)))
    assert push_snippets(result.path, result.sha1, repository=str(origin)) == 0  # ...and these are loose objects
    plugin = {**settings.PLUGINS_CONFIG.get("netbox_wmf_ops", {}), "dns_repository_path": str(origin)}
    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG, "netbox_wmf_ops": plugin}
    return origin


def body(response) -> bytes:
    """A response's bytes, streamed (http-backend's answers) or not (the view's own refusals)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def make_user(name: str, can_view_ips: bool) -> tuple[User, dict]:
    user = User.objects.create_user(username=name, password="Unused-Pass-1234")
    if can_view_ips:
        perm = ObjectPermission.objects.create(name=f"{name}-view-ips", actions=["view"])
        perm.object_types.add(ObjectType.objects.get_for_model(IPAddress))
        perm.users.add(user)
    token = Token(user=user, description="dns export test")
    token.full_clean()
    token.save()
    return user, {"HTTP_AUTHORIZATION": f"{token.get_auth_header_prefix()}{token.token}"}


def reader_over_http(live_server, name: str) -> tuple[str, str]:
    """The live server's repository URL and the `git -c` setting that sends a new reader's token."""
    _, auth = make_user(name, can_view_ips=True)
    return f"{live_server.url}{BASE}", f"http.extraHeader=Authorization: {auth['HTTP_AUTHORIZATION']}"


@pytest.mark.django_db
def test_dumb_protocol_files_with_the_read_permission(client, published):
    _, auth = make_user("dnsreader", can_view_ips=True)
    repo = git.Repo(published)

    refs = client.get(f"{BASE}/info/refs", **auth)  # a dumb client asks without ?service=
    assert refs.status_code == 200
    assert refs["Content-Type"].startswith("text/plain")
    assert body(refs).decode() == f"{repo.head.commit.hexsha}\trefs/heads/main\n"

    head = client.get(f"{BASE}/HEAD", **auth)
    assert b"".join(head.streaming_content) == b"ref: refs/heads/main\n"

    packs = body(client.get(f"{BASE}/objects/info/packs", **auth)).decode()
    pack_names = sorted(p.name for p in (published / "objects" / "pack").glob("*.pack"))
    assert packs == "".join(f"P {n}\n" for n in pack_names) + "\n" and pack_names

    sha = repo.head.commit.hexsha
    loose = client.get(f"{BASE}/objects/{sha[:2]}/{sha[2:]}", **auth)
    assert loose.status_code == 200 and loose["Content-Type"] == "application/x-git-loose-object"
    assert b"".join(loose.streaming_content) == (published / "objects" / sha[:2] / sha[2:]).read_bytes()
    pack = client.get(f"{BASE}/objects/pack/{pack_names[0]}", **auth)
    assert pack.status_code == 200 and pack["Content-Type"] == "application/x-git-packed-objects"


@pytest.mark.django_db
def test_the_smart_protocol_advertises_upload_pack_only(client, published):
    _, auth = make_user("dnssmart", can_view_ips=True)
    refs = client.get(f"{BASE}/info/refs", {"service": "git-upload-pack"}, **auth)
    assert refs.status_code == 200
    assert refs["Content-Type"] == "application/x-git-upload-pack-advertisement"
    assert refs["Cache-Control"].startswith("no-cache")
    advertised = body(refs)
    assert advertised.startswith(b"001e# service=git-upload-pack\n0000")
    assert git.Repo(published).head.commit.hexsha.encode() in advertised

    push = client.get(f"{BASE}/info/refs", {"service": "git-receive-pack"}, **auth)
    assert push.status_code == 403 and b"read-only" in body(push)
    assert (
        client.post(f"{BASE}/git-receive-pack", b"0000", "application/x-git-receive-pack-request", **auth).status_code
        == 403
    )
    assert client.get(f"{BASE}/info/refs", {"service": "git-upload-archive"}, **auth).status_code == 403


@pytest.mark.django_db
def test_bad_requests_are_answered_not_errors(client, published):
    """A bad path is a 404, a wrong body a 4xx or git's own error in the stream: never a 500."""
    _, auth = make_user("dnsbad", can_view_ips=True)
    assert client.post(f"{BASE}/HEAD", b"", "text/plain", **auth).status_code == 404
    assert client.post(f"{BASE}/info/refs", b"", "text/plain", **auth).status_code == 404
    assert client.get(f"{BASE}/git-upload-pack", **auth).status_code == 404
    wrong_type = client.post(f"{BASE}/git-upload-pack", b"0000", "text/plain", **auth)
    assert wrong_type.status_code == 415
    garbage = client.post(f"{BASE}/git-upload-pack", b"garbage", "application/x-git-upload-pack-request", **auth)
    assert garbage.status_code == 200 and body(garbage) == b""  # upload-pack refuses it; git reports the end
    bad_gzip = client.post(
        f"{BASE}/git-upload-pack",
        b"not gzip",
        "application/x-git-upload-pack-request",
        HTTP_CONTENT_ENCODING="gzip",
        **auth,
    )
    assert bad_gzip.status_code < 500 and body(bad_gzip) == b""


@pytest.mark.django_db
def test_nothing_else_is_reachable(client, published):
    _, auth = make_user("dnsreader2", can_view_ips=True)
    for path in ("config", "hooks/pre-receive", "objects/../config", "description", "objects/info/alternates"):
        assert client.get(f"{BASE}/{path}", **auth).status_code == 404, path


@pytest.mark.django_db
def test_without_permission_or_credentials_the_export_is_refused(client, published):
    _, auth = make_user("nobody", can_view_ips=False)
    assert client.get(f"{BASE}/info/refs", **auth).status_code == 403
    anonymous = client.get(f"{BASE}/info/refs")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Basic")


@pytest.mark.django_db
def test_a_constrained_permission_does_not_open_the_repository(client, published):
    """Issue #11: the repository holds every name, so a permission limited to some addresses is not enough."""
    user, auth = make_user("dnsconstrained", can_view_ips=False)
    perm = ObjectPermission.objects.create(
        name="dnsconstrained-one-prefix", actions=["view"], constraints={"address__net_contained": "10.64.0.0/22"}
    )
    perm.object_types.add(ObjectType.objects.get_for_model(IPAddress))
    perm.users.add(user)
    assert client.get(f"{BASE}/info/refs", **auth).status_code == 403
    assert client.get(f"{BASE}/HEAD", **auth).status_code == 403
    # The same user with an unconstrained grant as well (constraint sets are OR'ed: all addresses) may clone.
    full = ObjectPermission.objects.create(name="dnsconstrained-all", actions=["view"])
    full.object_types.add(ObjectType.objects.get_for_model(IPAddress))
    full.users.add(user)
    assert client.get(f"{BASE}/info/refs", **auth).status_code == 200


@pytest.mark.django_db
def test_a_superuser_session_may_clone(client, published):
    admin = User.objects.create_user(username="dnsadmin", password="Unused-Pass-1234", is_superuser=True)
    client.force_login(admin)
    assert client.get(f"{BASE}/info/refs").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_git_clone_over_http_against_a_live_server(live_server, published, tmp_path):
    url, header = reader_over_http(live_server, "dnsclone")
    target = tmp_path / "clone"
    done = subprocess.run(["git", "-c", header, "clone", "-q", url, str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) == [
        "eqiad.wmnet",
        "x.wmnet",
        "y.wmnet",
    ]
    assert git.Repo(target).head.commit.hexsha == git.Repo(published).head.commit.hexsha

    refused = subprocess.run(
        ["git", "-c", "credential.helper=", "clone", "-q", url, str(tmp_path / "no")],
        capture_output=True,
        text=True,
        env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"},
    )
    assert refused.returncode != 0
    assert "401" in refused.stderr or "Authentication failed" in refused.stderr or "could not read" in refused.stderr


@pytest.mark.django_db
def test_a_gzip_compressed_upload_pack_request_is_inflated_by_http_backend(client, published):
    """git compresses larger upload-pack requests (many haves); http-backend reads `Content-Encoding: gzip` itself."""
    _, auth = make_user("dnsgzip", can_view_ips=True)
    sha = git.Repo(published).head.commit.hexsha
    request = f"0032want {sha}\n".encode() + b"0000" + b"0009done\n"
    answer = client.post(
        f"{BASE}/git-upload-pack",
        gzip.compress(request),
        "application/x-git-upload-pack-request",
        HTTP_CONTENT_ENCODING="gzip",
        **auth,
    )
    assert answer.status_code == 200 and answer["Content-Type"] == "application/x-git-upload-pack-result"
    content = body(answer)
    assert content.startswith(b"0008NAK\nPACK"), content[:40]


def git_run(*args: str, cwd=None, header: str | None = None) -> subprocess.CompletedProcess:
    config = ["-c", header] if header else []
    env = {"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    return subprocess.run(["git", *config, *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_fetch_shallow_clone_and_refused_push_over_the_smart_protocol(live_server, published, tmp_path):
    url, header = reader_over_http(live_server, "dnsfetch")
    origin = git.Repo(published)

    for version in ("0", "2"):  # git's smart protocol, both wire versions
        clone = tmp_path / f"v{version}"
        done = git_run("-c", f"protocol.version={version}", "clone", "-q", url, str(clone), header=header)
        assert done.returncode == 0, done.stderr
        assert git.Repo(clone).head.commit.hexsha == origin.head.commit.hexsha
        assert not (clone / ".git" / "shallow").exists()

    shallow = tmp_path / "shallow"
    done = git_run("clone", "-q", "--depth", "1", url, str(shallow), header=header)
    assert done.returncode == 0, done.stderr
    assert (shallow / ".git" / "shallow").read_text().strip() == origin.head.commit.hexsha
    assert git.Repo(shallow).git.rev_list("--count", "HEAD") == "1"  # the origin has two commits

    result = commit_snippets({**ZONES, "z.wmnet": "z 1H IN A 10.0.0.3\n"}, "m3", PublishConfig(str(published)))
    assert push_snippets(result.path, result.sha1, repository=str(published)) == 0
    done = git_run("fetch", "-q", "origin", cwd=tmp_path / "v2", header=header)
    assert done.returncode == 0, done.stderr
    assert git.Repo(tmp_path / "v2").git.rev_parse("origin/main") == result.sha1

    work = git.Repo(tmp_path / "v2")
    work.git.reset("--hard", "origin/main")
    (tmp_path / "v2" / "evil.wmnet").write_text("evil 1H IN A 10.6.6.6\n")
    work.git.add("-A")
    work.git.commit(
        "-m", "evil", author="E <e@example.org>", env={"GIT_COMMITTER_NAME": "E", "GIT_COMMITTER_EMAIL": "e@e"}
    )
    pushed = git_run("push", "origin", "HEAD:main", cwd=tmp_path / "v2", header=header)
    assert pushed.returncode != 0 and "403" in pushed.stderr, pushed.stderr
    assert origin.head.commit.hexsha == result.sha1  # nothing was written


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_constrained_permission_cannot_clone_over_the_smart_protocol(live_server, published, tmp_path):
    user, auth = make_user("dnsclonelimited", can_view_ips=False)
    perm = ObjectPermission.objects.create(
        name="dnsclonelimited-one-prefix", actions=["view"], constraints={"address__net_contained": "10.64.0.0/22"}
    )
    perm.object_types.add(ObjectType.objects.get_for_model(IPAddress))
    perm.users.add(user)
    header = f"http.extraHeader=Authorization: {auth['HTTP_AUTHORIZATION']}"
    refused = git_run("clone", "-q", f"{live_server.url}{BASE}", str(tmp_path / "no"), header=header)
    assert refused.returncode != 0 and "403" in refused.stderr, refused.stderr
    assert not (tmp_path / "no").exists()
