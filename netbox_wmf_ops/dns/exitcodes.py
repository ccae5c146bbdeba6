"""Exit codes of the DNS generator (docs/behaviour-reference.md §3.5), shared by every door. 6 is ours: the safety
refusal."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # committed in batch mode, or pushed; in Icinga mode, both changes and no changes
    ERROR = 2  # any error (repository missing/dirty/diverged, disk full, lock busy, ...), or bad arguments
    ABORTED = 3  # manual abort at the prompt
    PUSH_ERROR = 4  # the push was rejected
    SHA1_MISMATCH = 5  # HEAD of the work tree is not the reviewed SHA-1
    UNSAFE = 6  # over an error threshold (min records, changed files/lines) and not forced
    NO_CHANGES = 99  # nothing to commit (commit without --icinga-check)
