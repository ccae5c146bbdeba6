"""Turn a ``TableSpec`` into CSV, reading the database in bulk.

A table costs a bounded number of queries whatever its size: one streamed ``values()`` query for the rows, one per
many-to-many relation (tags included), and the custom field definitions. Rows are written as they are read, so
memory stays flat on large tables (interfaces).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .tables import CUSTOM_FIELDS, Column, TableSpec, csv_header, flatten_custom_fields, format_cell

CF_PREFIX = "cf_"
CHUNK_SIZE = 2000
# Internal columns of NetBox 4.7 models that are not data: trigger-maintained caches (_site...), tree paths.
SKIPPED_FIELD_TYPES = ("LtreeField", "SortPathField", "NaturalOrderingField")


@dataclass
class TablePlan:
    """What to read for one ROWS table: values() lookups by header, and the extras filled in Python."""

    lookups: dict[str, str]  # header -> values() lookup
    labels: dict[str, dict[Any, str]]  # header -> choice value -> label (display columns)
    content_type_headers: set[str]  # headers holding a ContentType id, written as "app_label.model"
    m2m: dict[str, Any]  # header -> many-to-many field
    custom_fields: list[str]  # custom field names, written as cf_<name>
    order_by: tuple[str, ...]

    @property
    def header(self) -> list[str]:
        return csv_header([], [*self.lookups, *self.m2m, *(CF_PREFIX + n for n in self.custom_fields)])


def model_of(spec: TableSpec) -> type[Model]:
    return apps.get_model(spec.model)


def base_queryset(spec: TableSpec, user=None) -> QuerySet:
    """Every object of the table's model, or only those ``user`` may view (NetBox object permissions)."""
    model = model_of(spec)
    return model.objects.all() if user is None else model.objects.restrict(user, "view")


def _field_at(model: type[Model], lookup: str):
    field = None
    for part in lookup.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model or model
    return field


def plan_table(spec: TableSpec) -> TablePlan:
    from extras.models import CustomField

    model = model_of(spec)
    lookups: dict[str, str] = {}
    content_type_headers: set[str] = set()
    m2m: dict[str, Any] = {}
    if spec.all_fields:
        for field in model._meta.concrete_fields:
            if field.name.startswith("_") or field.name == "custom_field_data":
                continue
            if type(field).__name__ in SKIPPED_FIELD_TYPES:
                continue
            lookups[field.name] = field.name
            if field.is_relation and issubclass(field.related_model, ContentType):
                content_type_headers.add(field.name)
        m2m = {field.name: field for field in model._meta.many_to_many}
    labels: dict[str, dict[Any, str]] = {}
    for column in spec.columns:
        lookups[column.header] = column.lookup
        content_type_headers.discard(column.header)
        if column.display:
            labels[column.header] = {k: str(v) for k, v in _field_at(model, column.lookup).flatchoices}
    for header in spec.exclude:
        lookups.pop(header, None)
        m2m.pop(header, None)
    custom_fields = []
    if hasattr(model, "custom_field_data"):
        custom_fields = sorted(cf.name for cf in CustomField.objects.get_for_model(model))
    field_names = {f.name for f in model._meta.concrete_fields}
    order_by = spec.order_by or (("name", "id") if "name" in field_names else ("id",))
    return TablePlan(lookups, labels, content_type_headers, m2m, custom_fields, order_by)


def _m2m_values(field, objects: QuerySet) -> dict[int, list]:
    """{object id: sorted related ids (tag slugs for tags)} for the objects of ``objects``, in one query."""
    values: dict[int, list] = defaultdict(list)
    if field.name == "tags":  # taggit's generic through table; slugs say more than ids
        from extras.models import TaggedItem

        rows = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(objects.model), object_id__in=objects.values("pk")
        ).values_list("object_id", "tag__slug")
    else:
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = through.objects.filter(**{f"{source}__in": objects.values("pk")}).values_list(
            f"{source}_id", f"{target}_id"
        )
    for object_id, value in rows:
        values[object_id].append(value)
    for related in values.values():
        related.sort()
    return values


def _content_type_labels() -> dict[int, str]:
    return {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}


def iter_rows(spec: TableSpec, objects: QuerySet, plan: TablePlan) -> Iterator[list[str]]:
    header = plan.header
    m2m = {name: _m2m_values(field, objects) for name, field in plan.m2m.items()}
    content_types = _content_type_labels() if plan.content_type_headers else {}
    wanted = list(dict.fromkeys(["id", *plan.lookups.values()]))
    if plan.custom_fields:
        wanted.append("custom_field_data")
    rows = objects.order_by(*plan.order_by).values(*wanted)
    for values in rows.iterator(chunk_size=CHUNK_SIZE):
        row: dict[str, Any] = {h: values[lookup] for h, lookup in plan.lookups.items()}
        for h, labels in plan.labels.items():
            row[h] = labels.get(row[h], row[h])
        for h in plan.content_type_headers:
            row[h] = content_types.get(row[h], row[h])
        for h, related in m2m.items():
            row[h] = related.get(values["id"], [])
        if plan.custom_fields:
            data = values["custom_field_data"] or {}
            for name in plan.custom_fields:
                row[CF_PREFIX + name] = data.get(name)
        yield [format_cell(row.get(h)) for h in header]


def custom_field_rows(objects: QuerySet) -> tuple[list[str], list[list[str]]]:
    """The original ``*.custom_fields`` table: ``parent_id`` plus the flattened fields, for every object that has a
    custom field value; header = sorted union of the keys; sorted by parent_id."""
    flat_rows = []
    for parent_id, data in objects.order_by("pk").values_list("pk", "custom_field_data").iterator(CHUNK_SIZE):
        if data and any(value is not None for value in data.values()):
            flat_rows.append({**flatten_custom_fields(data), "parent_id": parent_id})
    header = csv_header(flat_rows, ["parent_id"])
    return header, [[format_cell(row.get(h)) for h in header] for row in flat_rows]


def write_table_csv(spec: TableSpec, out: IO[str], user=None) -> int:
    """Write one table as CSV to ``out`` (comma, CRLF, minimal quoting: Python's defaults, as the original) and
    return the number of data rows. With ``user``, only the rows that user may view."""
    objects = base_queryset(spec, user)
    if spec.kind == CUSTOM_FIELDS:
        header, rows = custom_field_rows(objects)
    else:
        plan = plan_table(spec)
        header, rows = plan.header, iter_rows(spec, objects, plan)
    return _write(out, header, rows)


def _write(out: IO[str], header: list[str], rows: Iterable[list[str]]) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


__all__ = ["Column", "base_queryset", "plan_table", "write_table_csv"]
