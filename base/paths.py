"""Where a data directory keeps each thing (raw loads, warehouse builds, caches).

One frozen value passed around instead of path arithmetic at each call site."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from base.errors import WarehouseMissing


@dataclass(frozen=True)
class Paths:
    data_dir: Path

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def builds_dir(self) -> Path:
        return self.warehouse_dir / "builds"

    @property
    def current_link(self) -> Path:
        return self.warehouse_dir / "current.duckdb"

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet"

    @property
    def parquet_link(self) -> Path:
        return self.parquet_dir / "current"

    @property
    def runs_log(self) -> Path:
        return self.warehouse_dir / "etl_runs.jsonl"

    @property
    def lock_file(self) -> Path:
        return self.warehouse_dir / "refresh.lock"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    def build_file(self, build_id: str) -> Path:
        return self.builds_dir / f"{build_id}.duckdb"


def current_build(paths: Paths) -> Path:
    """The published build's own file (resolve the link once, open that path)."""
    if not paths.current_link.exists():
        raise WarehouseMissing(f"no warehouse published in {paths.warehouse_dir} yet: "
                               "run `netflix-insights refresh`")
    return paths.current_link.resolve()
