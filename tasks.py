#!/usr/bin/env python3
"""The README's two commands, runnable with nothing but python3:

    python3 tasks.py up      install, build the warehouse if missing, serve on :8050
    python3 tasks.py test    install (+ Chromium, nginx, PostgreSQL for the tests), run every test

Both create .venv/ and install the pinned dependencies (constraints.txt) the first
time, and again only when pyproject.toml or constraints.txt change.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
EXTRAS = "serve,test,kaggle"  # kaggle: the live Kaggle source is tested too


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(cmd: list[str], **kw) -> None:
    result = subprocess.run(cmd, **kw)
    if result.returncode != 0:
        sys.exit(f"command failed ({result.returncode}): {' '.join(map(str, cmd))}")


def install() -> None:
    """Create the virtualenv and install pinned dependencies when they changed."""
    stamp_value = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()
                                 + (ROOT / "constraints.txt").read_bytes()).hexdigest()
    stamp = VENV / ".installed"
    if PY.exists() and stamp.exists() and stamp.read_text() == stamp_value:
        return
    if not PY.exists():
        say(f"creating virtualenv {VENV}")
        venv.EnvBuilder(with_pip=True, clear=VENV.exists()).create(VENV)
    say("installing pinned dependencies (constraints.txt)")
    run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", str(ROOT / "constraints.txt"), "-e", f"{ROOT}[{EXTRAS}]"])
    stamp.write_text(stamp_value)


SBIN = "/usr/sbin:/usr/local/sbin"
# What the tests run for real, from Debian's packages: a program each needs, and the
# packages that provide it.
SYSTEM_PACKAGES = {
    # chromium-headless-shell: Chromium's own headless build (the same Blink and V8),
    # which draws the suite's pages with ~13 % less CPU than `chromium --headless`
    # (benchmarks/bench_browser_cpu.py); chromium-driver drives either
    "browser tests": (["chromium-headless-shell", "chromedriver"],
                      ["chromium-headless-shell", "chromium-driver"]),
    "nginx tests": (["nginx"], ["nginx"]),
    "PostgreSQL tests": (["pg_ctl", "initdb", "postgres", "pg_dump"], ["postgresql"]),
}


def found(program: str) -> bool:
    """On PATH, in /usr/sbin, or in Debian's versioned PostgreSQL bin directory."""
    if shutil.which(program) or shutil.which(program, path=SBIN):
        return True
    return any(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))


def ensure_system_packages() -> None:
    """Debian's chromium-headless-shell + chromium-driver (browser tests), nginx and
    postgresql (the serving-topology tests), installed with apt-get when a program is
    missing."""
    missing = [pkg for purpose, (programs, packages) in SYSTEM_PACKAGES.items()
               if not all(found(p) for p in programs) for pkg in packages]
    if not missing:
        return
    say(f"installing Debian packages for the tests: {' '.join(missing)}")
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if prefix and not shutil.which("sudo"):
        sys.exit(f"the tests need {' '.join(missing)}: install them with apt-get (as "
                 "root) or run this command as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(prefix + ["apt-get", "update", "-qq"], env=env)
    run(prefix + ["apt-get", "install", "-y", "-qq", *missing], env=env)


def up(args: list[str]) -> int:
    install()
    cli = VENV / "bin" / "netflix-insights"
    os.execv(str(cli), [str(cli), "serve", *args])


def test(args: list[str]) -> int:
    install()
    ensure_system_packages()
    say("running the test suite")
    # Two workers (pytest-xdist): much of the suite waits on subprocesses, servers and
    # the browser, so two workers on two cores roughly halve its wall time. loadgroup
    # keeps the model-training tests on one worker (trained once) and the browser
    # tests on one Chromium (tests/conftest.py). Extra arguments go to pytest.
    parallel = [] if any(a == "-n" or a.startswith("-n") for a in args) else \
        ["-n", "2", "--dist", "loadgroup"]
    return subprocess.call([str(PY), "-m", "pytest", *parallel, *args], cwd=ROOT)


def main() -> int:
    commands = {"up": up, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
