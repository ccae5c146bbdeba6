"""Runs of one report wait for each other across connections (the PostgreSQL advisory lock per report)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from netbox_wmf_ops.models import CheckRun
from netbox_wmf_ops.quality.runner import run_report
from netbox_wmf_ops.quality.service import report_lock

MANAGEMENT = "wmf_ops_management.ManagementConsole"


@pytest.mark.django_db(transaction=True)
def test_a_second_run_waits_for_the_first():
    started = threading.Event()
    outcome: dict = {}

    def second_run():
        try:
            started.set()
            outcome["run"] = run_report(MANAGEMENT, door="command")[0]
        finally:
            connection.close()  # this thread's own connection

    with report_lock(MANAGEMENT):  # "the first run", on this test's connection
        worker = threading.Thread(target=second_run)
        worker.start()
        started.wait(10)
        worker.join(2)
        assert worker.is_alive() and not CheckRun.objects.filter(report=MANAGEMENT).exists()
    worker.join(120)
    assert not worker.is_alive() and outcome["run"].status == "completed"
    with report_lock("wmf_ops_network.Network"):  # another report's lock does not block
        assert run_report(MANAGEMENT, door="command")[0].status == "completed"
