"""Where a command's CPU goes, by kind of process: for the test suite, by default.

    .venv/bin/python benchmarks/suite_cpu.py [-- COMMAND ...]   (default: python3 tasks.py test)

Runs COMMAND and reads /proc twice a second: every process's user + system CPU, kept
per pid at its last reading (a process that exits between readings loses its last
half second), grouped by program (for Python, by its module or script). Prints the
wall time, how busy the machine's cores were (/proc/stat, whole run: a suite near
100 % is CPU-bound, and more workers cannot shorten it), and each group's CPU seconds
and share. Processes that existed before the command started count only what they
used after. Linux only.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def readings() -> dict[int, tuple[str | None, float]]:
    """pid → (group, CPU seconds so far); the group is None for a process whose command
    line is gone (exited, not yet reaped)."""
    out = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        args = [a.decode(errors="replace") for a in argv if a]
        gone = not args and fields[0] == "Z"
        out[int(proc.name)] = (None if gone else group(comm, args),
                               (int(fields[11]) + int(fields[12])) / TICK)
    return out


def group(comm: str, argv: list[str]) -> str:
    if not comm.startswith("python") or len(argv) < 2:
        return comm
    if argv[1] == "-m" and len(argv) > 2:
        return f"python -m {argv[2]}"
    if argv[1] == "-u" and "-c" in argv[1:3]:
        return "python (pytest-xdist worker)"
    return f"python {Path(argv[1]).name}" if not argv[1].startswith("-") else "python -c"


def busy() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def main(argv: list[str]) -> int:
    command = argv or ["python3", "tasks.py", "test"]
    start, seen = readings(), {}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid, (name, cpu) in readings().items():
                kept = seen.get(pid)
                if name is None:   # exited: its last CPU under the name it had
                    if kept:
                        seen[pid] = (kept[0], max(cpu, kept[1]))
                    continue
                # a reused pid with another program starts over
                seen[pid] = (name, cpu) if not kept or kept[0] == name or cpu >= kept[1] \
                    else kept
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    b0, t0, w0 = *busy(), time.monotonic()
    sampler.start()
    code = subprocess.call(command, cwd=ROOT)
    done.set()
    sampler.join()
    b1, t1, wall = *busy(), time.monotonic() - w0
    per = Counter()
    me = os.getpid()
    for pid, (name, cpu) in seen.items():
        if pid == me:
            continue
        before = start[pid][1] if pid in start and start[pid][0] in (name, None) else 0.0
        per[name] += max(cpu - before, 0.0)
    total = sum(per.values())
    print(f"\n{' '.join(command)}: exit {code}, {wall:.0f} s wall, cores "
          f"{(b1 - b0) / (t1 - t0):.0%} busy, {total:.0f} CPU-s seen")
    for name, cpu in per.most_common(12):
        print(f"{cpu:8.1f} s  {cpu / total:5.1%}  {name}")
    return code


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(args[1:] if args[:1] == ["--"] else args))
