"""The dump on a real directory tree: atomic write, manifest, rotation, crash safety, the command and the job."""

import hashlib
import json
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from netbox_wmf_ops.exports import dump as dump_module
from netbox_wmf_ops.exports.dump import MANIFEST, TEMP_PREFIX, DumpError, run_dump, write_dump
from netbox_wmf_ops.exports.rotation import Keep
from netbox_wmf_ops.exports.tables import TABLES, get_table
from tests import factories

pytestmark = pytest.mark.django_db

SMALL = [get_table(n) for n in ("dcim.sites", "dcim.devices", "dcim.devices.custom_fields")]


def at(hour: int, day: int = 6) -> datetime:
    return timezone.make_aware(datetime(2024, 5, day, hour, 37))


def test_dump_writes_every_table_and_a_manifest(tmp_path, settings):
    factories.device()
    result = run_dump(tmp_path, now=at(7))
    assert result.path == tmp_path / "2024-05-06-07:37"
    manifest = json.loads((result.path / MANIFEST).read_text())
    assert manifest["netbox_version"] == settings.RELEASE.version
    assert manifest["plugin_version"]
    assert set(manifest["tables"]) == {spec.name for spec in TABLES}
    for entry in manifest["tables"].values():
        data = (result.path / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.count(b"\r\n") == entry["rows"] + 1  # header + rows, CRLF as the original
    assert manifest["tables"]["dcim.devices"]["rows"] >= 1
    # The first dump also becomes the copy of its day, month and year.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024", "2024-05", "2024-05-06", "2024-05-06-07:37"]
    assert (tmp_path / "2024-05-06" / "dcim.devices.csv").read_bytes() == (
        result.path / "dcim.devices.csv"
    ).read_bytes()


def test_rotation_on_a_real_tree_keeps_renamed_dumps(tmp_path):
    for hour in range(20):  # 20 older hourly dumps from the previous day, plus things that are not dumps
        (tmp_path / f"2024-05-05-{hour:02d}:37").mkdir()
        (tmp_path / f"2024-05-05-{hour:02d}:37" / "dcim.sites.csv").write_text("id\r\n")
    (tmp_path / "before-upgrade-4.7").mkdir()
    (tmp_path / "before-upgrade-4.7" / "dcim.sites.csv").write_text("keep me")
    (tmp_path / "notes.txt").write_text("not a directory")

    result = run_dump(tmp_path, now=at(7), tables=SMALL, keep=Keep(hourly=16))
    names = sorted(p.name for p in tmp_path.iterdir())
    hourly = [n for n in names if len(n) == 16]
    assert len(hourly) == 16 and hourly[-1] == "2024-05-06-07:37"
    assert hourly[0] == "2024-05-05-05:37"  # the 5 oldest went
    assert "before-upgrade-4.7" in names and "notes.txt" in names
    assert (tmp_path / "before-upgrade-4.7" / "dcim.sites.csv").read_text() == "keep me"
    # Backfill: yesterday's copy is its latest dump; today's is the new dump.
    assert (tmp_path / "2024-05-05" / "dcim.sites.csv").exists()
    assert (tmp_path / "2024-05-06" / MANIFEST).exists()
    assert len(result.rotation.deletions) == 5


def test_period_copies_follow_the_latest_dump(tmp_path):
    run_dump(tmp_path, now=at(7), tables=SMALL)
    factories.device()
    second = run_dump(tmp_path, now=at(8), tables=SMALL)
    day = json.loads((tmp_path / "2024-05-06" / MANIFEST).read_text())
    assert day["name"] == second.path.name


def test_a_crash_mid_dump_leaves_no_partial_directory(tmp_path, monkeypatch):
    real = dump_module.write_table_csv
    calls = []

    def crash_on_second_table(spec, out, user=None):
        calls.append(spec.name)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(spec, out, user)

    monkeypatch.setattr(dump_module, "write_table_csv", crash_on_second_table)
    with pytest.raises(RuntimeError, match="disk full"):
        run_dump(tmp_path, now=at(7), tables=SMALL)
    assert list(tmp_path.iterdir()) == []


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path):
    (tmp_path / f"{TEMP_PREFIX}2024-05-06-06:37-999").mkdir()
    run_dump(tmp_path, now=at(7), tables=SMALL)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_an_existing_dump_is_never_overwritten(tmp_path):
    write_dump(tmp_path, "manual", SMALL)
    with pytest.raises(DumpError, match="already exists"):
        write_dump(tmp_path, "manual", SMALL)


def test_command_dumps_on_demand_with_a_descriptive_name(tmp_path, capsys):
    call_command("wmf_ops_dump", root=str(tmp_path), name="before-upgrade", tables="dcim.sites,dcim.devices")
    assert sorted(p.name for p in (tmp_path / "before-upgrade").iterdir()) == [
        "dcim.devices.csv",
        "dcim.sites.csv",
        MANIFEST,
    ]
    assert "2 tables dumped" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["before-upgrade"]  # not a timestamp: no period copies


def test_hourly_job_is_anchored_to_the_configured_minute(settings):
    from core.models import Job

    from netbox_wmf_ops.exports.jobs import HourlyDumpJob, next_run_at

    now = timezone.make_aware(datetime(2024, 5, 6, 7, 50))
    assert next_run_at(37, now) == now.replace(hour=8, minute=37)
    assert next_run_at(55, now) == now.replace(minute=55)

    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG}
    settings.PLUGINS_CONFIG["netbox_wmf_ops"] = {**settings.PLUGINS_CONFIG["netbox_wmf_ops"], "dump_minute": 12}
    job = HourlyDumpJob.enqueue_once(interval=60)
    assert job.scheduled.minute == 12 and job.interval == 60
    assert job.scheduled - timezone.now() <= timedelta(hours=1)
    assert HourlyDumpJob.enqueue_once(interval=60).pk == job.pk  # a worker restart keeps the schedule
    assert Job.objects.filter(name=HourlyDumpJob.name, status="scheduled").count() == 1


def test_hourly_job_run_writes_a_dump(tmp_path, settings):
    from core.models import Job

    from netbox_wmf_ops.exports.jobs import HourlyDumpJob

    settings.PLUGINS_CONFIG = {**settings.PLUGINS_CONFIG}
    settings.PLUGINS_CONFIG["netbox_wmf_ops"] = {
        **settings.PLUGINS_CONFIG["netbox_wmf_ops"],
        "dump_root": str(tmp_path),
    }
    job = HourlyDumpJob.enqueue(immediate=True)
    job = Job.objects.get(pk=job.pk)
    assert job.status == "completed", job.error
    assert (tmp_path / job.data["path"].rsplit("/", 1)[1] / MANIFEST).exists()
    assert job.data["rows"]["dcim.devices"] >= 0
