"""The wheel holds the product only: the plugin package, its templates and migrations, no demo fleet, fake service
or test fixture (those live in dev/ and tests/, used by `make demo`/`make test`/`make bench` from a checkout).

The wheel is built the way `make dist` (dev/dist.sh) builds the plugin's own wheel, from a copy of the files git
tracks (a build in the checkout could pick up a stale build/ directory)."""

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_PRODUCT = re.compile(r"(^|/)(demo|fakes?|fixtures?|tests?|dev|bench)(/|\.py$|_)|fake_|demo_|_demo|_fake", re.I)


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory) -> list[str]:
    source = tmp_path_factory.mktemp("source")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    for name in listed:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("netbox_wmf_ops-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_every_file_belongs_to_the_plugin_package(wheel_files):
    outside = [name for name in wheel_files if not name.startswith(("netbox_wmf_ops/", "netbox_wmf_ops-"))]
    assert outside == []


def test_no_demo_fake_or_fixture_module_is_shipped(wheel_files):
    assert [name for name in wheel_files if NOT_PRODUCT.search(name)] == []


def test_the_product_is_complete(wheel_files):
    """The pattern above must not pass by shipping nothing: the plugin's parts and data files are there."""
    for expected in (
        "netbox_wmf_ops/__init__.py",
        "netbox_wmf_ops/reports/network.py",
        "netbox_wmf_ops/scripts/provision_server.py",
        "netbox_wmf_ops/ganeti/rapi.py",
        "netbox_wmf_ops/management/commands/wmf_ops_dump.py",
    ):
        assert expected in wheel_files
    assert any(name.startswith("netbox_wmf_ops/templates/netbox_wmf_ops/") for name in wheel_files)
