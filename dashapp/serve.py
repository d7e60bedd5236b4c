"""`netflix-insights serve`: build the warehouse if missing, then serve the app."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from etl import settings
from etl.publish import Paths, current_build


def ensure_warehouse(data_dir: Path, build_if_missing: bool) -> Path:
    """The published build, refreshing from the bundled snapshot first if none exists."""
    paths = Paths(data_dir)
    if not paths.current_link.exists() and build_if_missing:
        print("no warehouse yet: building it from the bundled snapshot…", file=sys.stderr)
        from etl.refresh import refresh
        refresh(data_dir)
    return current_build(paths)


def serve(data_dir: Path, host: str | None = None, port: int | None = None,
          build_if_missing: bool = True) -> int:
    path = ensure_warehouse(data_dir, build_if_missing)
    # The app (and gunicorn workers) read the data dir from the environment.
    os.environ[settings.SETTINGS["data_dir"].env] = str(data_dir)
    host = host or settings.get("host")
    port = port or int(settings.get("port"))
    from dashapp.app import app
    print(f"serving {path.name} on http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    app.run(host=host, port=port, debug=False)
    return 0
