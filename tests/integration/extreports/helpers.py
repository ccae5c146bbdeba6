"""Shared bits of the external-source report tests."""

from __future__ import annotations

import contextlib

from django.core.files.uploadedfile import SimpleUploadedFile

from dev.fakes.extreports import FakeGoogleSheets, ServiceAccountKey
from tests.plugin_settings import override_plugin_settings


def run(report_class, **data) -> dict[str, dict]:
    report = report_class()
    report.run(data=data, commit=True)
    return report.tests


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


@contextlib.contextmanager
def plugin_settings(settings, **overrides):
    """Override some of PLUGINS_CONFIG['netbox_wmf_ops'] for the block (pytest-django's settings fixture restores)."""
    current = settings.PLUGINS_CONFIG
    override_plugin_settings(settings, **overrides)
    try:
        yield
    finally:
        settings.PLUGINS_CONFIG = current


@contextlib.contextmanager
def google_sheets_source(settings, tmp_path, sheet_id: str, values: dict[str, list[list]], ranges: dict[str, str]):
    """The Sheets API fake serving ``values`` (A1 range → rows) as spreadsheet ``sheet_id``, and the Accounting report
    configured to read it with a service-account key written to ``tmp_path``; yields the fake."""
    account = ServiceAccountKey()
    with (
        FakeGoogleSheets(account, {sheet_id: values}) as google,
        plugin_settings(
            settings,
            accounting_sheet_id=sheet_id,
            accounting_credentials_file=str(account.write(tmp_path, google.token_uri)),
            accounting_ranges=ranges,
            accounting_sheets_api_url=google.url,
        ),
    ):
        yield google


def all_lines(tests: dict[str, dict]) -> list[tuple[str, str, str | None, str]]:
    """(test, level, object, message) of every line of every test."""
    return [(name, e[1], e[2], e[4]) for name, result in tests.items() for e in result["log"]]


def assert_single_source_failure(tests: dict[str, dict], first_test: str, message_start: str) -> str:
    """Exactly one line in the whole run: a failure with no object, in the first test; nothing concluded elsewhere."""
    lines = all_lines(tests)
    assert len(lines) == 1, lines
    name, level, obj, message = lines[0]
    assert (name, level, obj) == (first_test, "failure", None)
    assert message.startswith(message_start), message
    assert "\n" not in message and "Traceback" not in message
    assert sum(result["failure"] for result in tests.values()) == 1
    return message
