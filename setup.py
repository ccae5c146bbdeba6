from setuptools import find_packages, setup

setup(
    name="netbox-wmf-ops",
    version="0.1.0",
    description="Wikimedia-style data-center operations tooling for NetBox 4.7: reports, scripts, DNS, exports.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="GPL-3.0-or-later",
    packages=find_packages(include=["netbox_wmf_ops", "netbox_wmf_ops.*"]),
    package_data={"netbox_wmf_ops": ["templates/netbox_wmf_ops/*.html"]},
    include_package_data=True,
    python_requires=">=3.12",
    install_requires=[],  # runs inside NetBox's own environment; NetBox brings Django, DRF, rq, netaddr
    extras_require={
        "dev": ["pytest>=8", "pytest-django>=4.9", "ruff>=0.6"],
    },
    zip_safe=False,
)
