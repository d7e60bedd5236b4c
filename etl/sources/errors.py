"""Errors a user can hit while extracting from a live source.

The CLI catches SourceError and prints its message without a traceback: every message
says what went wrong and what to do about it.
"""
from __future__ import annotations


class SourceError(RuntimeError):
    """A live source could not be read; the message is meant for the user."""
