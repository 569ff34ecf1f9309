"""A class under way for the coach's board screenshot: a session of Precision Back
day 2 with some hyperextension sets logged (a flagged athlete's bird dog among
them). Prints the class time (s) of the rest after the first set, for
``backbeat snapshot tv --at``."""

from __future__ import annotations

import argparse
import uuid

from backbeat.domain.setlog import SetEntry
from backbeat.engine.timeline import ClassPlan
from backbeat.store.athletes import list_athletes
from backbeat.store.checkins import checked_in
from backbeat.store.library import load_library
from backbeat.store.logs import log_set
from backbeat.store.programs import load_program
from backbeat.store.seed import open_database
from backbeat.store.sessions import start_session

PROGRAM, DAY, EXERCISE = "Precision Back", 2, "weighted-hyperextension"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    db = open_database(parser.parse_args().db)
    session = start_session(db, PROGRAM, DAY)
    here = checked_in(db)
    athletes = [a for a in list_athletes(db) if a.id in here]
    for i, athlete in enumerate(athletes):
        flagged = EXERCISE in athlete.substitutions
        for _ in range((2, 1, 2, 0, 1, 2)[i % 6]):
            log_set(db, SetEntry(
                key=uuid.uuid4().hex, athlete_id=athlete.id,
                exercise=athlete.substitutions[EXERCISE] if flagged else EXERCISE,
                reps=10 if flagged else 8, load_kg=None if flagged else 7.5,
                session_id=session, station="demo",
                replaces=EXERCISE if flagged else None))
    timeline = ClassPlan(load_program(db, PROGRAM), DAY, load_library(db)).timeline()
    work = next(s for s in timeline.segments if s.exercise == EXERCISE and s.kind == "work")
    rest = next(s for s in timeline.segments[work.index:] if s.kind == "rest")
    print(int(rest.start_ms / 1000) + 5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
