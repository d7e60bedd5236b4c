"""`netflix-insights schedule`: refresh on an interval or a cron expression.

A failed run is reported and the schedule goes on: the last good build keeps serving
(a failed refresh never publishes). The refresh lock makes an overlapping run by cron
or another scheduler fail fast instead of racing.
"""
from __future__ import annotations

import re
import signal
import sys
import time
from datetime import datetime, timedelta, timezone

from base import settings

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ScheduleError(ValueError):
    """A bad --every or --cron value."""


def parse_interval(text: str) -> timedelta:
    """'90s', '30m', '6h', '1d' → timedelta (at least 10 seconds)."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text or "")
    if not match:
        raise ScheduleError(f"bad interval {text!r}: use a number and s/m/h/d, e.g. 6h")
    seconds = int(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 10:
        raise ScheduleError("interval must be at least 10 seconds")
    return timedelta(seconds=seconds)


def next_times(every: str | None, cron: str | None, start: datetime):
    """Yield the planned run times (UTC) after `start`."""
    if every:
        step = parse_interval(every)
        when = start
        while True:
            when += step
            yield when
    from croniter import CroniterBadDateError, croniter
    if not croniter.is_valid(cron) or len(cron.split()) > 5:   # (croniter takes seconds too)
        raise ScheduleError(f"bad cron expression {cron!r}, e.g. \"0 3 * * *\"")
    it = croniter(cron, start)
    while True:
        try:
            yield it.get_next(datetime)
        except CroniterBadDateError:   # valid syntax for a date that never comes (31 Feb)
            raise ScheduleError(f"cron expression {cron!r} never fires (a day the month "
                                "does not have?)") from None


def run_schedule(args, sleep=time.sleep) -> int:
    """The scheduler loop; returns the exit code (0 unless the last run failed)."""
    from etl.publish import RefreshLocked
    from netflix_insights.refresh import RefreshFailed, refresh
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    try:
        plan = next_times(args.every, args.cron, datetime.now(timezone.utc))
        upcoming = next(plan)   # checks the schedule, --run-now or not
    except ScheduleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.max_runs is not None and args.max_runs < 1:
        print(f"error: --max-runs is a whole number of at least 1, got {args.max_runs}",
              file=sys.stderr)
        return 2
    # --run-now runs first and then keeps the planned time; the first may be hours away:
    # say the scheduler is alive, and when
    first, queued = (None, [upcoming]) if args.run_now else (upcoming, [])
    if first is not None:
        print(f"{_stamp()} first refresh at {first:%Y-%m-%d %H:%M:%S} UTC", flush=True)
    runs, last_ok = 0, True
    while not stop["now"] and (args.max_runs is None or runs < args.max_runs):
        when = first if first is not None else datetime.now(timezone.utc)
        _wait_until(when, sleep, stop)
        if stop["now"]:
            break
        try:
            result = refresh(settings.data_dir(args.data_dir), source=args.source,
                             kaggle_csv=args.kaggle_csv, replay=args.replay,
                             quiet=args.quiet, tmdb_limit=args.tmdb_limit,
                             imdb_dir=args.imdb_dir)
            print(f"{_stamp()} published {result.build_id}", flush=True)
            last_ok = True
        except (RefreshFailed, RefreshLocked) as exc:
            print(f"{_stamp()} refresh failed, still serving the last good build: {exc}",
                  file=sys.stderr, flush=True)
            last_ok = False
        runs += 1
        first = queued.pop() if queued else next(plan)
        if args.max_runs is None or runs < args.max_runs:
            print(f"{_stamp()} next refresh at {first:%Y-%m-%d %H:%M:%S} UTC", flush=True)
    return 0 if last_ok else 1


def _wait_until(when: datetime, sleep, stop) -> None:
    while not stop["now"]:
        left = (when - datetime.now(timezone.utc)).total_seconds()
        if left <= 0:
            return
        sleep(min(left, 1.0))


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
