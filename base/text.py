"""Wording shared by every layer's messages (the dashboard's insights, the CLIs' notes)."""
from __future__ import annotations

import unicodedata


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 title', '2,417 titles': a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def listed(names: list[str]) -> str:
    """'Apr', 'Apr and May', 'Mon, Tue and Sat'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def sentence(text: str) -> str:
    """A message written for the API (lowercase, no full stop) as a page shows it."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def shown(text, width: int = 60) -> str:
    """Text from a user's file or request as a message may quote it: control characters
    (a terminal's escape sequences, line breaks) as '?', cut to `width` characters."""
    text = "".join("?" if unicodedata.category(c) == "Cc" else c for c in str(text)[:width + 1])
    return text if len(text) <= width else text[:width - 1] + "…"
