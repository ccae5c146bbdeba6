from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="netbox-wmf-ops",
    version="0.1.0",
    description="Wikimedia-style data-center operations tooling for NetBox 4.7: reports, scripts, DNS, exports.",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="GPL-3.0-or-later",
    packages=find_packages(include=["netbox_wmf_ops", "netbox_wmf_ops.*"]),
    package_data={"netbox_wmf_ops": ["templates/netbox_wmf_ops/*.html"]},
    include_package_data=True,
    python_requires=">=3.12",
    # Runs inside NetBox's own environment, which already brings Django, DRF, rq, requests and netaddr.
    install_requires=[
        "GitPython>=3.1",  # DNS snippet repository
        "openpyxl>=3.1",  # XLSX exports read by the Accounting and Juniper reports
        "prometheus-client>=0.17",  # the metrics' text format (installed with NetBox, via django-prometheus)
        "PyMySQL>=1.1",  # LibreNMS database
    ],
    extras_require={
        "dev": ["pytest>=8", "pytest-django>=4.9", "ruff>=0.6"],
    },
    zip_safe=False,
)
