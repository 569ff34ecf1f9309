"""A week's timetable for the between-classes screenshot: the demo gym in Berlin with
a self-starting Tuesday 18:00 class led by the TV ``tv-front`` (coach Mara) and a
Thursday morning one that waits for Start, and the demo athletes checked in on
Tuesday 1 December 2026. Prints the instant to give ``backbeat snapshot tv
--between-classes --now``: 12 min 30 s before the Tuesday class."""

from __future__ import annotations

import argparse
from datetime import date, time

from backbeat.domain.timetable import Entry, Timetable
from backbeat.store.athletes import list_athletes
from backbeat.store.checkins import check_in
from backbeat.store.seed import open_database
from backbeat.store.timetable import save_timetable

DAY = date(2026, 12, 1)  # a Tuesday


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    db = open_database(parser.parse_args().db)
    save_timetable(db, Timetable(timezone="Europe/Berlin", entries=(
        Entry(weekday=1, start=time(18, 0), room="tv-front", program="Precision Back", coach="Mara",
              self_start=True),
        Entry(weekday=3, start=time(7, 0), room="tv-front", program="Precision Back", day=2,
              coach="Jonas"),
    )))
    for athlete in list_athletes(db)[:6]:
        check_in(db, athlete.id, day=DAY, station="demo")
    print("2026-12-01T17:47:30+01:00")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
