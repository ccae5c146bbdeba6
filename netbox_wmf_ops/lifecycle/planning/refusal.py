"""The one refusal of the lifecycle services."""


class Refused(Exception):  # noqa: N818 - named for what the operator is told: the input is refused
    """An input a lifecycle service refuses before (or instead of) writing; ``str()`` is the operator's message.

    The services raise it from planning, loading and applying alike. NetBox's script runner only recognises its own
    ``AbortScript`` (by exact type: a subclass is reported as a crash), so the doors convert this exception in one
    place, ``netbox_wmf_ops.scripting.LifecycleScript``, and NetBox then rolls the run back."""


def refuse_if(problem: str | None) -> None:
    """Raise ``Refused(problem)`` when a planning rule that returns its problem (or None) found one."""
    if problem:
        raise Refused(problem)
