"""GraphQL types of the data-quality records (NetBox's plugin GraphQL support). Findings about objects the user may
not view are invisible here as everywhere (`FindingQuerySet.visible_to`)."""

from __future__ import annotations

import strawberry
import strawberry_django
from netbox.graphql.types import NetBoxObjectType

from .models import CheckRun, Finding


@strawberry_django.type(
    Finding,
    fields=[
        "id", "report", "test", "rule", "level", "display", "subject", "message", "object_id", "first_seen",
        "last_seen", "resolved",
    ],
    pagination=True,
)  # fmt: skip
class FindingType(NetBoxObjectType):
    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return super().get_queryset(queryset, info, **kwargs).visible_to(info.context.request.user)


@strawberry_django.type(
    CheckRun,
    fields=[
        "id", "report", "started", "finished", "duration", "status", "error", "failures", "warnings", "successes",
        "new_findings", "resolved_findings", "door", "schedule",
    ],
    pagination=True,
)  # fmt: skip
class CheckRunType(NetBoxObjectType):
    pass


@strawberry.type(name="Query")
class DataQualityQuery:
    wmf_ops_finding: FindingType = strawberry_django.field()
    wmf_ops_finding_list: list[FindingType] = strawberry_django.field()
    wmf_ops_check_run: CheckRunType = strawberry_django.field()
    wmf_ops_check_run_list: list[CheckRunType] = strawberry_django.field()


schema = [DataQualityQuery]
