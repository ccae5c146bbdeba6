"""Hostile input to every shipped script's form (issue #11): wrong types, out-of-range numbers, NUL bytes, huge
strings. Parsed as NetBox parses it (``prepare_script_form``), the input is either refused with errors naming the
fields, or the run ends as a completed job or a clear failure (``AbortScript``: NetBox 4.7 records it as an errored job
whose error is the AbortScript), never an unexpected exception; and a failed run leaves the database as it was."""

from __future__ import annotations

import pytest
from core.models import Job
from dcim.models import Cable, Device, Interface
from extras.jobs import ScriptJob
from extras.models import Script
from extras.scripts import EXEC_PARAM_FIELDS, BooleanVar, FileVar, IntegerVar, prepare_script_form
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ipam.models import IPAddress

from netbox_wmf_ops.registration import register_shipped_scripts

pytestmark = pytest.mark.django_db

hostile_text = st.sampled_from(
    ["a\x00b", "x" * 100_000, "'; DROP TABLE dcim_device; --", "\u202edevice", " ", "\n\n", "../../etc/passwd"]
) | st.text(max_size=20)
hostile_number = st.sampled_from(
    ["abc", "1e309", "-1", "99999999999999999999", "", "0x10", "\x00"]
) | st.integers().map(str)
hostile_any = hostile_text | hostile_number | st.sampled_from(["maybe", "[]", "{}", "null"])


def value_for(var) -> st.SearchStrategy:
    if isinstance(var, IntegerVar):
        return hostile_number
    if isinstance(var, BooleanVar):
        return hostile_any
    return hostile_text | hostile_number


def shipped_scripts() -> list[tuple[str, str]]:
    register_shipped_scripts()
    scripts = Script.objects.filter(module__file_path__startswith="wmf_ops_").select_related("module")
    found = []
    for script in scripts:
        cls = script.python_class
        variables = cls()._get_vars() if cls else {}
        if any(not isinstance(var, FileVar) for var in variables.values()):
            found.append((script.module.file_path, script.name))
    return sorted(found)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Device, Interface, IPAddress, Cable))


def fuzz_script(script: Script, user, problems: list[str]) -> None:
    """Hypothesis over one script's form and run; what goes wrong is appended to ``problems``."""
    name = script.name
    variables = {key: var for key, var in script.python_class()._get_vars().items() if not isinstance(var, FileVar)}
    data_strategy = st.fixed_dictionaries({}, optional={key: value_for(var) for key, var in variables.items()})

    @settings(max_examples=6, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=data_strategy)
    def check(data) -> None:
        form = prepare_script_form(script.python_class(), data)
        if not form.is_valid():
            unknown = set(form.errors) - set(variables) - {"__all__"}
            if unknown:
                problems.append(f"{name}: errors on undeclared fields {unknown}")
            return
        cleaned = {k: v for k, v in form.cleaned_data.items() if k not in EXEC_PARAM_FIELDS}
        before = counts()
        job = ScriptJob.enqueue(instance=script, user=user, immediate=True, data=cleaned, commit=True)
        job = Job.objects.get(pk=job.pk)
        clear_failure = job.status == "failed" or (job.status == "errored" and job.error.startswith("AbortScript("))
        if job.status != "completed" and not clear_failure:
            problems.append(f"{name} {str(data)[:200]}: {job.status}: {job.error[:300]}")
        elif clear_failure and counts() != before:
            problems.append(f"{name} {str(data)[:200]}: failed but changed the database")

    check()


def test_every_shipped_script_survives_hostile_input(admin_user):
    scripts = shipped_scripts()
    assert len(scripts) >= 10  # the shipped scripts with variables were found
    problems: list[str] = []
    for file_path, name in scripts:
        fuzz_script(Script.objects.get(module__file_path=file_path, name=name), admin_user, problems)
    assert not problems, "\n".join(problems[:10])
