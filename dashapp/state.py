"""Where pages get the warehouse: one read-only Warehouse per server process."""
from __future__ import annotations

from base import settings
from queries.db import Warehouse, warehouse


def wh() -> Warehouse:
    """The process's Warehouse for the configured data dir (opened lazily, post-fork)."""
    return warehouse(settings.data_dir())
