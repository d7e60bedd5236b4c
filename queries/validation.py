"""Client input that cannot be used: one exception, and the small checks callbacks and
APIs run on their inputs before acting.

The web app answers a BadInput raised while handling a request with a 400 and its
message (dashapp/security.py), so a callback checks the shape of what the browser sent
(a Store's data, a dropdown's value) up front instead of failing half-way with a 500.
Messages quote at most a short excerpt of the input.
"""
from __future__ import annotations

import math


class BadInput(ValueError):
    """Input of the wrong type, size or shape; the message says which, briefly."""


def excerpt(value, width: int = 60) -> str:
    """A short repr of client input for a message (never all of it)."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def mapping(value, name: str, *, optional: bool = True) -> dict:
    """A JSON object (a Store's data); None is {} when optional."""
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise BadInput(f"{name}: expected an object, got {type(value).__name__}")
    return value


def text(value, name: str, *, max_len: int = 10_000, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise BadInput(f"{name}: expected text, got {type(value).__name__}")
    if len(value) > max_len:
        raise BadInput(f"{name}: at most {max_len:,} characters ({len(value):,} given)")
    return value


def one_of(value, name: str, allowed, *, optional: bool = True):
    """A value from a fixed set (a dropdown's or radio's options)."""
    if value is None and optional:
        return None
    if not isinstance(value, (str, int, float, bool)) or value not in allowed:
        raise BadInput(f"{name}: {excerpt(value)} is not one of the options")
    return value


def number(value, name: str, *, optional: bool = True) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value):
        raise BadInput(f"{name}: expected a finite number, got {excerpt(value)}")
    return value


def text_list(value, name: str, *, max_items: int = 500, max_len: int = 500) -> list[str]:
    """A list of short strings (a multi-select's value); None is []."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > max_items or not all(
            isinstance(v, str) and len(v) <= max_len for v in value):
        raise BadInput(f"{name}: expected a list of at most {max_items} short texts")
    return value


def choice(value, allowed, default):
    """`value` when it is one of `allowed` (a dict's keys or a collection), else
    `default`: for controls whose unknown values fall back rather than fail. A list or
    object (unhashable) is unknown too, not a TypeError."""
    if isinstance(value, (str, int, float, bool)) and value in allowed:
        return value
    return default
