"""The plugin's models, one module per model. (Django sends `post_migrate` only to apps with a models module; the
shipped reports/scripts are registered from that signal, see signals.py.)"""

from .checkrun import CheckRun
from .finding import Finding
from .subscription import ReportSubscription

__all__ = ("CheckRun", "Finding", "ReportSubscription")
