# The plugin has no models of its own yet. This module exists because Django only sends `post_migrate` for apps
# that have a models module, and the shipped reports/scripts are registered from that signal (see signals.py).
