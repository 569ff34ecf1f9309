"""The week's timetable on a fake clock: classes at their minute, the days the clocks
change, a class missed while every TV was off, and what the TV is told to do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from backbeat.domain.timetable import (
    ASK_WINDOW_S,
    EARLY_START_S,
    START_GRACE_S,
    Action,
    Entry,
    Timetable,
    countdown_text,
    decide,
    instant,
    next_class,
    next_program_day,
    occurrences,
    started_as,
)

BERLIN = "Europe/Berlin"


def entry(weekday=1, at="18:00", room="tv-main", program="Precision Back", self_start=True, **kw):
    h, m = map(int, at.split(":"))
    return Entry(weekday=weekday, start=time(h, m), room=room, program=program,
                 self_start=self_start, **kw)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_class_is_at_its_wall_clock_minute_on_both_sides_of_a_dst_change():
    tt = Timetable(timezone=BERLIN, entries=(entry(weekday=6, at="18:00"),))  # Sundays
    # 2026-03-29: the clocks go forward at 02:00; 2026-10-25: back at 03:00
    found = occurrences(tt, utc(2026, 3, 20), utc(2026, 4, 6))
    assert [o.at for o in found] == [utc(2026, 3, 22, 17), utc(2026, 3, 29, 16), utc(2026, 4, 5, 16)]
    assert all(o.local(tt.zone).hour == 18 for o in found)
    found = occurrences(tt, utc(2026, 10, 20), utc(2026, 11, 2))
    assert [o.at for o in found] == [utc(2026, 10, 25, 17), utc(2026, 11, 1, 17)]


def test_times_the_clocks_skip_or_repeat():
    zone = Timetable(timezone=BERLIN).zone
    # 02:30 does not exist on 29 March: the class is at 03:30 summer time (01:30 UTC)
    assert instant(date(2026, 3, 29), time(2, 30), zone) == utc(2026, 3, 29, 1, 30)
    # 02:30 happens twice on 25 October: the first (summer time, 00:30 UTC)
    assert instant(date(2026, 10, 25), time(2, 30), zone) == utc(2026, 10, 25, 0, 30)


def test_a_self_starting_class_starts_at_its_minute_and_only_once():
    tt = Timetable(timezone=BERLIN, entries=(entry(),))  # Tuesdays 18:00
    start = utc(2026, 12, 1, 17)  # 18:00 in Berlin
    before = decide(tt, "tv-main", start - timedelta(minutes=5), set())
    assert before.action is Action.WAIT and before.seconds_to_start == 300
    assert before.words(tt.zone) == "Next: Precision Back at 18:00"
    assert decide(tt, "tv-main", start - timedelta(seconds=1), set()).action is Action.WAIT
    now = decide(tt, "tv-main", start, set())
    assert now.action is Action.START and now.occurrence.key.endswith("@2026-12-01")
    assert decide(tt, "tv-main", start + timedelta(seconds=START_GRACE_S), set()).action is Action.START
    # once handled, the TV moves on to the next week's
    after = decide(tt, "tv-main", start + timedelta(seconds=5), {now.occurrence.key})
    assert after.action is Action.WAIT and after.occurrence.at == start + timedelta(days=7)
    # another room's TV does nothing about it
    assert decide(tt, "tv-annex", start, set()).action is Action.NOTHING


def test_a_class_that_waits_for_the_coach_is_ready():
    tt = Timetable(timezone=BERLIN, entries=(entry(self_start=False, coach="Mara"),))
    d = decide(tt, "tv-main", utc(2026, 12, 1, 17, 0, 30), set())
    assert d.action is Action.READY and d.words(tt.zone) == "Precision Back (18:00) — ready: press Start"


def test_a_class_missed_while_every_tv_was_off_is_asked_about_not_started_late():
    tt = Timetable(timezone=BERLIN, entries=(entry(),))
    start = utc(2026, 12, 1, 17)
    late = decide(tt, "tv-main", start + timedelta(minutes=12), set())
    assert late.action is Action.ASK
    assert late.words(tt.zone) == ("Precision Back should have started at 18:00, while the TV "
                                   "was off. Start it now?")
    # too late to run it at all: not asked, the next one is shown
    gone = decide(tt, "tv-main", start + timedelta(seconds=ASK_WINDOW_S + 1), set())
    assert gone.action is Action.WAIT and gone.occurrence.at == start + timedelta(days=7)
    # asked (or declined) once: not again
    assert decide(tt, "tv-main", start + timedelta(minutes=13),
                  {late.occurrence.key}).action is Action.WAIT


def test_a_class_started_by_hand_stands_for_the_timetable_s_class_of_its_program_and_room():
    tt = Timetable(timezone=BERLIN, entries=(entry(), entry(at="19:00", program="Hinge Basics"),
                                             entry(room="tv-annex", program="Hinge Basics")))
    six = utc(2026, 12, 1, 17)  # Tuesday 18:00 in Berlin
    early = started_as(tt, "tv-main", "precision back", six - timedelta(minutes=10))
    assert early is not None and early.at == six and early.entry.program == "Precision Back"
    assert started_as(tt, "TV-Main", "Precision Back", six + timedelta(minutes=20)).at == six
    # too early, too late, another program, another room, or already handled: not that class
    assert started_as(tt, "tv-main", "Precision Back", six - timedelta(seconds=EARLY_START_S + 1)) is None
    assert started_as(tt, "tv-main", "Precision Back", six + timedelta(seconds=ASK_WINDOW_S + 1)) is None
    assert started_as(tt, "tv-main", "Deadlift Day", six) is None
    assert started_as(tt, "tv-annex", "Precision Back", six) is None
    assert started_as(tt, "tv-main", "Precision Back", six, {early.key}) is None
    # the room's 19:00 class of another program is its own
    hinge = started_as(tt, "tv-main", "Hinge Basics", six + timedelta(minutes=45))
    assert hinge.at == six + timedelta(hours=1)


def test_a_class_started_early_from_the_cli_is_not_started_again_at_its_minute(db):
    """``backbeat class start`` (or the remote) at 17:50 for the room's 18:00 class:
    at 18:00 the room's TV, idle again, neither starts a second copy nor asks."""
    from backbeat.domain.timetable import between
    from backbeat.store.classes import start_class
    from backbeat.store.seed import seed_if_empty
    from backbeat.store.timetable import handled, resolve, save_timetable

    seed_if_empty(db)
    tt = save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(),)))
    six = utc(2026, 12, 1, 17)
    assert between(tt, "tv-main", six, frozenset(handled(db)), resolve(db, tt.entries)).starts
    start_class(db, "Precision Back", 1, at_ns=int((six - timedelta(minutes=10)).timestamp() * 1e9),
                leader="tv-main")
    done = handled(db)
    assert [v["what"] for v in done.values()] == ["started"]
    at_six = between(tt, "tv-main", six, frozenset(done), resolve(db, tt.entries))
    assert not at_six.starts and at_six.action is Action.WAIT
    assert at_six.occurrence.at == six + timedelta(days=7)
    # the same program started in another room is not the timetable's class
    start_class(db, "Precision Back", 1, at_ns=int(six.timestamp() * 1e9), leader="tv-annex")
    assert handled(db) == done


def test_the_dst_day_self_start_happens_at_the_local_minute():
    tt = Timetable(timezone=BERLIN, entries=(entry(weekday=6, at="09:30"),))
    spring = utc(2026, 3, 29, 7, 30)  # 09:30 summer time
    assert decide(tt, "tv-main", spring - timedelta(hours=1), set()).action is Action.WAIT
    assert decide(tt, "tv-main", spring, set()).action is Action.START
    autumn = utc(2026, 10, 25, 8, 30)  # 09:30 winter time
    assert decide(tt, "tv-main", autumn - timedelta(hours=1), set()).action is Action.WAIT
    assert decide(tt, "tv-main", autumn, set()).action is Action.START


def test_next_class_and_words():
    tt = Timetable(timezone=BERLIN, entries=(entry(weekday=3, at="07:00"), entry(weekday=1)))
    nxt = next_class(tt, utc(2026, 12, 2, 12))  # a Wednesday
    assert nxt.entry.weekday == 3 and nxt.local(tt.zone).hour == 7
    assert countdown_text(2 * 3600 + 5 * 60) == "in 2 h 05 min"
    assert countdown_text(270) == "in 4 min 30 s"
    assert countdown_text(11.2) == "in 12 s"
    assert countdown_text(3 * 86400 + 3600) == "in 3 d 1 h"
    assert next_program_day(3, None) == 1 and next_program_day(3, 1) == 2
    assert next_program_day(3, 3) == 1


@pytest.mark.parametrize("data,words", [
    ({"timezone": "Mars/Olympus"}, "not a time zone name"),
    ({"entries": [{"weekday": 7, "start": "18:00", "room": "tv", "program": "P"}]}, "less than or equal to 6"),
    ({"entries": [{"weekday": 1, "start": "18:00:30", "room": "tv", "program": "P"}]}, "whole minute"),
    ({"entries": [{"weekday": 1, "start": "18:00", "room": "tv", "program": "P"},
                  {"weekday": 1, "start": "18:00", "room": "TV", "program": "Q"}]},
     "TV has two classes at Tuesday 18:00: P and Q"),
])
def test_bad_timetables_are_refused(data, words):
    with pytest.raises(ValidationError, match=words):
        Timetable.model_validate(data)


# --- the store: kept, resolved, exported ---------------------------------------------------

def test_the_timetable_in_the_store_and_what_each_class_runs(db):
    from backbeat.domain.errors import InvalidInput
    from backbeat.store.programs import delete_program
    from backbeat.store.seed import seed_if_empty
    from backbeat.store.sessions import start_session
    from backbeat.store.timetable import (
        class_of,
        get_timetable,
        handled,
        mark_handled,
        save_timetable,
    )

    seed_if_empty(db)
    assert get_timetable(db).entries == ()
    with pytest.raises(InvalidInput, match="entries.0.weekday"):
        save_timetable(db, {"timezone": BERLIN, "entries": [
            {"weekday": 9, "start": "18:00", "room": "tv", "program": "Precision Back"}]})
    assert get_timetable(db).entries == ()  # nothing half-saved
    tt = save_timetable(db, Timetable(timezone=BERLIN, entries=(entry(), entry(weekday=3, day=2))))
    assert get_timetable(db) == tt
    nxt, fixed = tt.entries
    # "next day of the program": day 1 first, then the day after the last class run
    assert class_of(db, nxt) == ("Precision Back", 1)
    start_session(db, "Precision Back", 1)
    assert class_of(db, nxt) == ("Precision Back", 2)
    assert class_of(db, fixed) == ("Precision Back", 2)
    occ = decide(tt, "tv-main", utc(2026, 12, 1, 17), set()).occurrence
    mark_handled(db, occ, "started", utc(2026, 12, 1, 17))
    assert handled(db)[occ.key]["what"] == "started"
    mark_handled(db, occ, "started", utc(2026, 12, 30))  # older ones are forgotten
    assert list(handled(db)) == [occ.key]
    # a deleted program: a clear message, nothing to start
    from backbeat.store.programs import load_program, save_program

    save_program(db, load_program(db, "Precision Back").model_copy(update={"name": "Old back"}))
    gone = entry(weekday=4, program="Old back")
    assert class_of(db, gone) == ("Old back", 1)
    delete_program(db, "Old back")
    with pytest.raises(InvalidInput, match="Friday 18:00: the program 'Old back' is no "
                                           "longer in the database, so nothing starts"):
        class_of(db, gone)


def test_icalendar_export(db):
    from icalendar import Calendar

    from backbeat.store.seed import seed_if_empty
    from backbeat.store.timetable import save_timetable, timetable_ics

    seed_if_empty(db)
    save_timetable(db, Timetable(timezone=BERLIN, entries=(
        entry(coach="Mara"), entry(weekday=5, at="09:30", room="tv-annex", day=2, self_start=False))))
    cal = Calendar.from_ical(timetable_ics(db, now=utc(2026, 12, 2, 12)))
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2
    tue, sat = events
    assert tue["summary"] == "Precision Back" and tue["location"] == "tv-main"
    assert tue.decoded("dtstart") == datetime(2026, 12, 8, 18, 0, tzinfo=tue.decoded("dtstart").tzinfo)
    assert str(tue.decoded("dtstart").tzinfo) == BERLIN
    assert tue["rrule"]["FREQ"] == ["WEEKLY"] and tue["rrule"]["BYDAY"] == ["TU"]
    assert "Coach: Mara" in tue["description"] and "by itself" in tue["description"]
    assert sat["summary"] == "Precision Back — day 2" and sat["rrule"]["BYDAY"] == ["SA"]
    assert 20 <= sat.decoded("duration").total_seconds() / 60 <= 90  # the day's length
    assert [c["tzid"] for c in cal.walk("VTIMEZONE")] == [BERLIN]
