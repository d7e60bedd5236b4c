"""Errors a user can hit, as opposed to bugs.

Anything deriving from `UserError` carries a message meant for the person at the CLI or
the dashboard: the CLI prints it without a traceback and exits 1, the pages show it in
place of a chart."""
from __future__ import annotations


class UserError(RuntimeError):
    """A failure with a message for the user (no traceback needed)."""


class WarehouseMissing(UserError):
    """No build has been published yet."""
