"""The layers contract (pyproject.toml [tool.importlinter]) holds: a module imports only
from layers below its own, so `base` knows nothing of the project and nothing imports
the top package that wires the CLI and serving."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).parent / "lint-imports"
LOWER = ("base", "etl", "warehouse", "queries", "models", "blend", "dashapp")


def test_the_layers_contract_is_kept():
    result = subprocess.run([str(LINT)], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_project_import_hides_inside_a_function_below_the_top_layer():
    """An import moved into a function is how a cycle gets dodged: below the top layer
    every project import sits at module level, where the contract sees it plainly."""
    hidden = []
    for package in LOWER:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for inner in ast.walk(node):
                        module = (inner.module if isinstance(inner, ast.ImportFrom)
                                  else inner.names[0].name if isinstance(inner, ast.Import)
                                  else None)
                        if module and module.split(".")[0] in LOWER + ("netflix_insights",):
                            hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno} {module}")
    assert hidden == []


def test_the_app_and_serving_start_without_the_training_libraries():
    """Serving is apart from training: an app worker, `serve` and the prediction and
    Blend commands import no scikit-learn, statsmodels or scipy.stats when they start
    (per worker about half the CPU and memory: benchmarks/bench_app_start.py). A model's
    own classes come in with its artifact, the first time a request loads it."""
    code = ("import sys, dashapp.app, models.serving, models.copilot_serving, "
            "models.panels, blend.service, blend.evaluation, netflix_insights.serve; "
            "print(' '.join(m for m in ('sklearn', 'statsmodels', 'scipy.stats') "
            "if m in sys.modules) or 'none')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["none"]
