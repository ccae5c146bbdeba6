"""What the harnesses of real services (``dev/*_harness.py``, ``tests/servers.py``) share: a free port on 127.0.0.1
and Debian's packages installed when missing. This module imports nothing from Django."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Sequence


def free_port() -> int:
    """A TCP port nothing listens on at the moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install_debian_packages(
    packages: Sequence[str],
    *,
    installed: Callable[[], bool],
    error: type[Exception],
    what: str,
    debconf: str = "",
) -> None:
    """Install Debian's ``packages`` (without recommends, without starting anything) unless ``installed()`` says
    they are there already. ``debconf`` answers the packages' questions first. The package lists are refreshed only
    when apt knows no candidate for the first package. Raises ``error`` naming ``what`` when not root, or when the
    install fails or leaves ``installed()`` false."""
    if installed():
        return
    listed = " ".join(packages)
    if os.geteuid() != 0:
        raise error(f"{what} is missing; install it: sudo apt-get install {listed}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if debconf:
        subprocess.run(["debconf-set-selections"], input=debconf, text=True, check=True)
    policy = subprocess.run(["apt-cache", "policy", packages[0]], capture_output=True, text=True).stdout
    if "Candidate:" not in policy or "Candidate: (none)" in policy:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not installed():
        raise error(f"apt-get install {listed} failed ({result.returncode}):\n{result.stdout[-2000:]}")
