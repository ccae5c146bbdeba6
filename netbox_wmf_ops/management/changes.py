"""Output of the commands that install something idempotently: one line per changed name, then the summary."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.management.base import BaseCommand


def write_changes(command: BaseCommand, changes: Iterable[tuple[str, Iterable[str]]], summary: str) -> None:
    """``<label>: <name>`` for every name of every (label, names) pair, then the summary in the success style."""
    for label, names in changes:
        for name in names:
            command.stdout.write(f"{label}: {name}")
    command.stdout.write(command.style.SUCCESS(summary))
