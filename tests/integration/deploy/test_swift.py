"""Recipe 2 of docs/deployment.md: uploads and the plugin's generated script modules on OpenStack Swift, with
docs/recipes/swift_storages.py unchanged, against a real single-node Swift from Debian's packages
(dev/swift_harness.py): `netbox migrate` writes every shipped module into Swift, Other → Scripts lists them, a
report runs through `netbox rqworker`, an image attachment uploads and downloads."""

import io
import sys
import time
from pathlib import Path

import pytest
import requests

from dev.swift_harness import SwiftServer
from netbox_wmf_ops.registration import discover_shipped_modules
from tests.conftest import wait_for_job
from tests.integration.deploy.conftest import login, recipe_instance
from tests.servers import NetBoxWeb, Process, instance_env

RECIPES = Path(__file__).resolve().parents[3] / "docs" / "recipes"
MEDIA, SCRIPTS = "netbox-media", "netbox-scripts"
TEMP_URL_KEY = "temp-url-key-for-tests"
ADMIN, PASSWORD = "swift-admin", "Swift-Admin-Pass-123"

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def swift():
    """Swift with the two containers and the account's temp-URL key, as the operators set them up once."""
    with SwiftServer(name="test") as server:
        connection = server.connection()
        connection.put_container(MEDIA)
        connection.put_container(SCRIPTS)
        connection.post_account({"X-Account-Meta-Temp-URL-Key": TEMP_URL_KEY})
        yield server


@pytest.fixture(scope="module")
def swift_env(swift, test_database_name, tmp_path_factory):
    root = recipe_instance(tmp_path_factory.mktemp("swift-instance"), (RECIPES / "swift_storages.py").read_text())
    env = instance_env(
        root,
        test_database_name,
        NETBOX_SWIFT_AUTH_URL=swift.auth_url,
        NETBOX_SWIFT_USER=swift.user,
        NETBOX_SWIFT_KEY=swift.key,
        NETBOX_SWIFT_TEMP_URL_KEY=TEMP_URL_KEY,
    )
    return root, env


def names_in(swift, container: str) -> set[str]:
    return {entry["name"] for entry in swift.connection().get_container(container, full_listing=True)[1]}


def netbox(env, *args: str) -> None:
    import subprocess

    result = subprocess.run(
        [str(Path(sys.executable).with_name("netbox")), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def rqworker(swift_env):
    import django_rq
    from rq import Worker

    root, env = swift_env
    redis = django_rq.get_connection("default")
    redis.flushdb()  # the tests' own Redis DB
    worker = Process([str(Path(sys.executable).with_name("netbox")), "rqworker"], env, root / "rqworker.log")
    try:
        deadline = time.monotonic() + 120
        while not Worker.all(connection=redis):
            if worker.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"rqworker did not start:\n{worker.output()[-3000:]}")
            time.sleep(0.5)
        yield worker
    finally:
        worker.stop()
        redis.flushdb()


def test_scripts_and_uploads_live_in_swift(swift, swift_env, rqworker):
    from dcim.models import Site
    from extras.models import Script
    from users.models import Token, User

    root, env = swift_env

    # `netbox migrate` registers every shipped report and script: their modules are written into Swift.
    assert names_in(swift, SCRIPTS) == set()
    netbox(env, "migrate", "--no-input", "--skip-checks")
    shipped = {module.file_name for module in discover_shipped_modules()}
    assert shipped and names_in(swift, SCRIPTS) == shipped
    assert not any(Path(env["NETBOX_ROOT"]).rglob("wmf_ops_*.py"))  # nothing on the local disk

    # Other → Scripts lists them, read from Swift by the web server.
    user = User.objects.create_user(username=ADMIN, password=PASSWORD, is_superuser=True)
    token = Token(user=user, description="swift test")
    token.full_clean()
    token.save()
    auth = {"Authorization": f"{token.get_auth_header_prefix()}{token.token}", "Accept": "application/json"}
    web = NetBoxWeb(root, env, root / "gunicorn.log")
    try:
        session, answer = login(web.url, ADMIN, PASSWORD)
        assert answer.status_code == 302
        page = session.get(f"{web.url}/extras/scripts/", timeout=120).text
        for file_name in shipped:
            assert file_name.removesuffix(".py") in page
        cables = Script.objects.get(module__file_path="wmf_ops_cables.py", name="Cables")
        assert session.get(f"{web.url}/extras/scripts/{cables.pk}/", timeout=60).status_code == 200

        # One report runs through `netbox rqworker`, which loads its module from Swift too.
        answer = requests.post(
            f"{web.url}/api/extras/scripts/{cables.pk}/", json={"data": {}, "commit": False}, headers=auth, timeout=60
        )
        assert answer.status_code == 200, answer.text
        job = wait_for_job(answer.json()["result"]["id"], seconds=300)
        assert job.status == "completed", job.data
        assert job.data["tests"]  # the report's results
        assert str(job.job_id) in rqworker.output()

        # An image attachment uploads into Swift and downloads through a signed, expiring Swift URL.
        site = Site.objects.create(name="Swift test site", slug="swift-test-site")
        image = png()
        answer = requests.post(
            f"{web.url}/api/extras/image-attachments/",
            data={"object_type": "dcim.site", "object_id": site.pk, "name": "rack photo"},
            files={"image": ("rack.png", image, "image/png")},
            headers=auth,
            timeout=60,
        )
        assert answer.status_code == 201, answer.text
        stored = answer.json()["image"]
        assert any(name.startswith("image-attachments/") for name in names_in(swift, MEDIA))
        assert "temp_url_sig=" in stored and stored.startswith(swift.auth_url.removesuffix("/auth/v1.0"))
        download = requests.get(stored, timeout=30)
        assert download.status_code == 200 and download.content == image
        unsigned = requests.get(stored.split("?")[0], timeout=30)
        assert unsigned.status_code == 401  # the container is private: only the signed link works
    finally:
        web.stop()
    for log in (web.output(), rqworker.output()):  # no secret in a log line
        assert swift.key not in log and TEMP_URL_KEY not in log
