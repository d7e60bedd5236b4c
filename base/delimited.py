"""The separator of a delimited text file, read off its header line (both file readers:
viewing-history uploads and labelled genre files)."""
from __future__ import annotations

import re

SEPARATORS = (",", ";", "\t")


def separator(header: str) -> str:
    """The most frequent of comma, semicolon and tab in `header` outside quoted names
    ('"Title, original";"Overview"' is semicolon-separated); a tie is a comma. Excel
    re-saves a CSV with its locale's separator, ';' across most of Europe."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    return max(counts, key=lambda sep: (counts[sep], sep == ","))
